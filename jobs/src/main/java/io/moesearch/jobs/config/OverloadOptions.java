package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import org.apache.flink.configuration.ConfigOption;

/** The {@code overload.*} settings: graceful degradation when misses outrun the model. */
public final class OverloadOptions {
  private OverloadOptions() {}

  public static final ConfigOption<Boolean> ENABLED =
      bool(
          "overload.enabled",
          true,
          "Degrade in steps (fewer experts, fewer candidates, fast path, 'overloaded' answer) when"
              + " queries waiting for the model pile up; false = queue without limit (back"
              + " pressure reaches the cache's hit path).");

  public static final ConfigOption<Long> MAX_WAIT_MS =
      longIn(
          "overload.max-wait-ms",
          200,
          1,
          600_000,
          "Estimated wait for the embedding model (queries ahead x recent model time per query,"
              + " per subtask) at which new misses are answered 'overloaded'; the earlier steps"
              + " start at 1/4, 1/2 and 3/4 of it.");

  public static final ConfigOption<Long> MAX_SOJOURN_MS =
      longIn(
          "overload.max-sojourn-ms",
          1_000,
          0,
          600_000,
          "Standing wait after the embedding (a query's time in the job less its embedding"
              + " time; the least over the last one to two intervals of this length, so a stall"
              + " that drains does not count; compares the clocks of the TaskManagers that parse"
              + " and route or search: keep them in sync) at which the router answers 'overloaded' and an expert does not"
              + " search a request (the query is answered 'overloaded'); the router's earlier"
              + " steps start at 1/4, 1/2 and 3/4 of it. Catches a backlog the model's queue"
              + " does not show: the experts as the bottleneck, or queries with cached"
              + " embeddings. 0 = off.");

  public static final ConfigOption<Long> REPLAY_FULL_QUALITY_MS =
      longIn(
          "overload.replay-full-quality-ms",
          60_000,
          0,
          3_600_000,
          "With at-least-once delivery: for this long after a subtask restores from a checkpoint,"
              + " every query (replays, the backlog behind them, fresh queries on the cold model)"
              + " is served at full quality (not degraded, not cut short by merge.timeout-ms), so"
              + " an answer published again equals the first; 0 = a recovery degrades like any"
              + " overload.");
}
