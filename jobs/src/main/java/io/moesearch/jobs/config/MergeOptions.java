package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import org.apache.flink.configuration.ConfigOption;

/** The {@code merge.*} settings: merging the experts' partial results. */
public final class MergeOptions {
  private MergeOptions() {}

  public static final ConfigOption<Long> TIMEOUT_MS =
      longIn(
          "merge.timeout-ms",
          5000,
          10,
          600_000,
          "Answer with the partials present after this long.");
}
