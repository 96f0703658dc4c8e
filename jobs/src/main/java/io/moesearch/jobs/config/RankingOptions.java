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
          "-0.124,0.689,-0.147,0.897,0.778,1.227,13.961,-0.350,-0.283,2.619,3.272,-0.960,-0.089",
          "Fusion weights of dense, bm25, title_coverage, brand_match, code_exact, dense_rr,"
              + " bm25_rr, code_near, dense_x_code, dense_x_agreement, dense_x_gap,"
              + " dense_x_length, quantity_conflict.");

  public static final ConfigOption<Double> MIN_SIMILARITY =
      number(
          "ranking.min-similarity",
          RankingSettings.DEFAULT_MIN_SIMILARITY,
          "No BM25 hit and best cosine below this: answered with no items, no_match: true.");
}
