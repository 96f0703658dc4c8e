package io.moesearch.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownItemQueriesTest {
  private static final String[] BRANDS = {"Hoover", "Xerox", "HP", "Kingston", "Logitech"};

  /** 400 products, every fifth a duplicate (same brand and model, another id) of the one before. */
  private static Catalog catalog() {
    Random rnd = new Random(3);
    List<Product> ps = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      Product prev = ps.isEmpty() ? null : ps.get(ps.size() - 1);
      if (i % 5 == 4 && prev != null) {
        ps.add(
            new Product(
                "d" + i, prev.title() + " (offer)", prev.brand(), prev.model(), "", null, null));
        continue;
      }
      String brand = BRANDS[rnd.nextInt(BRANDS.length)];
      String model = "DX" + (char) ('A' + rnd.nextInt(26)) + "-" + (100 + i) + "C" + rnd.nextInt(9);
      String title = brand + " " + model + " washing machine 16GB white 3m cable";
      ps.add(new Product("p" + i, title, brand, model, "", null, null));
    }
    ps.add(new Product("noModel", "A plain cable", "Acme", "", "", null, null));
    ps.add(
        new Product("nameModel", "Adapter", "Acme", "Serial Null Modem Adapter 9", "", null, null));
    return new Catalog(ps, List.of());
  }

  @Test
  void theSameSeedGivesTheSameSetsAndAnotherSeedOthers() {
    Catalog c = catalog();
    KnownItemQueries.Split a = new KnownItemQueries(7, 20, 20, 0.5).generate(c);
    KnownItemQueries.Split b = new KnownItemQueries(7, 20, 20, 0.5).generate(c);
    KnownItemQueries.Split other = new KnownItemQueries(8, 20, 20, 0.5).generate(c);
    assertThat(a).isEqualTo(b);
    assertThat(a.test()).isNotEqualTo(other.test());
  }

  @Test
  void trainAndTestShareNoProduct() {
    KnownItemQueries.Split s = new KnownItemQueries(7, 30, 30, 0.5).generate(catalog());
    Set<String> train =
        s.train().stream().flatMap(q -> q.relevant().stream()).collect(Collectors.toSet());
    Set<String> test =
        s.test().stream().flatMap(q -> q.relevant().stream()).collect(Collectors.toSet());
    assertThat(train).isNotEmpty();
    assertThat(test).isNotEmpty();
    assertThat(train).doesNotContainAnyElementsOf(test);
  }

  @Test
  void everyKindTakesItsTurnAndAQueryNamesItsProductAndDuplicates() {
    KnownItemQueries.Split s = new KnownItemQueries(7, 10, 10, 0.5).generate(catalog());
    assertThat(s.test().stream().map(KnownItemQueries.Query::kind).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(KnownItemQueries.KINDS);
    Catalog c = catalog();
    for (KnownItemQueries.Query q : s.test()) {
      Set<String> models = new HashSet<>();
      for (String id : q.relevant()) {
        Product p = c.products().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        models.add(KnownItemQueries.alnum(p.brand() + "|" + p.model()));
      }
      assertThat(models).as("one brand and model per query").hasSize(1);
      assertThat(q.relevant()).doesNotContain("noModel", "nameModel");
    }
    assertThat(s.test().stream().filter(q -> q.relevant().size() == 2))
        .as("duplicates")
        .isNotEmpty();
  }

  @Test
  void merchantRewritesSpellCodesAndUnitsDifferently() {
    Random rnd = new Random(1);
    Set<String> spellings = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      spellings.add(KnownItemQueries.rewriteCode("DXOC-67C3", rnd));
    }
    assertThat(spellings).contains("dxoc67c3").anyMatch(x -> x.contains("-"));
    Product p =
        new Product("1", "Kingston 16GB DDR4 memory KVR26", "Kingston", "KVR26", "", null, null);
    Set<String> texts = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      texts.add(KnownItemQueries.merchant(p, rnd));
    }
    assertThat(texts).anyMatch(t -> t.contains("16 gb") || t.contains("16 GB"));
    assertThat(texts).anyMatch(t -> t.equals(t.toLowerCase()));
  }

  @Test
  void theWrittenFileIsAJudgementFileWithTypes(@TempDir Path dir) throws IOException {
    KnownItemQueries.Split s = new KnownItemQueries(7, 5, 5, 0.5).generate(catalog());
    Path csv = dir.resolve("test.csv");
    KnownItemQueries.write(s.test(), csv);
    Judgements j = Judgements.load(csv, BadLinePolicy.FAIL);
    assertThat(j.byQuery()).hasSize(s.test().size());
    for (KnownItemQueries.Query q : s.test()) {
      assertThat(j.byQuery().get(q.text()).keySet()).containsExactlyElementsOf(q.relevant());
      assertThat(j.types().get(q.text())).isEqualTo(q.kind());
    }
  }

  /**
   * 200 groups, each with a duplicate offer (same brand and model): 100 Hoover groups whose codes
   * are near-identical ("HX-1000A", "HX-1000B", "HX-1002A", ...), and 100 groups each of a brand of
   * its own, so without a sibling.
   */
  private static Catalog confusableCatalog() {
    List<Product> ps = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String[] models =
          i % 2 == 0
              ? new String[] {"HX-" + (1000 + i) + "A", "HX-" + (1000 + i) + "B"}
              : new String[] {"QZ" + (5000 + 37 * i), "LM" + (90000 + 71 * i) + "T"};
      String[] brands =
          i % 2 == 0 ? new String[] {"Hoover", "Hoover"} : new String[] {"Acme" + i, "Zeta" + i};
      for (int k = 0; k < 2; k++) {
        String title = brands[k] + " " + models[k] + " washing machine 7kg white";
        ps.add(new Product("p" + i + k, title, brands[k], models[k], "", null, null));
        ps.add(new Product("d" + i + k, title + " (offer)", brands[k], models[k], "", null, null));
      }
    }
    return new Catalog(ps, List.of());
  }

  @Test
  void confusableCodesAreNearIdenticalCodesOrExtensions() {
    assertThat(KnownItemQueries.confusable("dxoc67c3", "dxoc47c3")).isTrue();
    assertThat(KnownItemQueries.confusable("mw8014s", "mw8014p")).isTrue();
    assertThat(KnownItemQueries.confusable("motog5", "motog5s")).isTrue();
    assertThat(KnownItemQueries.confusable("dxoc67c3", "dxoc67c3")).isFalse();
    assertThat(KnownItemQueries.confusable("mw8014s", "mwd7512s")).isFalse();
    assertThat(KnownItemQueries.confusable("hx1000a", "hx1000ab12")).isFalse();
  }

  @Test
  void confusableQueriesNameOnlyProductsWithANearIdenticalSiblingAndOnlyTheirGroup() {
    Catalog c = confusableCatalog();
    KnownItemQueries.Split s = new KnownItemQueries(7, 20, 20, 0.5).confusable(c);
    assertThat(s.test()).isNotEmpty();
    assertThat(s.train()).isNotEmpty();
    for (KnownItemQueries.Query q : concat(s.train(), s.test())) {
      assertThat(q.relevant()).as(q.text()).hasSize(2); // the product and its duplicate offer
      for (String id : q.relevant()) {
        Product p = c.products().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        assertThat(p.brand()).as(q.text()).isEqualTo("Hoover");
        assertThat(KnownItemQueries.alnum(q.text())).contains(KnownItemQueries.alnum(p.model()));
      }
    }
    assertThat(s.test().stream().map(KnownItemQueries.Query::kind).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(KnownItemQueries.CONFUSABLE_KINDS);
  }

  @Test
  void confusableSetsAreSeededAndSplitByProductAsTheOtherSets() {
    Catalog c = confusableCatalog();
    KnownItemQueries gen = new KnownItemQueries(7, 20, 20, 0.5);
    assertThat(gen.confusable(c)).isEqualTo(new KnownItemQueries(7, 20, 20, 0.5).confusable(c));
    assertThat(gen.confusable(c).test())
        .isNotEqualTo(new KnownItemQueries(8, 20, 20, 0.5).confusable(c).test());
    KnownItemQueries.Split conf = gen.confusable(c);
    KnownItemQueries.Split all = new KnownItemQueries(7, 200, 200, 0.5).generate(c);
    Set<String> trainProducts = products(concat(all.train(), conf.train()));
    Set<String> testProducts = products(concat(all.test(), conf.test()));
    assertThat(testProducts).isNotEmpty().doesNotContainAnyElementsOf(trainProducts);
  }

  /**
   * 120 flash drives in 40 variant families (the same title in 16GB, 32GB and 64GB), each with a
   * code-like model so that some families belong to known-item groups; and plain products.
   */
  private static Catalog variantCatalog() {
    List<Product> ps = new ArrayList<>();
    for (int f = 0; f < 40; f++) {
      for (int size : new int[] {16, 32, 64}) {
        String model = "DT" + f + "X" + size;
        ps.add(
            new Product(
                "v" + f + "-" + size,
                "Kingston DataTraveler " + f + " USB 3.0 " + size + "GB flash drive black",
                "Kingston",
                model,
                "",
                null,
                null));
      }
    }
    ps.add(new Product("single", "Kingston 8GB memory", "Kingston", "KVR8", "", null, null));
    return new Catalog(ps, List.of());
  }

  @Test
  void variantQueriesNameTheQuantityAndJudgeOnlyThatVariant() {
    Catalog c = variantCatalog();
    KnownItemQueries.Split s = new KnownItemQueries(7, 20, 20, 0.5).variants(c);
    assertThat(s).isEqualTo(new KnownItemQueries(7, 20, 20, 0.5).variants(c));
    assertThat(s.test()).isNotEmpty();
    for (KnownItemQueries.Query q : concat(s.train(), s.test())) {
      assertThat(q.kind()).isEqualTo(KnownItemQueries.VARIANT_KIND);
      assertThat(q.relevant()).hasSize(1);
      String id = q.relevant().iterator().next();
      String size = id.substring(id.indexOf('-') + 1);
      assertThat(q.text().replace(" ", "").toLowerCase()).contains(size + "gb");
    }
    // split by product, and consistently with the known-item sets of the same seed
    Set<String> train = products(s.train());
    assertThat(products(s.test())).doesNotContainAnyElementsOf(train);
    KnownItemQueries.Split known = new KnownItemQueries(7, 200, 200, 0.5).generate(c);
    assertThat(products(s.test())).doesNotContainAnyElementsOf(products(known.train()));
    assertThat(train).doesNotContainAnyElementsOf(products(known.test()));
  }

  @Test
  void variantQueriesJudgeEveryProductTheyNameAlikeAndNoOtherQuantity() {
    List<Product> ps = new ArrayList<>();
    String[] colours = {"Orange", "Blue", "Red"};
    for (int ft : new int[] {1, 3, 7}) {
      for (String colour : colours) {
        ps.add(
            new Product(
                ft + "-" + colour,
                "C2G " + ft + "ft Cat6 Snagless Patch Cable " + colour + " networking cable",
                "C2G",
                ft + "ft Cat6 Snagless Patch Cable " + colour,
                "",
                null,
                null));
      }
    }
    Catalog c = new Catalog(ps, List.of());
    KnownItemQueries.Split s = new KnownItemQueries(3, 20, 20, 0.5).variants(c);
    List<KnownItemQueries.Query> all = concat(s.train(), s.test());
    assertThat(all).isNotEmpty();
    boolean colourless = false;
    for (KnownItemQueries.Query q : all) {
      String words = q.text().toLowerCase().replace(" ft", "ft");
      Set<String> named = new java.util.HashSet<>();
      for (Product p : ps) {
        String t = p.title().toLowerCase();
        if (t.equals(words) || t.startsWith(words + " ")) {
          named.add(p.id());
        }
      }
      // every product the words name, in any colour, and only of the named length
      assertThat(q.relevant()).as(q.text()).containsExactlyInAnyOrderElementsOf(named);
      assertThat(q.relevant().stream().map(id -> id.substring(0, id.indexOf('-'))).distinct())
          .hasSize(1);
      colourless |= q.relevant().size() == colours.length;
    }
    assertThat(colourless).as("some query stops before the colour").isTrue();
    assertThat(java.util.Collections.disjoint(products(s.test()), products(s.train()))).isTrue();
  }

  private static List<KnownItemQueries.Query> concat(
      List<KnownItemQueries.Query> a, List<KnownItemQueries.Query> b) {
    List<KnownItemQueries.Query> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static Set<String> products(List<KnownItemQueries.Query> qs) {
    return qs.stream().flatMap(q -> q.relevant().stream()).collect(Collectors.toSet());
  }

  /**
   * A misspelled-title query is a title prefix with exactly one word changed by one typo (one edit:
   * a letter deleted, inserted, replaced or two neighbours swapped) in a word of 5+ letters;
   * seeded; split by product as the other sets.
   */
  @Test
  void typoQueriesMisspellOneLongerWordOfATitlePrefixOnce() {
    Catalog c = catalog();
    KnownItemQueries gen = new KnownItemQueries(7, 20, 20, 0.5);
    KnownItemQueries.Split s = gen.typos(c);
    assertThat(s).isEqualTo(new KnownItemQueries(7, 20, 20, 0.5).typos(c));
    assertThat(s.test()).isNotEmpty();
    Set<String> testIds =
        gen.generate(c).test().stream()
            .flatMap(q -> q.relevant().stream())
            .collect(Collectors.toSet());
    for (KnownItemQueries.Query q : s.test()) {
      assertThat(q.kind()).isEqualTo(KnownItemQueries.TYPO_KIND);
      Product p =
          c.products().stream()
              .filter(x -> x.id().equals(q.relevant().iterator().next()))
              .findFirst()
              .orElseThrow();
      String[] typed = q.text().split(" ");
      String[] title = KnownItemQueries.prefix(p.title(), typed.length).split(" ");
      int changed = 0;
      for (int i = 0; i < typed.length; i++) {
        if (!typed[i].equals(title[i])) {
          changed++;
          assertThat(title[i].length()).isGreaterThanOrEqualTo(5);
          assertThat(damerau(typed[i], title[i])).as(typed[i] + " vs " + title[i]).isEqualTo(1);
        }
      }
      assertThat(changed).as(q.text()).isEqualTo(1);
    }
    assertThat(s.train().stream().flatMap(q -> q.relevant().stream()))
        .doesNotContainAnyElementsOf(testIds);
    Random rnd = new Random(1);
    for (int i = 0; i < 200; i++) {
      assertThat(damerau(KnownItemQueries.typo("washing", rnd), "washing")).isEqualTo(1);
    }
  }

  /** Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions). */
  private static int damerau(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
