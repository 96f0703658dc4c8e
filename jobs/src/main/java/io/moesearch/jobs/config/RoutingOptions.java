package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import org.apache.flink.configuration.ConfigOption;

/**
 * The {@code routing.*} settings and {@code retrieval.oversample}. The serving routing is checked
 * by {@code RoutingConfig}, {@code ActivationRule} and {@code LoadAwareRoutingConfig}, the gate
 * re-learning by {@code GateTrainer.Settings}; the rest here.
 */
public final class RoutingOptions {
  private RoutingOptions() {}

  public static final ConfigOption<Double> TEMPERATURE =
      doubleIn(
          "routing.temperature",
          0.05,
          0.001,
          100,
          "Gate softmax temperature at serving time and in routing update training (0.001..100).");

  public static final ConfigOption<Double> ACTIVATION =
      number("routing.activation", 0.9, "Cumulative gate probability the experts must reach.");

  public static final ConfigOption<Integer> MIN_EXPERTS =
      integer("routing.min-experts", 1, "At least this many activated experts.");

  public static final ConfigOption<Integer> MAX_EXPERTS =
      integer("routing.max-experts", 16, "At most this many activated experts.");

  public static final ConfigOption<Double> BALANCE_ALPHA =
      number("routing.balance-alpha", 0, "Load-aware routing: scores are logit - alpha * load.");

  public static final ConfigOption<Long> LOAD_HALF_LIFE_MS =
      longInt(
          "routing.load-half-life-ms",
          10_000,
          "Half-life of the decayed per-expert load counts (event time).");

  public static final ConfigOption<Double> COMPLEXITY_THRESHOLD =
      number(
          "routing.complexity-threshold",
          0,
          "Gate entropy / ln N below this takes the fast path; 0 = off.");

  public static final ConfigOption<Double> FAST_ACTIVATION =
      number("routing.fast-activation", 0.8, "Fast path: cumulative gate probability.");

  public static final ConfigOption<Integer> FAST_MAX_EXPERTS =
      integer("routing.fast-max-experts", 2, "Fast path: at most this many experts.");

  public static final ConfigOption<Integer> FAST_OVERSAMPLE =
      integer(
          "routing.fast-oversample", 5, "Fast path: HNSW candidates per expert = top_k x this.");

  public static final ConfigOption<Integer> OVERSAMPLE =
      integer("retrieval.oversample", 10, "HNSW candidates per expert = top_k x oversample.");

  public static final ConfigOption<Integer> UPDATE_QUERIES =
      intIn(
          "routing.update-queries",
          2000,
          1,
          10_000_000,
          "routing update: query-log size (default log: seeded product titles).");

  public static final ConfigOption<Integer> UPDATE_K =
      intIn(
          "routing.update-k",
          10,
          1,
          1000,
          "routing update: targets are the experts holding each query's exact top-k.");

  public static final ConfigOption<Integer> UPDATE_EPOCHS =
      integer("routing.update-epochs", 10, "Gate re-learning: Adam epochs.");

  public static final ConfigOption<Double> UPDATE_LEARNING_RATE =
      number("routing.update-learning-rate", 0.0003, "Gate re-learning: Adam step size.");

  public static final ConfigOption<Double> UPDATE_L2 =
      doubleIn(
          "routing.update-l2",
          0.001,
          0,
          1000,
          "Pull of the re-learned gate towards the current one (0..1000: above, training diverges).");

  public static final ConfigOption<Long> UPDATE_SEED =
      longInt("routing.update-seed", 17, "Gate re-learning seed.");

  public static final ConfigOption<Integer> REPLICA_SLOTS =
      intIn(
          "routing.replica-slots",
          0,
          0,
          65_536,
          "Serving slots of the replicated expert layout routing update writes; 0 = none.");

  /** At most {@link #REPLICA_SLOTS} when that is set (checked by {@link MoeSearchConfig}). */
  public static final ConfigOption<Integer> MIN_REPLICAS =
      intIn("routing.min-replicas", 2, 1, 65_536, "Replicas every expert gets in that layout.");

  public static final ConfigOption<Double> REPLICA_HEADROOM =
      doubleIn(
          "routing.replica-headroom",
          3,
          0,
          100,
          "Most headroom tried for the layout, in Poisson standard deviations.");

  public static final ConfigOption<Integer> REPLICA_WINDOW_EVENTS =
      intIn(
          "routing.replica-window-events",
          1000,
          1,
          100_000_000,
          "Queries per balancing window the layout's headroom is sized for.");

  public static final ConfigOption<Long> STATS_INTERVAL_MS =
      longIn(
          "routing.stats-interval-ms",
          10_000,
          100,
          86_400_000L,
          "Busy experts publish their load to the expert-stats topic this often.");
}
