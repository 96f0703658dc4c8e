package io.moesearch.core.rank;

import io.moesearch.core.catalog.Product;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Query–product features for ranking. Lexical signals matter in e-commerce: shoppers type model
 * numbers and brands, where dense retrieval is weak.
 *
 * <ol>
 *   <li>{@code dense}: exact cosine of query and product embeddings;
 *   <li>{@code bm25}: BM25 score divided by the query's best BM25 score (0 if no term matches);
 *   <li>{@code title_coverage}: share of the query's (stemmed) terms found in the title;
 *   <li>{@code brand_match}: 1 if the product's brand occurs in the query;
 *   <li>{@code model_match}: 1 if the product's model number occurs in the query (ignoring case and
 *       punctuation), or a query token with a digit is a prefix of it;
 *   <li>{@code dense_rr}, {@code bm25_rr}: reciprocal ranks {@code 1 / (60 + rank)} in each list (0
 *       if absent), the ingredients of reciprocal rank fusion.
 * </ol>
 */
public final class RankingFeatures {
  public static final List<String> NAMES =
      List.of(
          "dense", "bm25", "title_coverage", "brand_match", "model_match", "dense_rr", "bm25_rr");

  public static final int DENSE = 0;
  public static final int BM25 = 1;
  public static final int TITLE_COVERAGE = 2;
  public static final int BRAND_MATCH = 3;
  public static final int MODEL_MATCH = 4;
  public static final int DENSE_RR = 5;
  public static final int BM25_RR = 6;

  /** The RRF constant. */
  public static final int RRF_K = 60;

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

    QueryTerms(String text) {
      this.normalized = alnum(text);
      this.terms = new HashSet<>(analyze(text));
      this.rawTokens = List.of(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"));
      this.spaced = " " + String.join(" ", rawTokens) + " ";
    }
  }

  public QueryTerms query(String text) {
    return new QueryTerms(text);
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
    f[MODEL_MATCH] = modelMatch(q, p.model()) ? 1 : 0;
    f[DENSE_RR] = denseRank < 0 ? 0 : 1.0 / (RRF_K + denseRank + 1);
    f[BM25_RR] = bm25Rank < 0 ? 0 : 1.0 / (RRF_K + bm25Rank + 1);
    return f;
  }

  private double coverage(Set<String> queryTerms, String title) {
    if (queryTerms.isEmpty()) {
      return 0;
    }
    Set<String> t = titleTerms.get(title);
    if (t == null) {
      t = Set.copyOf(analyze(title));
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

  private static boolean modelMatch(QueryTerms q, String model) {
    String m = alnum(model);
    if (m.length() < 3) {
      return false;
    }
    if (q.normalized.contains(m)) {
      return true;
    }
    for (String t : q.rawTokens) {
      if (t.length() >= 3 && t.chars().anyMatch(Character::isDigit) && m.startsWith(t)) {
        return true;
      }
    }
    return false;
  }

  static String alnum(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.toLowerCase(Locale.ROOT)
        .codePoints()
        .filter(Character::isLetterOrDigit)
        .forEach(sb::appendCodePoint);
    return sb.toString();
  }

  private List<String> analyze(String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("text", text)) {
      CharTermAttribute att = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(att.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
