package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import org.apache.flink.configuration.ConfigOption;

/**
 * The {@code index.*} settings: building and serving index artifacts. The build settings are
 * checked by {@code IndexBuildSettings}.
 */
public final class IndexOptions {
  private IndexOptions() {}

  public static final ConfigOption<String> ROOT =
      required("index.root", "artifacts/index", "Where builds write <version>/ and LATEST.");

  public static final ConfigOption<String> PATH =
      string("index.path", "", "Serve/evaluate this artifact instead of <root>/LATEST.");

  public static final ConfigOption<Long> WATCH_INTERVAL_MS =
      longIn(
          "index.watch-interval-ms",
          5000,
          0,
          86_400_000L,
          "How often the job reads <root>/LATEST for a new version; 0 = never.");

  public static final ConfigOption<Integer> EXPERTS =
      integer("index.experts", 128, "Number of experts N.");

  public static final ConfigOption<Integer> KMEANS_ITERATIONS =
      integer("index.kmeans-iterations", 20, "Spherical k-means iterations of the gate.");

  public static final ConfigOption<Long> SEED = longInt("index.seed", 42, "Gate training seed.");

  public static final ConfigOption<Double> TEMPERATURE =
      doubleIn(
          "index.temperature",
          0.05,
          0.001,
          100,
          "Gate temperature used for boundary replication (0.001..100).");

  public static final ConfigOption<Double> REPLICATION_RATIO =
      number(
          "index.replication-ratio",
          0.5,
          "A product also joins experts with probability >= ratio x its best.");

  public static final ConfigOption<Integer> MAX_COPIES =
      integer(
          "index.max-copies",
          3,
          "At most this many experts per product (at least 1; more than index.experts means all).");

  public static final ConfigOption<String> ENCODING =
      string("index.encoding", "float32", "HNSW vectors: float32, int8, int7, int4 or bit1.");

  public static final ConfigOption<Integer> HNSW_M =
      integer("index.hnsw-m", 16, "HNSW graph degree.");

  public static final ConfigOption<Integer> HNSW_BEAM_WIDTH =
      integer("index.hnsw-beam-width", 100, "HNSW construction beam width.");

  public static final ConfigOption<Integer> EMBED_BATCH_SIZE =
      integer("index.embed-batch-size", 64, "Texts per embedding call of the build.");

  public static final ConfigOption<Integer> PARALLELISM =
      intIn("index.parallelism", 2, 1, 256, "Subtasks of the index build.");
}
