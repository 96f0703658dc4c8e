package io.moesearch.core.eval;

import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.rank.RankingFeatures;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Known-item query sets generated from a catalogue: shopper- and merchant-style texts that name one
 * product, judged with that product and its duplicates (the products of the same brand and model
 * code) as the relevant set.
 *
 * <p>Products are grouped by (brand, model code), both compared on letters and digits only, lower
 * case. A group is eligible when it has a brand and a model that looks like a code: 4 to 20
 * letters/digits, at least one digit, at most two words (a "model" that is a product name, as some
 * Icecat records hold, is skipped). The groups are split into train and test by a seeded shuffle
 * ({@code testShare} of them to test), so no product of a test query is ever seen in training. Each
 * chosen group yields one query of one kind, the kinds taken in turn:
 *
 * <ul>
 *   <li>{@code brand_model}: brand and model code ("Hoover DXOC67C3"), the code rewritten as a
 *       merchant might with probability 1/2;
 *   <li>{@code model}: the model code alone, rewritten with probability 1/2;
 *   <li>{@code title_prefix}: the first 3 to 6 words of the title;
 *   <li>{@code merchant}: the title (at most 12 words) rewritten: lower case, codes split or joined
 *       at separators and letter/digit changes, units glued or spaced ("16GB" / "16 gb"), a word
 *       dropped, two neighbouring words swapped or the brand moved to the end.
 * </ul>
 *
 * Deterministic for a catalogue, a seed and the sizes. Queries repeated by chance are kept once.
 */
public final class KnownItemQueries {
  /** The generators, in the order they take turns. */
  public static final List<String> KINDS =
      List.of("brand_model", "model", "title_prefix", "merchant");

  /** The confusable-code generators ({@link #confusable}), in the order they take turns. */
  public static final List<String> CONFUSABLE_KINDS =
      List.of("confusable_brand_model", "confusable_code_title");

  /** One generated query: its text, kind and relevant product ids. */
  public record Query(String text, String kind, Set<String> relevant) {}

  /** A split by product group: no group has queries in both parts. */
  public record Split(List<Query> train, List<Query> test) {}

  private static final Pattern UNIT_GLUED =
      Pattern.compile("(?i)(?<![\\p{L}\\p{N}])(\\d+)(gb|tb|mb|ghz|mah|mm|cm|kg|ml|w|v|m|g|l)\\b");
  private static final Pattern UNIT_SPACED =
      Pattern.compile("(?i)(?<![\\p{L}\\p{N}])(\\d+) (gb|tb|mb|ghz|mah|mm|cm|kg|ml|w|v|m|g|l)\\b");
  private static final Pattern LETTER_DIGIT =
      Pattern.compile("(?<=\\p{L})(?=\\d)|(?<=\\d)(?=\\p{L})");

  private final long seed;
  private final int trainPerKind;
  private final int testPerKind;
  private final double testShare;

  /**
   * @param trainPerKind queries of each kind in the train part (at most; fewer if groups run out)
   * @param testPerKind queries of each kind in the test part
   * @param testShare share of the eligible product groups reserved for test, in (0, 1)
   */
  public KnownItemQueries(long seed, int trainPerKind, int testPerKind, double testShare) {
    if (trainPerKind < 0 || testPerKind < 0) {
      throw new IllegalArgumentException("queries per kind must be >= 0");
    }
    if (!(testShare > 0 && testShare < 1)) {
      throw new IllegalArgumentException("testShare must be in (0, 1), got " + testShare);
    }
    this.seed = seed;
    this.trainPerKind = trainPerKind;
    this.testPerKind = testPerKind;
    this.testShare = testShare;
  }

  public Split generate(Catalog catalog) {
    return eachPart(groups(catalog), 1, KnownItemQueries::queries);
  }

  /** A generator of one part's queries from its groups' keys. */
  @FunctionalInterface
  private interface PartQueries {
    List<Query> of(List<String> keys, Map<String, List<Product>> groups, int perKind, Random rnd);
  }

  /**
   * The queries {@code of} makes for the train and the test groups of the seeded split ({@link
   * #split}), each part with its own randomness: seeds {@code seed × 31 + salt} and {@code + salt +
   * 1}.
   */
  private Split eachPart(Map<String, List<Product>> groups, int salt, PartQueries of) {
    List<List<String>> parts = split(groups);
    return new Split(
        of.of(parts.get(0), groups, trainPerKind, new Random(seed * 31 + salt)),
        of.of(parts.get(1), groups, testPerKind, new Random(seed * 31 + salt + 1)));
  }

  /**
   * The confusable-code sets: queries naming a product whose brand has another product with a
   * near-identical model code ({@link #confusable}), relevant set that product's group only. The
   * groups are split exactly as by {@link #generate} (same seed, same shuffle), so a group is in
   * the same part in both; its near-identical siblings may be in either part (they are negatives).
   * Kinds in turn ({@link #CONFUSABLE_KINDS}):
   *
   * <ul>
   *   <li>{@code confusable_brand_model}: brand and model code, the code rewritten as a merchant
   *       might with probability 1/2;
   *   <li>{@code confusable_code_title}: the code (rewritten with probability 1/2) and the first 2
   *       to 3 title words that are neither the brand nor the code.
   * </ul>
   */
  public Split confusable(Catalog catalog) {
    Map<String, List<Product>> groups = groups(catalog);
    Set<String> confusable = confusableGroups(groups.keySet());
    return eachPart(
        groups, 3, (keys, g, perKind, rnd) -> confusableQueries(keys, confusable, g, perKind, rnd));
  }

  /** The misspelled-title generator ({@link #typos}). */
  public static final String TYPO_KIND = "typo_title";

  /** Shortest word a typo is made in: shoppers misspell longer words. */
  static final int TYPO_MIN_LETTERS = 5;

  /**
   * The misspelled-title sets: a title's first 3 to 6 words with one typo in one of its words of at
   * least {@value #TYPO_MIN_LETTERS} letters (letters only; the word chosen at random, brand
   * included): a letter deleted, inserted, replaced or swapped with the next, at any position, all
   * four alike ({@link #typo}), judged with the product's group. Split exactly as {@link #generate}
   * (same seed, same shuffle); a title with no such word gives no query. Measures typo tolerance
   * ({@code ranking.typo-min-chars}); not a training set.
   */
  public Split typos(Catalog catalog) {
    return eachPart(groups(catalog), 9, KnownItemQueries::typoQueries);
  }

  private static List<Query> typoQueries(
      List<String> keys, Map<String, List<Product>> groups, int perKind, Random rnd) {
    return inTurn(
        keys,
        groups,
        List.of(TYPO_KIND),
        perKind,
        (p, kind) -> {
          List<String> w =
              new ArrayList<>(List.of(prefix(p.title(), 3 + rnd.nextInt(4)).split(" ")));
          List<Integer> eligible = new ArrayList<>();
          for (int i = 0; i < w.size(); i++) {
            if (w.get(i).length() >= TYPO_MIN_LETTERS
                && w.get(i).chars().allMatch(Character::isLetter)) {
              eligible.add(i);
            }
          }
          if (eligible.isEmpty()) {
            return "";
          }
          int i = eligible.get(rnd.nextInt(eligible.size()));
          w.set(i, typo(w.get(i), rnd));
          return String.join(" ", w);
        },
        group -> group.stream().map(Product::id).toList());
  }

  /**
   * {@code word} with one typo (Damerau's four kinds, alike): a letter deleted, a random letter
   * inserted, a letter replaced by another, or two neighbouring letters swapped (different
   * letters), at a random position. The result always differs from {@code word}.
   *
   * @param word at least 2 characters
   */
  static String typo(String word, Random rnd) {
    if (word.length() < 2) {
      throw new IllegalArgumentException("a typo needs a word of 2 or more characters");
    }
    StringBuilder sb = new StringBuilder(word);
    while (true) {
      int at = rnd.nextInt(word.length());
      char letter = (char) ('a' + rnd.nextInt(26));
      switch (rnd.nextInt(4)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, letter);
        case 2 -> sb.setCharAt(at, letter);
        default -> {
          if (at + 1 < word.length()) {
            sb.setCharAt(at, word.charAt(at + 1));
            sb.setCharAt(at + 1, word.charAt(at));
          }
        }
      }
      String out = sb.toString();
      if (!out.equalsIgnoreCase(word)) {
        return out;
      }
      sb = new StringBuilder(word);
    }
  }

  /** The quantity-variant generator ({@link #variants}). */
  public static final String VARIANT_KIND = "quantity_variant";

  /**
   * A quantity in a title, as the variant generator reads it: a number and a common unit, glued or
   * spaced ("128GB", "15 ft", "750mm"). Kept apart from the ranking's own reading ({@code
   * RankingFeatures#quantities}) so that the set does not just mirror the feature.
   */
  private static final Pattern TITLE_QUANTITY =
      Pattern.compile(
          "(?i)(?<![\\p{L}\\p{N}.,])\\d+(?:[.,]\\d+)?\\s?"
              + "(?:tb|gb|mb|ghz|mhz|mah|w|v|mm|cm|m|ft|kg|g|ml|l|mp|pcs|pc\\(s\\))(?![\\p{L}\\p{N}])");

  /**
   * The quantity-variant sets: queries naming a product whose brand sells the same title with
   * another quantity ("V7 128GB Flash Drive Type C" beside the 64GB one; "StarTech.com Cat6 patch
   * cable ... 25 ft" beside 15 ft and 3 ft). Products are grouped by brand and title with every
   * quantity masked; a group of two or more quantity spellings is a variant group. One query per
   * group ({@link #VARIANT_KIND}): the title's first 6 to 10 words (on to the first quantity in
   * which the group's titles differ, when that comes later), lower case with probability 1/2, units
   * glued or spaced. Relevant: every product of the brand whose title begins with the query's words
   * (units glued, case ignored): the named product, and the ones the query names as well ("C2G 1ft
   * Cat6 550MHz Snagless Patch Cable" names the 1 ft cable in every colour, not the 3 ft ones).
   *
   * <p>Split by product, consistently with {@link #generate}: a variant group whose products belong
   * to known-item groups goes to their part (and is left out when they span both); any other group
   * goes to test with probability {@code testShare}, by the seed.
   */
  public Split variants(Catalog catalog) {
    Map<String, List<Product>> byTitle = new TreeMap<>();
    for (Product p : catalog.products()) {
      String brand = alnum(p.brand());
      if (brand.length() >= 2 && TITLE_QUANTITY.matcher(p.title()).find()) {
        String masked = TITLE_QUANTITY.matcher(p.title().toLowerCase(Locale.ROOT)).replaceAll("#");
        byTitle.computeIfAbsent(brand + "|" + masked, k -> new ArrayList<>()).add(p);
      }
    }
    // The known-item part ("train" or "test") of each product in a known-item group.
    List<List<String>> known = split(groups(catalog));
    Map<String, String> groupPart = new HashMap<>();
    known.get(0).forEach(key -> groupPart.put(key, "train"));
    known.get(1).forEach(key -> groupPart.put(key, "test"));
    Map<String, String> partOf = new HashMap<>();
    for (Product p : catalog.products()) {
      String key = groupKey(p);
      if (key != null && groupPart.containsKey(key)) {
        partOf.put(p.id(), groupPart.get(key));
      }
    }
    Random assign = new Random(seed * 31 + 8);
    List<String> train = new ArrayList<>();
    List<String> test = new ArrayList<>();
    for (Map.Entry<String, List<Product>> e : byTitle.entrySet()) {
      Set<String> spellings = new LinkedHashSet<>();
      e.getValue().forEach(p -> spellings.add(quantities(p.title())));
      if (spellings.size() < 2) {
        continue;
      }
      Set<String> sides = new LinkedHashSet<>();
      for (Product p : e.getValue()) {
        if (partOf.containsKey(p.id())) {
          sides.add(partOf.get(p.id()));
        }
      }
      boolean toTest = sides.isEmpty() ? assign.nextDouble() < testShare : sides.contains("test");
      if (sides.size() == 2) {
        continue; // its products are in both parts of the known-item sets
      }
      (toTest ? test : train).add(e.getKey());
    }
    Collections.shuffle(train, new Random(seed * 31 + 9));
    Collections.shuffle(test, new Random(seed * 31 + 10));
    // Each variant product's id and title words (wordsOf), by brand.
    Map<String, Map<String, String>> byBrand = new HashMap<>();
    for (List<Product> group : byTitle.values()) {
      Map<String, String> words =
          byBrand.computeIfAbsent(alnum(group.get(0).brand()), b -> new LinkedHashMap<>());
      group.forEach(p -> words.put(p.id(), wordsOf(p.title())));
    }
    List<Query> testQueries =
        variantQueries(test, byTitle, byBrand, testPerKind, new Random(seed * 31 + 12));
    List<Query> trainQueries =
        variantQueries(train, byTitle, byBrand, trainPerKind, new Random(seed * 31 + 11));
    // A query judges the products it names in other variant groups too (other colours): keep
    // each part's products out of the other part, whichever group they came from.
    testQueries =
        testQueries.stream()
            .filter(q -> q.relevant().stream().noneMatch(id -> "train".equals(partOf.get(id))))
            .toList();
    Set<String> tested = new HashSet<>();
    testQueries.forEach(q -> tested.addAll(q.relevant()));
    trainQueries =
        trainQueries.stream()
            .filter(
                q ->
                    q.relevant().stream()
                        .noneMatch(id -> tested.contains(id) || "test".equals(partOf.get(id))))
            .toList();
    return new Split(trainQueries, testQueries);
  }

  /** How many quantities a text names. */
  private static int count(String text) {
    int n = 0;
    Matcher m = TITLE_QUANTITY.matcher(text);
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** A title's quantities in order, lower case, spaces dropped: "128gb", "15ft|3ft". */
  private static String quantities(String title) {
    List<String> q = new ArrayList<>();
    Matcher m = TITLE_QUANTITY.matcher(title);
    while (m.find()) {
      q.add(m.group().toLowerCase(Locale.ROOT).replace(" ", "").replace(',', '.'));
    }
    return String.join("|", q);
  }

  /** A title's words in one spelling: lower case, units glued, single spaces. */
  private static String wordsOf(String title) {
    return glueUnits(title.toLowerCase(Locale.ROOT)).replaceAll("\\s+", " ").trim();
  }

  private static List<Query> variantQueries(
      List<String> keys,
      Map<String, List<Product>> byTitle,
      Map<String, Map<String, String>> byBrand,
      int perKind,
      Random rnd) {
    String[] prefix = new String[1]; // the words the last query named, in wordsOf's spelling
    // How many quantities a query must hold to tell its group apart, by named product.
    Map<String, Integer> needed = new HashMap<>();
    for (String key : keys) {
      List<Product> group = byTitle.get(key);
      List<String> named = List.of(quantities(group.get(0).title()).split("\\|"));
      int first = named.size();
      for (Product g : group) {
        List<String> other = List.of(quantities(g.title()).split("\\|"));
        for (int i = 0; i < Math.min(named.size(), other.size()); i++) {
          if (!named.get(i).equals(other.get(i))) {
            first = Math.min(first, i);
          }
        }
      }
      needed.put(group.get(0).id(), Math.min(first, named.size() - 1) + 1);
    }
    return inTurn(
        keys,
        byTitle,
        List.of(VARIANT_KIND),
        perKind,
        (p, kind) -> {
          List<String> words = List.of(p.title().trim().split("\\s+"));
          int n = Math.min(words.size(), 6 + rnd.nextInt(5));
          while (n < words.size()
              && count(String.join(" ", words.subList(0, n))) < needed.get(p.id())) {
            n++;
          }
          String text = String.join(" ", words.subList(0, n));
          prefix[0] = wordsOf(text);
          text = rnd.nextBoolean() ? spaceUnits(text) : glueUnits(text);
          return rnd.nextBoolean() ? text.toLowerCase(Locale.ROOT) : text;
        },
        group ->
            byBrand.get(alnum(group.get(0).brand())).entrySet().stream()
                .filter(
                    e -> e.getValue().equals(prefix[0]) || e.getValue().startsWith(prefix[0] + " "))
                .map(Map.Entry::getKey)
                .toList());
  }

  /** The eligible groups by key, keys in sorted order. */
  static Map<String, List<Product>> groups(Catalog catalog) {
    Map<String, List<Product>> groups = new TreeMap<>();
    for (Product p : catalog.products()) {
      String key = groupKey(p);
      if (key != null) {
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
      }
    }
    return groups;
  }

  /** {train keys, test keys}: the sorted keys shuffled with the seed, the first share to test. */
  List<List<String>> split(Map<String, List<Product>> groups) {
    List<String> keys = new ArrayList<>(groups.keySet());
    Collections.shuffle(keys, new Random(seed));
    int nTest = (int) Math.round(keys.size() * testShare);
    return List.of(keys.subList(nTest, keys.size()), keys.subList(0, nTest));
  }

  /**
   * The group keys ({@code brand|code}) whose brand has another group with a near-identical code.
   */
  static Set<String> confusableGroups(Set<String> keys) {
    Map<String, List<String>> byBrand = new TreeMap<>();
    for (String k : keys) {
      int bar = k.indexOf('|');
      byBrand
          .computeIfAbsent(k.substring(0, bar), b -> new ArrayList<>())
          .add(k.substring(bar + 1));
    }
    Set<String> out = new LinkedHashSet<>();
    byBrand.forEach(
        (brand, codes) -> {
          for (int i = 0; i < codes.size(); i++) {
            for (int j = i + 1; j < codes.size(); j++) {
              if (confusable(codes.get(i), codes.get(j))) {
                out.add(brand + "|" + codes.get(i));
                out.add(brand + "|" + codes.get(j));
              }
            }
          }
        });
    return out;
  }

  /**
   * Whether two normalised model codes (letters and digits, lower case) are near-identical: they
   * differ, and either one extends the other by 1 or 2 characters ("g5" / "g5s", "mw8014" /
   * "mw8014s"), or they have the same letter/digit pattern and an edit distance of 1 or 2
   * ("dxoc67c3" / "dxoc47c3", "mw8014s" / "mw8014p"). Kept apart from the ranking's own, broader
   * test ({@link RankingFeatures#nearCode}) so that the set does not just mirror the feature.
   */
  public static boolean confusable(String a, String b) {
    if (a.equals(b)) {
      return false;
    }
    int dl = Math.abs(a.length() - b.length());
    if (dl > 2) {
      return false;
    }
    if (dl > 0 && (a.startsWith(b) || b.startsWith(a))) {
      return true;
    }
    return shape(a).equals(shape(b)) && RankingFeatures.editDistance(a, b) <= 2;
  }

  /** Letters as 'a', digits as '9'. */
  static String shape(String code) {
    StringBuilder sb = new StringBuilder(code.length());
    code.codePoints().forEach(c -> sb.append(Character.isDigit(c) ? '9' : 'a'));
    return sb.toString();
  }

  private static List<Query> confusableQueries(
      List<String> keys,
      Set<String> confusable,
      Map<String, List<Product>> groups,
      int perKind,
      Random rnd) {
    Map<String, Query> out = new LinkedHashMap<>();
    int n = perKind * CONFUSABLE_KINDS.size();
    int i = 0;
    for (String key : keys) {
      if (i >= n) {
        break;
      }
      if (!confusable.contains(key)) {
        continue;
      }
      List<Product> group = groups.get(key);
      Product p = group.get(0);
      String kind = CONFUSABLE_KINDS.get(i % CONFUSABLE_KINDS.size());
      String code = rnd.nextBoolean() ? rewriteCode(p.model(), rnd) : p.model().trim();
      String text =
          kind.equals("confusable_brand_model")
              ? p.brand().trim() + " " + code
              : code + " " + titleWords(p, 2 + rnd.nextInt(2));
      text = text.replaceAll("\\s+", " ").trim();
      Set<String> relevant = new LinkedHashSet<>();
      group.forEach(g -> relevant.add(g.id()));
      out.putIfAbsent(text, new Query(text, kind, relevant));
      i++;
    }
    return List.copyOf(out.values());
  }

  /** The first {@code n} title words that are neither the brand nor the model code. */
  static String titleWords(Product p, int n) {
    String brand = alnum(p.brand());
    String model = alnum(p.model());
    List<String> w = new ArrayList<>();
    for (String t : p.title().trim().split("\\s+")) {
      String a = alnum(t);
      if (w.size() < n && !a.isEmpty() && !a.equals(brand) && !a.equals(model)) {
        w.add(t);
      }
    }
    return String.join(" ", w);
  }

  private static List<Query> queries(
      List<String> keys, Map<String, List<Product>> groups, int perKind, Random rnd) {
    return inTurn(
        keys,
        groups,
        KINDS,
        perKind,
        (p, kind) ->
            switch (kind) {
              case "brand_model" ->
                  p.brand().trim()
                      + " "
                      + (rnd.nextBoolean() ? rewriteCode(p.model(), rnd) : p.model().trim());
              case "model" -> rnd.nextBoolean() ? rewriteCode(p.model(), rnd) : p.model().trim();
              case "title_prefix" -> prefix(p.title(), 3 + rnd.nextInt(4));
              default -> merchant(p, rnd);
            },
        group -> group.stream().map(Product::id).toList());
  }

  /**
   * One query for each of the first {@code perKind × kinds} groups of {@code keys}, the kinds taken
   * in turn: the text {@code text} gives for the group's first product and the kind, whitespace
   * collapsed (an empty text is skipped, a repeated one kept once), judged with the ids {@code
   * relevant} gives for the whole group.
   */
  static List<Query> inTurn(
      List<String> keys,
      Map<String, List<Product>> groups,
      List<String> kinds,
      int perKind,
      BiFunction<Product, String, String> text,
      Function<List<Product>, List<String>> relevant) {
    Map<String, Query> out = new LinkedHashMap<>();
    int n = Math.min(keys.size(), perKind * kinds.size());
    for (int i = 0; i < n; i++) {
      List<Product> group = groups.get(keys.get(i));
      String kind = kinds.get(i % kinds.size());
      String t = text.apply(group.get(0), kind).replaceAll("\\s+", " ").trim();
      if (!t.isEmpty()) {
        out.putIfAbsent(t, new Query(t, kind, new LinkedHashSet<>(relevant.apply(group))));
      }
    }
    return List.copyOf(out.values());
  }

  /** (brand, model) in normal form, or null when the product has no brand or no code-like model. */
  static String groupKey(Product p) {
    String brand = alnum(p.brand());
    String model = alnum(p.model());
    if (brand.length() < 2 || !isModelCode(p.model())) {
      return null;
    }
    return brand + "|" + model;
  }

  /** A model that reads as a code: 4–20 letters/digits with a digit, at most two words. */
  static boolean isModelCode(String model) {
    String m = alnum(model);
    return m.length() >= 4
        && m.length() <= 20
        && m.chars().anyMatch(Character::isDigit)
        && model.trim().split("\\s+").length <= 2;
  }

  /** A merchant's spelling of a code: lower case, separators dropped or added at letter/digit. */
  static String rewriteCode(String model, Random rnd) {
    String m = model.trim();
    switch (rnd.nextInt(3)) {
      case 0 -> m = m.toLowerCase(Locale.ROOT);
      case 1 -> m = m.replaceAll("[-/._ ]", "");
      default -> {
        String[] parts = LETTER_DIGIT.split(m.replaceAll("[-/._ ]", ""));
        if (parts.length > 1) {
          int at = 1 + rnd.nextInt(parts.length - 1);
          m =
              String.join("", List.of(parts).subList(0, at))
                  + "-"
                  + String.join("", List.of(parts).subList(at, parts.length));
        }
      }
    }
    return rnd.nextBoolean() ? m.toLowerCase(Locale.ROOT) : m;
  }

  static String prefix(String title, int words) {
    String[] w = title.trim().split("\\s+");
    return String.join(" ", List.of(w).subList(0, Math.min(words, w.length)));
  }

  static String merchant(Product p, Random rnd) {
    List<String> w = new ArrayList<>(List.of(p.title().trim().split("\\s+")));
    if (w.size() > 12) {
      w = new ArrayList<>(w.subList(0, 12));
    }
    String model = alnum(p.model());
    for (int i = 0; i < w.size(); i++) {
      if (!model.isEmpty() && alnum(w.get(i)).equals(model) && rnd.nextBoolean()) {
        w.set(i, rewriteCode(w.get(i), rnd));
      }
    }
    if (w.size() > 4 && rnd.nextBoolean()) { // drop a word that is not the model code
      int i = 1 + rnd.nextInt(w.size() - 1);
      if (!alnum(w.get(i)).equals(model)) {
        w.remove(i);
      }
    }
    if (w.size() > 3) {
      switch (rnd.nextInt(3)) {
        case 0 -> Collections.swap(w, 1 + rnd.nextInt(w.size() - 2), 2 + rnd.nextInt(w.size() - 2));
        case 1 -> {
          if (alnum(w.get(0)).equals(alnum(p.brand()))) {
            w.add(w.remove(0));
          }
        }
        default -> {}
      }
    }
    String text = String.join(" ", w);
    text = rnd.nextBoolean() ? spaceUnits(text) : glueUnits(text);
    return rnd.nextBoolean() ? text.toLowerCase(Locale.ROOT) : text;
  }

  /** "16GB" → "16 GB": every number glued to a common unit spaced. */
  static String spaceUnits(String text) {
    return UNIT_GLUED.matcher(text).replaceAll("$1 $2");
  }

  /** "16 GB" → "16GB": every number spaced from a common unit glued. */
  static String glueUnits(String text) {
    return UNIT_SPACED.matcher(text).replaceAll("$1$2");
  }

  static String alnum(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.toLowerCase(Locale.ROOT)
        .codePoints()
        .filter(Character::isLetterOrDigit)
        .forEach(sb::appendCodePoint);
    return sb.toString();
  }

  /**
   * Writes queries as a judgement file the evaluation reads: {@code query,docid,rating,type}, one
   * row per relevant product (rating 1), RFC 4180 quoting.
   */
  public static void write(List<Query> queries, Path csv) throws IOException {
    if (csv.getParent() != null) {
      Files.createDirectories(csv.getParent());
    }
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      out.write("query,docid,rating,type\n");
      for (Query q : queries) {
        for (String id : q.relevant()) {
          out.write(quote(q.text()) + "," + quote(id) + ",1," + q.kind() + "\n");
        }
      }
    }
  }

  private static String quote(String s) {
    Matcher m = Pattern.compile("[\",\r\n]").matcher(s);
    return m.find() ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
