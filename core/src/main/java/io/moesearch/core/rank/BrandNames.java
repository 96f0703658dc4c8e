package io.moesearch.core.rank;

import io.moesearch.core.util.Texts;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a query names a product's brand ({@code brand_match} of {@link RankingFeatures}), as
 * shoppers and merchants write brands. A catalogue writes one form ("StarTech.com", "Kingston
 * Technology", "Lexmark", "APC"); a query may hold it as written, without its web domain or legal
 * form ("Startech", "Kingston"), misspelled where a brand is typed ("Lemark T640", "trip lite usb
 * 2.0"), or spelled out ("American Power Conversion Basic Rack PDU"). Read in that order:
 *
 * <ol>
 *   <li><b>as written</b>: the brand's lower-cased words are words of the query, or its letters and
 *       digits ({@link RankingFeatures#alnum}, 4 or more) occur in the query's;
 *   <li><b>its name</b>: the brand without a trailing web domain ({@code .com}, {@code .de}, ...)
 *       and without trailing legal-form or corporate words ({@link #CORPORATE_WORDS}: "Inc",
 *       "GmbH", "Technology", ...), when that differs and keeps 2+ letters and digits: its words
 *       are words of the query, or its letters and digits (5 or more) occur in the query's;
 *   <li><b>misspelled at the query's start</b>: the name's letters (letters only, {@value
 *       #MIN_TYPO_CHARS}+) within {@link #allowedTypos} edits of the query's first word or of its
 *       first two words joined, counting a swap of neighbouring letters as one edit (the optimal
 *       string alignment distance, as Lucene's {@code FuzzyQuery} counts with transpositions), the
 *       first letter as written. Only there: the query's start is where shoppers type the brand,
 *       and a common word farther on ("usb power cable") is no misspelled brand ("2-Power");
 *   <li><b>its initials at the query's start</b>: a name of 3 or 4 letters that the first 3 or 4
 *       words of the query abbreviate ("American Power Conversion" → APC). Two-word initials are
 *       not read: they name too much ("hole punch", "herma paper" → HP).
 * </ol>
 *
 * Measured effect: {@code docs/eval/known-item.md} (third kinds: {@code brand_typo_line}, {@code
 * alias_line}).
 */
final class BrandNames {
  private BrandNames() {}

  /** Fewest letters of a brand name read with typos (Elasticsearch's {@code AUTO:5,10} bounds). */
  static final int MIN_TYPO_CHARS = 5;

  /** Fewest letters of a brand name read with two typos. */
  static final int TWO_TYPO_CHARS = 10;

  /** Most characters of a query word compared with a brand name for typos. */
  static final int MAX_TYPO_WORD_CHARS = 40;

  /**
   * Trailing words of a brand that name its legal form or say it is a company, not which one:
   * "Kingston Technology", "Samsung Electronics", "Brother Industries", "Cherry GmbH".
   */
  static final Set<String> CORPORATE_WORDS =
      Set.of(
          "inc",
          "incorporated",
          "corp",
          "corporation",
          "co",
          "company",
          "ltd",
          "limited",
          "llc",
          "gmbh",
          "ag",
          "kg",
          "sa",
          "sas",
          "spa",
          "srl",
          "bv",
          "nv",
          "ab",
          "as",
          "oy",
          "plc",
          "pty",
          "kk",
          "technology",
          "technologies",
          "electronics",
          "industries",
          "international",
          "group",
          "holdings");

  /** A trailing web domain of a brand ("StarTech.com", "Conceptronic.net"). */
  private static final Pattern WEB_DOMAIN =
      Pattern.compile("\\.(?:com|net|org|de|eu|fr|it|es|nl|co\\.uk|uk|biz|info)$");

  private static final Pattern WORDS = Pattern.compile("[^\\p{L}\\p{N}]+");

  /**
   * A brand in the forms the rules compare.
   *
   * @param written lower-cased and trimmed, as the catalogue writes it
   * @param alnum its letters and digits, lower-cased
   * @param nameWords the words of its name (web domain and corporate words dropped), lower-cased
   * @param name the letters and digits of its name; equals {@code alnum} when nothing was dropped
   */
  record Forms(String written, String alnum, List<String> nameWords, String name) {}

  static Forms forms(String brand) {
    String written = Texts.lowerCase(brand).trim();
    String alnum = RankingFeatures.alnum(brand);
    String undotted = WEB_DOMAIN.matcher(written).replaceFirst("");
    List<String> words = new ArrayList<>();
    for (String w : WORDS.split(undotted)) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    while (words.size() > 1 && CORPORATE_WORDS.contains(words.get(words.size() - 1))) {
      words.remove(words.size() - 1);
    }
    String name = String.join("", words);
    if (name.length() < 2) {
      name = alnum;
      words = List.of(alnum);
    }
    return new Forms(written, alnum, List.copyOf(words), name);
  }

  /**
   * Whether the query names the brand. Decided for every distinct brand among a query's candidates
   * (and every upsert a cache check ranks), each looked up in the whole query (up to 10,000
   * characters): in time linear in their lengths ({@link Texts#contains}), not query × brand.
   *
   * @param rawTokens the query's words: lower-cased runs of letters and digits
   * @param spaced {@code rawTokens} joined by single spaces, a space at both ends
   * @param normalized the query's letters and digits, lower-cased
   */
  static boolean named(
      List<String> rawTokens, CharSequence spaced, CharSequence normalized, Forms b) {
    if (b.alnum().length() >= 2 && Texts.contains(spaced, " " + b.written() + " ")
        || b.alnum().length() >= 4 && Texts.contains(normalized, b.alnum())) {
      return true;
    }
    if (b.alnum().isEmpty()) {
      return false;
    }
    if (!b.name().equals(b.alnum())
        && (Texts.contains(spaced, " " + String.join(" ", b.nameWords()) + " ")
            || b.name().length() >= 5 && Texts.contains(normalized, b.name()))) {
      return true;
    }
    return misspelledAtStart(rawTokens, b.name()) || initialsAtStart(rawTokens, b.name());
  }

  /** The typos read in a brand name of {@code length} letters: 0, 1 or 2 ({@code AUTO:5,10}). */
  static int allowedTypos(int length) {
    return length < MIN_TYPO_CHARS ? 0 : length < TWO_TYPO_CHARS ? 1 : 2;
  }

  private static boolean misspelledAtStart(List<String> words, String name) {
    int k = allowedTypos(name.length());
    if (k == 0 || words.isEmpty() || !letters(name)) {
      return false;
    }
    String first = words.get(0);
    if (typo(first, name, k)) {
      return true;
    }
    return words.size() > 1 && typo(first + words.get(1), name, k);
  }

  private static boolean typo(String word, String name, int k) {
    return word.length() <= MAX_TYPO_WORD_CHARS
        && letters(word)
        && word.charAt(0) == name.charAt(0)
        && withinTypos(word, name, k);
  }

  private static boolean initialsAtStart(List<String> words, String name) {
    int n = name.length();
    if (n < 3 || n > 4 || words.size() < n || !letters(name)) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      String w = words.get(i);
      if (w.length() < 2 || !letters(w) || w.charAt(0) != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean letters(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isLetter(s.charAt(i))) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /**
   * Whether the optimal string alignment distance of {@code a} and {@code b} (insertions,
   * deletions, substitutions and swaps of neighbouring characters, each 1) is at most {@code k}.
   * Both at most {@value #MAX_TYPO_WORD_CHARS} characters in use (callers check), so the whole
   * table is small.
   */
  static boolean withinTypos(String a, String b, int k) {
    int n = a.length();
    int m = b.length();
    if (Math.abs(n - m) > k) {
      return false;
    }
    int[][] d = new int[n + 1][m + 1];
    for (int i = 0; i <= n; i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= m; j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= n; i++) {
      int rowMin = Integer.MAX_VALUE;
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
        rowMin = Math.min(rowMin, v);
      }
      if (rowMin > k + 1) {
        return false; // a swap reaches back one row at most: two rows over k cannot come back
      }
    }
    return d[n][m] <= k;
  }
}
