package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import io.moesearch.state.StateBackends;
import org.apache.flink.configuration.ConfigOption;

/** The {@code job.*} settings: the streaming job's name, parallelism, state and checkpoints. */
public final class JobOptions {
  private JobOptions() {}

  public static final ConfigOption<String> NAME =
      string("job.name", "moe-search", "Job name (prefix of every Flink job name).");

  public static final ConfigOption<Integer> PARALLELISM =
      intIn(
          "job.parallelism",
          2,
          1,
          1024,
          "Default parallelism of the jobs (≤ job.max-parallelism).");

  /**
   * Flink's {@code pipeline.max-parallelism}: keyed state is split into this many key groups, fixed
   * by the first checkpoint, so it bounds every later parallelism, and a savepoint restores only
   * with the value it was taken with. 128 is what Flink derives for up to 85 subtasks when it is
   * unset, which is how every savepoint before this setting was taken.
   */
  public static final ConfigOption<Integer> MAX_PARALLELISM =
      intIn(
          "job.max-parallelism",
          128,
          1,
          32_768,
          "Flink's pipeline.max-parallelism: the number of key groups keyed state is split into,"
              + " the highest parallelism a savepoint can ever be rescaled to. Fixed by the first"
              + " checkpoint: a savepoint restores only with the value it was taken with (128 for"
              + " savepoints of builds before this setting run at up to 85 subtasks). Set it before the job's first run,"
              + " to at least the largest parallelism it may need; a higher one costs a little"
              + " per-key-group overhead in state snapshots.");

  public static final ConfigOption<String> STATE_BACKEND =
      checkedString(
          "job.state-backend", "rocksdb", "rocksdb or hashmap.", StateBackends::requireKnown);

  public static final ConfigOption<String> CHECKPOINT_DIR =
      string(
          "job.checkpoint-dir",
          "",
          "Checkpoint storage, a path or a URI (file:, s3:, hdfs: ...); a local one must be a"
              + " directory that exists or can be created, and the JVM that builds the job must"
              + " have a Flink file system for the scheme (its plugins/ or class path); empty ="
              + " <java.io.tmpdir>/moe-search-checkpoints.");

  public static final ConfigOption<Long> CHECKPOINT_INTERVAL_MS =
      longIn(
          "job.checkpoint-interval-ms",
          10_000,
          100,
          86_400_000L,
          "Checkpoint interval; with exactly-once delivery below the sinks' transaction timeout"
              + " (kafka.properties.transaction.timeout.ms, 600000 unless set).");

  public static final ConfigOption<Boolean> STATE_CHANGELOG =
      bool(
          "job.state-changelog",
          false,
          "Flink's state changelog: each state change is also appended to a log, a checkpoint"
              + " persists the log's tail, and the state backend's own snapshot runs only at the"
              + " periodic materialisation (every 10 minutes) instead of at every checkpoint. With"
              + " RocksDB that snapshot flushes every written column family while the task waits:"
              + " 56-125 ms on average per checkpoint in the query path's tasks at 200 queries/s on"
              + " 2 cores, 2-8 ms with the changelog (docs/benchmarks.md). Costs a second write of"
              + " every state change. Embedded, the log goes under <job.checkpoint-dir>/changelog;"
              + " on a cluster a TaskManager takes its storage from its own configuration only"
              + " (state.changelog.storage and state.changelog.dstl.dfs.base-path, set in"
              + " conf/flink/config.yaml). Such a job restarts only from a retained checkpoint"
              + " (it keeps its last one when cancelled), never from a savepoint: Flink 2.2 fails"
              + " or loses a changelog job restored from one (docs/operations.md). Off by"
              + " default.");

  public static final ConfigOption<Long> BUFFER_TIMEOUT_MS =
      longIn(
          "job.buffer-timeout-ms",
          0,
          0,
          10_000,
          "Network buffer flush interval: the latency floor of each keyBy hop. 0 sends every"
              + " record at once and runs no flusher thread: at this job's record rates (hundreds"
              + " per second per channel, each costing milliseconds of model and search work) that"
              + " is also the cheapest setting, since a flusher waking every few milliseconds per"
              + " task costs more CPU than the records it batches (docs/benchmarks.md).");

  public static final ConfigOption<Boolean> UNALIGNED_CHECKPOINTS =
      bool(
          "job.unaligned-checkpoints",
          false,
          "Unaligned checkpoints: a checkpoint's barriers overtake the records queued between the"
              + " operators (stored with the checkpoint) instead of waiting behind them, so a"
              + " checkpoint, and with exactly-once delivery the answers it commits, does not wait"
              + " for a backlog to drain. Off by default: on 2 cores it made the first checkpoint"
              + " after a restart shorter but the catch-up slower (docs/configuration.md)."
              + " Savepoints stay aligned. Forced past Flink's refusal for graphs with a custom"
              + " partitioner: the hit path's is deterministic, which a rescale from an unaligned"
              + " checkpoint needs.");
}
