package io.moesearch.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShopOffersTest {
  private static final String[] BRANDS = {"Hoover", "Xerox", "HP", "Kingston", "Logitech"};

  /**
   * 300 products with code-like models (every fifth a duplicate of the one before) and 20 without.
   */
  private static Catalog catalog() {
    Random rnd = new Random(5);
    List<Product> ps = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Product prev = ps.isEmpty() ? null : ps.get(ps.size() - 1);
      if (i % 5 == 4 && prev != null) {
        ps.add(new Product("d" + i, prev.title(), prev.brand(), prev.model(), "", 10.0, null));
        continue;
      }
      String brand = BRANDS[rnd.nextInt(BRANDS.length)];
      String model = "DX" + (char) ('A' + rnd.nextInt(26)) + "-" + (100 + i) + "C" + rnd.nextInt(9);
      String title = brand + " " + model + " washing machine 16GB white® 3m cable";
      ps.add(new Product("p" + i, title, brand, model, "a description", 100.0, Map.of("x", "y")));
    }
    for (int i = 0; i < 20; i++) {
      ps.add(new Product("n" + i, "A plain cable number " + i, "Acme", "", "", null, null));
    }
    return new Catalog(ps, List.of());
  }

  private static String productOf(String offerId) {
    return offerId.substring(0, offerId.indexOf(ShopOffers.OFFER_SEPARATOR));
  }

  @Test
  void theSameSeedGivesTheSameShopAndAnotherSeedAnother() {
    Catalog c = catalog();
    ShopOffers.Shop a = new ShopOffers(7, 20, 20, 0.5, 6).generate(c);
    assertThat(new ShopOffers(7, 20, 20, 0.5, 6).generate(c)).isEqualTo(a);
    ShopOffers.Shop other = new ShopOffers(8, 20, 20, 0.5, 6).generate(c);
    assertThat(other.offers()).isNotEqualTo(a.offers());
    assertThat(other.labels().test()).isNotEqualTo(a.labels().test());
  }

  @Test
  void offersCarryOnlyIdTitleAndAPriceNearTheProducts() {
    Catalog c = catalog();
    ShopOffers.Shop shop = new ShopOffers(7, 20, 20, 0.5, 6).generate(c);
    Map<String, Product> byId = new HashMap<>();
    c.products().forEach(p -> byId.put(p.id(), p));
    Map<String, Long> perProduct =
        shop.offers().stream()
            .collect(Collectors.groupingBy(o -> productOf(o.id()), Collectors.counting()));
    assertThat(perProduct.keySet()).isEqualTo(byId.keySet()); // every product is offered
    assertThat(perProduct.values()).allSatisfy(n -> assertThat(n).isBetween(1L, 6L));
    assertThat(perProduct.values()).anySatisfy(n -> assertThat(n).isGreaterThan(1L));
    for (Product o : shop.offers()) {
      assertThat(o.brand()).isEmpty();
      assertThat(o.model()).isEmpty();
      assertThat(o.description()).isEmpty();
      assertThat(o.attributes()).isEmpty();
      assertThat(o.title()).isNotBlank().doesNotContain("®");
      Double price = byId.get(productOf(o.id())).price();
      if (price == null) {
        assertThat(o.price()).isNull();
      } else {
        assertThat(o.price()).isBetween(price * 0.9 - 0.01, price * 1.1 + 0.01);
      }
    }
    // Products without a code-like model are offered once.
    assertThat(perProduct.get("n3")).isEqualTo(1L);
  }

  @Test
  void anOfferTitleKeepsTheCodeItsHeadCarriesInSomeSpelling() {
    Product p =
        new Product("p", "Hoover DXOC-67C3 washing machine", "Hoover", "DXOC-67C3", "", null, null);
    Set<String> spellings = new HashSet<>();
    Random rnd = new Random(1);
    for (int i = 0; i < 200; i++) {
      String t = ShopOffers.offerTitle(p, rnd);
      assertThat(KnownItemQueries.alnum(t)).contains("dxoc67c3");
      spellings.add(t.replaceAll("(?i).*?(dxoc[- ]?67c3).*", "$1"));
    }
    assertThat(spellings).contains("DXOC67C3", "dxoc-67c3", "DXOC 67C3");
  }

  @Test
  void labelsAreJudgedWithEveryOfferOfTheirGroupAndSplitByProduct() {
    Catalog c = catalog();
    ShopOffers.Shop shop = new ShopOffers(7, 40, 40, 0.5, 6).generate(c);
    Map<String, Set<String>> offersOf = new HashMap<>();
    shop.offers()
        .forEach(
            o -> offersOf.computeIfAbsent(productOf(o.id()), k -> new HashSet<>()).add(o.id()));
    assertThat(shop.labels().test()).isNotEmpty();
    for (KnownItemQueries.Query q : shop.labels().test()) {
      assertThat(ShopOffers.KINDS).contains(q.kind());
      Set<String> products =
          q.relevant().stream().map(ShopOffersTest::productOf).collect(Collectors.toSet());
      Set<String> all = new HashSet<>();
      products.forEach(p -> all.addAll(offersOf.get(p)));
      assertThat(q.relevant()).isEqualTo(all);
    }
    Set<String> train = products(shop.labels().train());
    assertThat(products(shop.labels().test())).doesNotContainAnyElementsOf(train);
    // The split is the known-item sets': a test product is in their test part too.
    KnownItemQueries.Split known = new KnownItemQueries(7, 40, 40, 0.5).generate(c);
    assertThat(products(shop.labels().test())).doesNotContainAnyElementsOf(relevant(known.train()));
  }

  @Test
  void rejectsAShopWithoutOffers() {
    assertThatThrownBy(() -> new ShopOffers(7, 1, 1, 0.5, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxOffers");
  }

  private static Set<String> products(List<KnownItemQueries.Query> qs) {
    return qs.stream()
        .flatMap(q -> q.relevant().stream())
        .map(ShopOffersTest::productOf)
        .collect(Collectors.toSet());
  }

  private static Set<String> relevant(List<KnownItemQueries.Query> qs) {
    return qs.stream().flatMap(q -> q.relevant().stream()).collect(Collectors.toSet());
  }
}
