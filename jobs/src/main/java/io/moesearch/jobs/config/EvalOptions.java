package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import org.apache.flink.configuration.ConfigOption;

/** The {@code eval.*} settings of {@code bin/moe-search eval}. */
public final class EvalOptions {
  private EvalOptions() {}

  public static final ConfigOption<String> JUDGEMENTS =
      string(
          "eval.judgements",
          "data/chorus/Broad_Query_Set_rated.csv,data/known-item/icecat-known-item-test.csv,"
              + "data/known-item/icecat-known-item-confusable-test.csv,"
              + "data/known-item/icecat-known-item-variant-test.csv",
          "Judged query sets scored (CSV files, comma-separated; the first also drives the"
              + " retrieval tables).");

  public static final ConfigOption<String> TRAIN_JUDGEMENTS =
      string(
          "eval.train-judgements",
          "data/chorus/Broad_Query_Set_rated.csv,data/known-item/icecat-known-item-train.csv,"
              + "data/known-item/icecat-known-item-confusable-train.csv,"
              + "data/known-item/icecat-known-item-variant-train.csv",
          "Judged sets the refit of the fusion learns from (comma-separated); a set also scored is"
              + " cross-validated.");

  public static final ConfigOption<Integer> TITLE_QUERIES =
      intIn("eval.title-queries", 1000, 0, 1_000_000, "Seeded product titles used as queries.");

  public static final ConfigOption<Long> SEED = longInt("eval.seed", 7, "Evaluation seed.");

  public static final ConfigOption<Integer> FOLDS =
      intIn("eval.folds", 5, 2, 100, "Cross-validation folds of the learned fusion.");

  public static final ConfigOption<Integer> BAGS =
      intIn(
          "eval.bags",
          8,
          1,
          1000,
          "Bootstrap resamples the fusion's refit averages (bagging; 1: one fit on all training"
              + " queries). Every fit of the eval, the weights to ship and each fold's, is made so.");
}
