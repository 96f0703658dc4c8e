package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import io.moesearch.core.retrieval.QueryExpansion;
import io.moesearch.operators.RankingSettings;
import org.apache.flink.configuration.ConfigOption;

/** The {@code ranking.*} settings, checked by {@code RankingSettings}. */
public final class RankingOptions {
  private RankingOptions() {}

  public static final ConfigOption<String> MODE =
      oneOf(
          "ranking.mode",
          "hybrid",
          "hybrid (dense + BM25 fused) or dense (exact cosine only).",
          "hybrid",
          "dense");

  public static final ConfigOption<Integer> DENSE_DEPTH =
      integer("ranking.dense-depth", 20, "Dense candidates fused (at least top_k).");

  public static final ConfigOption<Integer> LEXICAL_DEPTH =
      integer("ranking.lexical-depth", 100, "BM25 candidates fused.");

  /**
   * The largest magnitude of a fusion weight ({@link #WEIGHTS}; the fitted ones are below 1): the
   * features are in [-1, 1], so every fused score stays far within a float, as an answer carries
   * it.
   */
  public static final double MAX_WEIGHT = 1_000_000;

  public static final ConfigOption<String> WEIGHTS =
      string(
          "ranking.weights",
          "0.006092,0.03289,-0.007817,0.02931,0.04186,0.03332,0.4889,-0.01749,-0.03341,0.06707,0.1167,0.004634,-0.01884,-0.02013,0.0305,-0.01779,-0.03,0.03",
          "Fusion weights of dense, bm25, title_coverage, brand_match, code_exact, dense_rr,"
              + " bm25_rr, code_near, dense_x_code, dense_x_agreement, dense_x_gap,"
              + " dense_x_length, quantity_conflict, colour_conflict, code_partial, number_missing,"
              + " words_uncovered, title_bigrams.");

  public static final ConfigOption<Double> MIN_SIMILARITY =
      number(
          "ranking.min-similarity",
          RankingSettings.DEFAULT_MIN_SIMILARITY,
          "No BM25 hit and best cosine below this: answered with no items, no_match: true.");

  public static final ConfigOption<String> SYNONYMS_PATH =
      string(
          "ranking.synonyms-path",
          "",
          "Query-time synonyms of the BM25 branch: a UTF-8 file in Solr's synonyms format"
              + " (\"laptop, notebook\"; \"tv => television\"); empty = none. Read and checked"
              + " at start-up.");

  public static final ConfigOption<Integer> TYPO_MIN_CHARS =
      intIn(
          "ranking.typo-min-chars",
          0,
          0,
          QueryExpansion.MAX_TYPO_TERM_CHARS,
          "Typo tolerance of the BM25 branch: a query word of at least this many letters (no"
              + " digits, at most "
              + QueryExpansion.MAX_TYPO_TERM_CHARS
              + ") also matches indexed words one edit away (two from twice as many);"
              + " 0 = off, else "
              + QueryExpansion.MIN_TYPO_CHARS
              + " to "
              + QueryExpansion.MAX_TYPO_TERM_CHARS
              + ".");
}
