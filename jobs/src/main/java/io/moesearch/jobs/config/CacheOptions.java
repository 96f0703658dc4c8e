package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import org.apache.flink.configuration.ConfigOption;

/** The {@code cache.*} settings; sizes and lifetimes are checked by {@code CacheSettings}. */
public final class CacheOptions {
  private CacheOptions() {}

  public static final ConfigOption<Boolean> ENABLED =
      bool("cache.enabled", true, "Query caches in front of the model and the experts.");

  public static final ConfigOption<Long> L1_MAX_ENTRIES =
      longInt("cache.l1-max-entries", 100_000, "L1: in-heap results per subtask.");

  public static final ConfigOption<Long> L1_MAX_BYTES =
      longInt(
          "cache.l1-max-bytes",
          64L << 20,
          "L1: estimated heap bytes of the in-heap results per subtask (answers with many items or"
              + " long titles are evicted by size before cache.l1-max-entries is reached); the hit"
              + " path keeps its texts' query embeddings within the same bounds, apart.");

  public static final ConfigOption<Long> L1_TTL_MS =
      longInt("cache.l1-ttl-ms", 600_000, "Lifetime of L1 entries.");

  public static final ConfigOption<Long> L2_TTL_MS =
      longInt("cache.l2-ttl-ms", 3_600_000, "Lifetime of L2 results in keyed state.");

  public static final ConfigOption<Long> L3_TTL_MS =
      longInt("cache.l3-ttl-ms", 604_800_000, "Lifetime of L3 query embeddings in keyed state.");

  public static final ConfigOption<Long> COALESCE_WAIT_MS =
      longInt(
          "cache.coalesce-wait-ms",
          2000,
          "An identical query waits at most this long for one in flight.");

  public static final ConfigOption<Integer> ADMIT_AFTER =
      intIn(
          "cache.admit-after",
          1,
          1,
          1_000,
          "Cache a text's answer from its Nth computation within cache.l2-ttl-ms on (2: one-off"
              + " texts never write cache fills).");

  public static final ConfigOption<Long> DOORKEEPER_MS =
      longIn(
          "cache.doorkeeper-ms",
          0,
          0,
          600_000,
          "With cache.admit-after 1, the doorkeeper under pressure: while the computations sent"
              + " through the model take longer than this to come back to the cache (the least"
              + " round trip of each second, from the lookup to the answer's fill or release, or to"
              + " giving up after cache.coalesce-wait-ms) or come back shed by the overload"
              + " protection, texts computed for the first time write no cache fills, as with"
              + " cache.admit-after 2 (two probes a second per subtask excepted), so one-off texts"
              + " stop taxing the miss path when it is the bottleneck; below cache.coalesce-wait-ms;"
              + " 0 (the default): every answer is cached whatever the load.");

  public static final ConfigOption<Integer> FILL_MAX_BYTES =
      intIn(
          "cache.fill-max-bytes",
          1_048_576,
          65_536,
          64 << 20,
          "Larger cache-fill records are dead-lettered; at least 65536, which holds an embedding"
              + " fill of any model the index can serve (Lucene's at most 1024 dimensions) for a"
              + " text of query.max-chars' largest 10000 characters. A computed query's result (or"
              + " release) and its embedding go in one record when a bound of its size is within"
              + " this, else in two; the default holds the largest result with its embedding.");

  public static final ConfigOption<String> FILL_KEY_FILE =
      string(
          "cache.fill-key-file",
          "artifacts/cache-fill.key",
          "HMAC key (hex) that signs cache fills; created on first use.");

  public static final ConfigOption<Long> BUFFER_TIMEOUT_MS =
      longIn(
          "cache.buffer-timeout-ms",
          0,
          0,
          10_000,
          "Network-buffer flush interval of the hit path (parse -> lookup -> sink); 0 sends every"
              + " record at once.");
}
