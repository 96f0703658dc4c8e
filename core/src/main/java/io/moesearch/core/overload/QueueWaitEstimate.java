package io.moesearch.core.overload;

/**
 * Estimates how long a query joining the embedding model's queue would wait: the queries ahead of
 * it times the model's recent wall time per query, an exponentially weighted mean over model calls
 * (weight {@value #ALPHA} for the newest), measured as the subtask experiences it (sharing the
 * cores with everything else). Until the first call is measured it assumes {@link
 * #PRIOR_MILLIS_PER_QUERY}. Thread-safe: the model thread records, the task thread reads.
 */
public final class QueueWaitEstimate {
  /** Weight of the newest model call in the mean. */
  public static final double ALPHA = 0.2;

  /**
   * The assumed model time per query before any is measured: all-MiniLM-L6-v2 on one CPU core
   * embeds a short query in a batch in about 2–10 ms (our runs on 2 vCPUs); the high end is taken.
   */
  public static final double PRIOR_MILLIS_PER_QUERY = 10;

  private volatile double millisPerQuery = PRIOR_MILLIS_PER_QUERY;
  private volatile boolean measured;

  /**
   * Records one model call.
   *
   * @param queries queries in the call, {@code >= 1}
   * @param nanos its wall time
   */
  public synchronized void record(int queries, long nanos) {
    if (queries < 1 || nanos < 0) {
      throw new IllegalArgumentException("queries must be >= 1 and nanos >= 0");
    }
    double perQuery = nanos / 1e6 / queries;
    millisPerQuery = measured ? (1 - ALPHA) * millisPerQuery + ALPHA * perQuery : perQuery;
    measured = true;
  }

  /** The estimated wait (ms) behind {@code backlog} queries. */
  public double waitMillis(int backlog) {
    return Math.max(0, backlog) * millisPerQuery;
  }

  /** The current mean model time per query (ms). */
  public double millisPerQuery() {
    return millisPerQuery;
  }
}
