package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

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

  public static final ConfigOption<String> WEIGHTS =
      string(
          "ranking.weights",
          "0.038,0.073,-0.017,0.083,0.083,0.068,1.333,-0.028,-0.143,0.098,0.288,0.073",
          "Fusion weights of dense, bm25, title_coverage, brand_match, code_exact, dense_rr,"
              + " bm25_rr, code_near, dense_x_code, dense_x_agreement, dense_x_gap,"
              + " dense_x_length.");

  public static final ConfigOption<Double> MIN_SIMILARITY =
      number(
          "ranking.min-similarity",
          RankingSettings.DEFAULT_MIN_SIMILARITY,
          "No BM25 hit and best cosine below this: answered with no items, no_match: true.");
}
