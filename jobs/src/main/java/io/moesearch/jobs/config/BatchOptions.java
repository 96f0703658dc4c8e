package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import org.apache.flink.configuration.ConfigOption;

/** The {@code batch.*} settings: query embedding micro-batches. */
public final class BatchOptions {
  private BatchOptions() {}

  public static final ConfigOption<Integer> MAX_SIZE =
      intIn("batch.max-size", 32, 1, 4096, "Queries per embedding call.");

  /**
   * At most 10 s: the query and product embedders run under a 60 s async I/O timeout, which the
   * product embedder fails its task at (no update is dropped), and a lone upsert waits this long
   * for its batch to fill before the model runs; at 60 s every upsert failed the task, for ever.
   */
  public static final ConfigOption<Long> MAX_WAIT_MS =
      longIn(
          "batch.max-wait-ms",
          5,
          0,
          10_000,
          "Wait at most this long for a batch to fill (0-10000: the embedders' 60 s async I/O"
              + " timeout must leave room for the queue and the model).");

  /** At most {@link #MAX_SIZE} (checked by {@link MoeSearchConfig}). */
  public static final ConfigOption<Integer> MODEL_BATCH_SIZE =
      intIn(
          "batch.model-batch-size",
          8,
          1,
          4096,
          "A batch is length-sorted and run through the model in chunks of this size.");
}
