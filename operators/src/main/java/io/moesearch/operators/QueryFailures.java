package io.moesearch.operators;

import io.moesearch.connectors.kafka.KafkaSettings;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.connectors.message.StageLatency;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;

/**
 * What an operator past parsing does with a query it fails on, so that no record fails a task
 * (which would fail again on every replay): the failure is counted (a metric), logged rate-limited
 * ({@link FailureLogging}), the query becomes a {@link DeadLetter} whose reason names the stage and
 * the error (bounded like every dead letter; its payload is the query as a producer writes it, on
 * the query topic, partition and offset unknown), and it is answered at once with no items, {@code
 * partial: true} and no answered experts, so that its client is not left waiting. One per operator
 * subtask; not thread-safe.
 */
final class QueryFailures implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final String stage;
  private final String topic;
  private final MessageJson json = new MessageJson();
  private transient Counter failures;

  /**
   * @param stage the operator, named in the reason and the log
   * @param topic the query topic, the dead letters' source ({@code null}: the default one)
   */
  QueryFailures(String stage, String topic) {
    if (stage == null || stage.isBlank()) {
      throw new IllegalArgumentException("a stage name is required");
    }
    this.stage = stage;
    this.topic =
        topic == null || topic.isBlank() ? KafkaSettings.DEFAULT_QUERY_TOPIC : topic.strip();
  }

  /** Registers the counter {@code metric} in {@code metrics}; call from {@code open()}. */
  void open(MetricGroup metrics, String metric) {
    failures = metrics.counter(metric);
  }

  long count() {
    return failures == null ? 0 : failures.getCount();
  }

  /**
   * Counts a failure of any record (not only a query) and logs it, rate-limited; {@code what}
   * (which may quote a client's query id or text) and {@code e} are logged {@linkplain
   * FailureLogging#printable(String) printable}.
   */
  void record(Logger log, String what, Throwable e) {
    failures.inc();
    long n = failures.getCount();
    if (FailureLogging.logs(n)) {
      log.warn(
          "{}: {} failed ({} so far); went on without it",
          stage,
          FailureLogging.printable(what),
          n,
          FailureLogging.printable(e));
    }
  }

  /** The dead letter of {@code q}, failed with {@code e}. */
  DeadLetter deadLetter(SearchQuery q, Throwable e) {
    String payload;
    try {
      payload = new String(json.encodeQuery(q), StandardCharsets.UTF_8);
    } catch (RuntimeException encoding) {
      payload = "";
    }
    return new DeadLetter(
        topic,
        -1,
        -1,
        payload,
        DeadLetter.UTF8,
        "query " + q.queryId() + " failed in " + stage + ": " + e,
        System.currentTimeMillis());
  }

  /**
   * The answer of a query that could not be searched: no items, {@code partial} with no answered
   * experts ({@code experts}: those it was routed to, if known).
   */
  static SearchResult failedAnswer(
      SearchQuery q, long tsInMillis, double embedMs, int[] experts, String indexVersion) {
    return unsearched(
        q, tsInMillis, embedMs, experts, indexVersion, true, SearchResult.NOT_DEGRADED);
  }

  /**
   * The answer of a query turned away because the job was overloaded: no items, {@code degraded:
   * overloaded}, not partial (nothing was searched that could be missing).
   */
  static SearchResult overloadedAnswer(
      SearchQuery q, long tsInMillis, double embedMs, String indexVersion) {
    return unsearched(q, tsInMillis, embedMs, null, indexVersion, false, SearchResult.OVERLOADED);
  }

  private static SearchResult unsearched(
      SearchQuery q,
      long tsInMillis,
      double embedMs,
      int[] experts,
      String indexVersion,
      boolean partial,
      String degraded) {
    long now = System.currentTimeMillis();
    return new SearchResult(
        q.queryId(),
        q.text(),
        new RankedItem[0],
        experts == null ? new int[0] : experts,
        indexVersion == null ? "" : indexVersion,
        new StageLatency(
            Double.isFinite(embedMs) ? Math.max(0, embedMs) : 0,
            0,
            0,
            0,
            Math.max(0, now - tsInMillis)),
        SearchResult.CACHE_MISS,
        Math.max(0, tsInMillis),
        now,
        partial,
        new int[0],
        degraded);
  }
}
