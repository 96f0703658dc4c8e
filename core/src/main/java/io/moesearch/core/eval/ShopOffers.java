package io.moesearch.core.eval;

import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A shop's offer catalogue generated from a product catalogue, with known-item queries that name a
 * product as a price-comparison site labels it: the conditions the known-item sets of {@link
 * KnownItemQueries} cannot show (their products carry brand and model fields, and each is one
 * record).
 *
 * <ul>
 *   <li><b>Offers.</b> Every product becomes offers with only an id ({@code <product id>~<n>}), a
 *       title and a price (within ±10% of the product's): no brand, model or description field. A
 *       product of an eligible (brand, model code) group ({@link KnownItemQueries#groupKey}) has 1
 *       to {@code maxOffers} offers (1 + a geometric count, mean ≈ 2.2), any other product one.
 *       Each offer's title is a merchant's rewrite of the product title ({@link #offerTitle}): the
 *       head of the title (5 to 14 words, trade-mark signs dropped), the brand dropped or moved
 *       last, the model code added when the title lacks it, the code spelled as merchants do
 *       ({@code DXOC67C3}, {@code dxoc-67c3}, {@code DXOC 67C3}), a word dropped, units glued or
 *       spaced, a merchant's suffix ("- Black", "(Unlocked)", "UK") and lower or upper case.
 *   <li><b>Queries</b> ("labels"), one per group, the kinds in turn ({@link #KINDS}): {@code
 *       label_brand_model}, the brand and model code as the catalogue writes them ("Hoover
 *       DXOC67C3"); {@code label_name}, the first 3 to 5 title words ("HP Pavilion dv7-1211ea").
 *       The relevant set is every offer of the group's products; the offers of products with
 *       near-identical codes are the negatives that matter.
 *   <li><b>Split</b> exactly as {@link KnownItemQueries} splits (same seed, same share): a group is
 *       in the same part as in the known-item sets.
 * </ul>
 *
 * Deterministic for a catalogue, a seed and the sizes.
 */
public final class ShopOffers {
  /** The label generators, in the order they take turns. */
  public static final List<String> KINDS = List.of("label_brand_model", "label_name");

  /** Separates a product id from its offer number in an offer's id. */
  public static final String OFFER_SEPARATOR = "~";

  /** The generated shop: its offers and the labels' judgements split by product group. */
  public record Shop(List<Product> offers, KnownItemQueries.Split labels) {}

  private static final List<String> SUFFIXES =
      List.of(
          "- Black",
          "- White",
          "Silver",
          "(Unlocked)",
          "UK",
          "Brand New",
          "2 Year Warranty",
          "Free Delivery",
          "- Refurbished",
          "EU plug",
          "Retail Box",
          "in stock");

  private static final Pattern MARKS = Pattern.compile("[®™©]");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final KnownItemQueries split;
  private final long seed;
  private final int trainPerKind;
  private final int testPerKind;
  private final int maxOffers;

  /**
   * @param seed the generators' and the split's seed (as {@link KnownItemQueries})
   * @param trainPerKind labels of each kind in the train part (at most)
   * @param testPerKind labels of each kind in the test part (at most)
   * @param testShare share of the eligible groups reserved for test, in (0, 1)
   * @param maxOffers most offers of one product, ≥ 1
   * @throws IllegalArgumentException if a size or share is out of range
   */
  public ShopOffers(long seed, int trainPerKind, int testPerKind, double testShare, int maxOffers) {
    if (maxOffers < 1) {
      throw new IllegalArgumentException("maxOffers must be >= 1, got " + maxOffers);
    }
    this.split = new KnownItemQueries(seed, trainPerKind, testPerKind, testShare);
    this.seed = seed;
    this.trainPerKind = trainPerKind;
    this.testPerKind = testPerKind;
    this.maxOffers = maxOffers;
  }

  /** The offers of every product of {@code catalog}, in catalogue order, and the labels. */
  public Shop generate(Catalog catalog) {
    Map<String, List<Product>> groups = KnownItemQueries.groups(catalog);
    Set<String> grouped = new HashSet<>();
    groups.values().forEach(g -> g.forEach(p -> grouped.add(p.id())));
    Random rnd = new Random(seed * 31 + 5);
    Map<String, List<String>> offersOf = new LinkedHashMap<>();
    List<Product> offers = new ArrayList<>();
    for (Product p : catalog.products()) {
      int n = grouped.contains(p.id()) ? offerCount(rnd) : 1;
      List<String> ids = new ArrayList<>(n);
      Set<String> titles = new LinkedHashSet<>();
      for (int k = 0; k < n; k++) {
        String title = offerTitle(p, rnd);
        if (!titles.add(title)) {
          continue; // the same rewrite twice: one offer
        }
        String id = p.id() + OFFER_SEPARATOR + (k + 1);
        Double price =
            p.price() == null ? null : Math.round(p.price() * (90 + rnd.nextInt(21))) / 100.0;
        offers.add(new Product(id, title, "", "", "", price, null));
        ids.add(id);
      }
      offersOf.put(p.id(), ids);
    }
    List<List<String>> parts = split.split(groups);
    return new Shop(
        List.copyOf(offers),
        new KnownItemQueries.Split(
            labels(parts.get(0), groups, offersOf, trainPerKind, new Random(seed * 31 + 6)),
            labels(parts.get(1), groups, offersOf, testPerKind, new Random(seed * 31 + 7))));
  }

  /** 1 + a geometric count (success 0.45), at most {@code maxOffers}. */
  private int offerCount(Random rnd) {
    int n = 1;
    while (n < maxOffers && rnd.nextDouble() >= 0.45) {
      n++;
    }
    return n;
  }

  private static List<KnownItemQueries.Query> labels(
      List<String> keys,
      Map<String, List<Product>> groups,
      Map<String, List<String>> offersOf,
      int perKind,
      Random rnd) {
    return KnownItemQueries.inTurn(
        keys,
        groups,
        KINDS,
        perKind,
        (p, kind) ->
            kind.equals("label_brand_model")
                ? p.brand().trim() + " " + p.model().trim()
                : KnownItemQueries.prefix(clean(p.title()), 3 + rnd.nextInt(3)),
        group -> group.stream().flatMap(g -> offersOf.get(g.id()).stream()).toList());
  }

  /** The title without trade-mark signs, whitespace collapsed. */
  static String clean(String title) {
    return WHITESPACE.matcher(MARKS.matcher(title).replaceAll("")).replaceAll(" ").trim();
  }

  /**
   * One merchant's title for {@code p} (see the class comment); never blank. A code-like model
   * ({@link KnownItemQueries#isModelCode}) that the kept head of the title carries stays in it, in
   * some spelling (equal on letters and digits, case ignored); one the head lacks is added with
   * probability 1/2.
   */
  static String offerTitle(Product p, Random rnd) {
    List<String> w = new ArrayList<>(List.of(WHITESPACE.split(clean(p.title()))));
    int keep = 5 + rnd.nextInt(10);
    if (w.size() > keep) {
      w = new ArrayList<>(w.subList(0, keep));
    }
    String brand = KnownItemQueries.alnum(p.brand());
    String model = KnownItemQueries.isModelCode(p.model()) ? KnownItemQueries.alnum(p.model()) : "";
    boolean branded = !brand.isEmpty() && KnownItemQueries.alnum(w.get(0)).equals(brand);
    if (!model.isEmpty() && w.stream().noneMatch(t -> KnownItemQueries.alnum(t).equals(model))) {
      if (rnd.nextBoolean()) {
        w.add(branded ? 1 : 0, p.model().trim());
      }
    }
    for (int i = 0; i < w.size(); i++) {
      if (!model.isEmpty()
          && KnownItemQueries.alnum(w.get(i)).equals(model)
          && rnd.nextDouble() < 0.6) {
        String code = KnownItemQueries.rewriteCode(w.get(i), rnd);
        w.set(i, rnd.nextInt(4) == 0 ? splitAtLetterDigit(code, rnd) : code);
      }
    }
    if (w.size() > 4 && rnd.nextDouble() < 0.3) { // drop a word that is neither brand nor code
      int i = 1 + rnd.nextInt(w.size() - 1);
      String a = KnownItemQueries.alnum(w.get(i));
      if (!a.equals(model) && !a.equals(brand)) {
        w.remove(i);
      }
    }
    if (branded && w.size() > 2) {
      double r = rnd.nextDouble();
      if (r < 0.15) {
        w.remove(0);
      } else if (r < 0.25) {
        w.add(w.remove(0));
      }
    }
    if (rnd.nextDouble() < 0.4) {
      w.add(SUFFIXES.get(rnd.nextInt(SUFFIXES.size())));
    }
    String text = String.join(" ", w);
    text = rnd.nextBoolean() ? KnownItemQueries.spaceUnits(text) : KnownItemQueries.glueUnits(text);
    double c = rnd.nextDouble();
    if (c < 0.35) {
      text = text.toLowerCase(Locale.ROOT);
    } else if (c < 0.4) {
      text = text.toUpperCase(Locale.ROOT);
    }
    text = WHITESPACE.matcher(text).replaceAll(" ").trim();
    return text.isEmpty() ? p.title().trim() : text;
  }

  /** "DXOC67C3" → "DXOC 67C3" at one letter/digit change, chosen at random; else unchanged. */
  private static String splitAtLetterDigit(String code, Random rnd) {
    List<Integer> at = new ArrayList<>();
    for (int i = 1; i < code.length(); i++) {
      if (Character.isLetter(code.charAt(i - 1)) != Character.isLetter(code.charAt(i))
          && Character.isLetterOrDigit(code.charAt(i - 1))
          && Character.isLetterOrDigit(code.charAt(i))) {
        at.add(i);
      }
    }
    if (at.isEmpty()) {
      return code;
    }
    Collections.shuffle(at, rnd);
    int i = at.get(0);
    return code.substring(0, i) + " " + code.substring(i);
  }
}
