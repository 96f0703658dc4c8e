package io.moesearch.core.rank;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.retrieval.Bm25Queries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;

/**
 * Query–product features for ranking. Lexical signals matter in e-commerce: shoppers type model
 * numbers and brands, where dense retrieval is weak (it places DXOC47C3 next to DXOC67C3).
 *
 * <ol>
 *   <li>{@code dense}: exact cosine of query and product embeddings;
 *   <li>{@code bm25}: BM25 score divided by the query's best BM25 score (0 if no term matches);
 *   <li>{@code title_coverage}: share of the query's analysed terms found in the title;
 *   <li>{@code brand_match}: 1 if the product's brand occurs in the query;
 *   <li>{@code model_match}: 1 if the query names the product's model code exactly: the code
 *       (letters and digits, lower case) equals one query token or a run of neighbouring tokens
 *       joined ("dxoc-67c3", "DXOC 67C3", "dxoc67c3" all name DXOC67C3; "dxoc47c3" does not);
 *   <li>{@code dense_rr}, {@code bm25_rr}: reciprocal ranks {@code 1 / (60 + rank)} in each list (0
 *       if absent), the ingredients of reciprocal rank fusion;
 *   <li>{@code model_partial}: 1 if not an exact match but a query token with a digit (3+ chars) is
 *       a prefix of the model code, or the code occurs inside the query's letters and digits;
 *   <li>query-adaptive terms, {@code dense × q} for a query signal {@code q} (see {@link
 *       QuerySignals}): {@code dense_x_code}, {@code dense_x_agreement}, {@code dense_x_gap},
 *       {@code dense_x_length}. With them a linear model's weight of the dense cosine is {@code
 *       w_dense + Σ w_q · q}: it depends on the query ({@link LinearFusion#denseWeight}).
 * </ol>
 *
 * The code and length signals come from the query text ({@link #of}); agreement and gap need both
 * candidate lists and are filled by {@link HybridRanker#fuse}.
 */
public final class RankingFeatures {
  public static final List<String> NAMES =
      List.of(
          "dense",
          "bm25",
          "title_coverage",
          "brand_match",
          "model_match",
          "dense_rr",
          "bm25_rr",
          "model_partial",
          "dense_x_code",
          "dense_x_agreement",
          "dense_x_gap",
          "dense_x_length");

  public static final int DENSE = 0;
  public static final int BM25 = 1;
  public static final int TITLE_COVERAGE = 2;
  public static final int BRAND_MATCH = 3;
  public static final int MODEL_MATCH = 4;
  public static final int DENSE_RR = 5;
  public static final int BM25_RR = 6;
  public static final int MODEL_PARTIAL = 7;
  public static final int DENSE_X_CODE = 8;
  public static final int DENSE_X_AGREEMENT = 9;
  public static final int DENSE_X_GAP = 10;
  public static final int DENSE_X_LENGTH = 11;

  /** The RRF constant. */
  public static final int RRF_K = 60;

  /** Query tokens counted by the length signal, at most. */
  public static final int MAX_LENGTH = 8;

  /** A number with a unit ("16gb", "2.5m"): not a model code. */
  private static final Pattern NUMBER_UNIT =
      Pattern.compile(
          "\\d+(?:[.,]\\d+)?(?:tb|gb|mb|kb|ghz|mhz|hz|mah|wh|kw|w|v|mm|cm|m|km|in|kg|g|mg|lb|oz"
              + "|l|ml|mp|px|fps|rpm|db|pcs|pc|k|p|x|nd|rd|st|th|s)?");

  /**
   * Query-level signals that set the dense weight, each in [0, 1].
   *
   * @param code 1 when the query contains a model-code-like token (letters and digits mixed, 4+
   *     characters after removing {@code - . _ /}, not a number with a unit such as "16gb")
   * @param length query tokens / {@value #MAX_LENGTH}, capped at 1
   * @param agreement share of the BM25 top 10 also in the dense top 10
   * @param gap 1 − (normalised BM25 score of the 10th BM25 hit): how far BM25's best stands above
   *     its 10th; 1 when BM25 has fewer than 10 hits, 0 when none
   */
  public record QuerySignals(double code, double length, double agreement, double gap) {}

  private final Analyzer analyzer;

  /** Analysed title terms by title: titles repeat across queries, analysis is the costly part. */
  private final ConcurrentHashMap<String, Set<String>> titleTerms = new ConcurrentHashMap<>();

  private static final int TITLE_CACHE_LIMIT = 200_000;

  public RankingFeatures(Analyzer analyzer) {
    this.analyzer = analyzer;
  }

  /** A query analysed once, reused for all its candidates. */
  public final class QueryTerms {
    final String normalized;
    final Set<String> terms;
    final List<String> rawTokens;

    /** The raw tokens joined by single spaces, padded with a space at both ends. */
    final String spaced;

    final boolean code;
    final double length;

    QueryTerms(String text) {
      this.normalized = alnum(text);
      this.terms = Bm25Queries.terms(analyzer, text);
      List<String> raw = new ArrayList<>();
      for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
        if (!t.isEmpty()) {
          raw.add(t);
        }
      }
      this.rawTokens = List.copyOf(raw);
      this.spaced = " " + String.join(" ", rawTokens) + " ";
      this.code = hasModelCode(text);
      this.length = Math.min(1.0, (double) rawTokens.size() / MAX_LENGTH);
    }

    /** 1 when the query contains a model-code-like token. */
    public double code() {
      return code ? 1 : 0;
    }

    public double length() {
      return length;
    }
  }

  public QueryTerms query(String text) {
    return new QueryTerms(text);
  }

  /** Whether {@code text} holds a model-code-like token (see {@link QuerySignals#code}). */
  public static boolean hasModelCode(String text) {
    for (String t : text.toLowerCase(Locale.ROOT).split("[\\s,;:|()\\[\\]{}\"+*!?]+")) {
      String c = t.replaceAll("[-._/']", "");
      if (c.length() >= 4
          && c.chars().allMatch(Character::isLetterOrDigit)
          && c.chars().anyMatch(Character::isDigit)
          && c.chars().anyMatch(Character::isLetter)
          && !NUMBER_UNIT.matcher(c).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param denseRank 0-based rank in the dense list, or -1
   * @param bm25Rank 0-based rank in the BM25 list, or -1
   */
  public double[] of(
      QueryTerms q, Product p, double dense, double bm25Normalized, int denseRank, int bm25Rank) {
    double[] f = new double[NAMES.size()];
    f[DENSE] = dense;
    f[BM25] = bm25Normalized;
    f[TITLE_COVERAGE] = coverage(q.terms, p.title());
    f[BRAND_MATCH] = brandMatch(q, p.brand()) ? 1 : 0;
    int model = modelMatch(q, p.model());
    f[MODEL_MATCH] = model == 2 ? 1 : 0;
    f[MODEL_PARTIAL] = model == 1 ? 1 : 0;
    f[DENSE_RR] = denseRank < 0 ? 0 : 1.0 / (RRF_K + denseRank + 1);
    f[BM25_RR] = bm25Rank < 0 ? 0 : 1.0 / (RRF_K + bm25Rank + 1);
    f[DENSE_X_CODE] = dense * q.code();
    f[DENSE_X_LENGTH] = dense * q.length();
    return f;
  }

  /** Sets the list-level adaptive terms of a candidate's features from the query's signals. */
  public static void setListSignals(double[] f, double agreement, double gap) {
    f[DENSE_X_AGREEMENT] = f[DENSE] * agreement;
    f[DENSE_X_GAP] = f[DENSE] * gap;
  }

  /** The query signals recorded in a candidate's features (NaN where its dense cosine is 0). */
  public static QuerySignals signals(double[] f) {
    double d = f[DENSE];
    return d == 0
        ? new QuerySignals(Double.NaN, Double.NaN, Double.NaN, Double.NaN)
        : new QuerySignals(
            f[DENSE_X_CODE] / d,
            f[DENSE_X_LENGTH] / d,
            f[DENSE_X_AGREEMENT] / d,
            f[DENSE_X_GAP] / d);
  }

  private double coverage(Set<String> queryTerms, String title) {
    if (queryTerms.isEmpty()) {
      return 0;
    }
    Set<String> t = titleTerms.get(title);
    if (t == null) {
      t = Set.copyOf(Bm25Queries.terms(analyzer, title));
      if (titleTerms.size() < TITLE_CACHE_LIMIT) {
        titleTerms.putIfAbsent(title, t);
      }
    }
    long hit = queryTerms.stream().filter(t::contains).count();
    return (double) hit / queryTerms.size();
  }

  private static boolean brandMatch(QueryTerms q, String brand) {
    String b = alnum(brand);
    return b.length() >= 2 && q.spaced.contains(" " + brand.toLowerCase(Locale.ROOT).trim() + " ")
        || (b.length() >= 4 && q.normalized.contains(b));
  }

  /** 2: the query names the code exactly; 1: partly (prefix or inside); 0: not. */
  static int modelMatch(QueryTerms q, String model) {
    String m = alnum(model);
    if (m.length() < 3) {
      return 0;
    }
    List<String> t = q.rawTokens;
    for (int i = 0; i < t.size(); i++) {
      StringBuilder run = new StringBuilder();
      for (int j = i; j < t.size() && run.length() < m.length(); j++) {
        run.append(t.get(j));
        if (run.length() == m.length() && run.toString().equals(m)) {
          return 2;
        }
      }
    }
    if (q.normalized.contains(m)) {
      return 1;
    }
    for (String tok : t) {
      if (tok.length() >= 3 && tok.chars().anyMatch(Character::isDigit) && m.startsWith(tok)) {
        return 1;
      }
    }
    return 0;
  }

  static String alnum(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.toLowerCase(Locale.ROOT)
        .codePoints()
        .filter(Character::isLetterOrDigit)
        .forEach(sb::appendCodePoint);
    return sb.toString();
  }
}
