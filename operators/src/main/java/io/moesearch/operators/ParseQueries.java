package io.moesearch.operators;

import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.ParseOutcome;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchQuery;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and validates raw query records. Valid queries go downstream stamped with the time they
 * were accepted (the start of their in-job latency) and with their event time: the query's {@code
 * ts} when the client set it, else the Kafka record's timestamp ({@link #withEventTime}). Anything
 * malformed or oversized goes to the {@link #DEAD_LETTERS} side output with the reason, and so does
 * any record that makes parsing or validation throw. Never throws on input.
 */
public final class ParseQueries extends ProcessFunction<RawMessage, AcceptedQuery> {
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  /**
   * How far a query's {@code ts} may be ahead of its Kafka record's timestamp and still be its
   * event time ({@link RawMessage#MAX_CLOCK_SKEW_MS}).
   */
  public static final long MAX_CLOCK_SKEW_MS = RawMessage.MAX_CLOCK_SKEW_MS;

  private final QueryCodec codec;
  private transient Counter accepted;
  private transient Counter rejected;

  public ParseQueries(QueryCodec codec) {
    this.codec = codec;
  }

  @Override
  public void open(OpenContext ctx) {
    accepted = getRuntimeContext().getMetricGroup().counter("queriesAccepted");
    rejected = getRuntimeContext().getMetricGroup().counter("queriesDeadLettered");
  }

  @Override
  public void processElement(RawMessage raw, Context ctx, Collector<AcceptedQuery> out) {
    AcceptedQuery query;
    DeadLetter dead;
    try {
      ParseOutcome outcome = codec.parse(raw);
      if (outcome instanceof ParseOutcome.Accepted a) {
        long now = System.currentTimeMillis();
        query = new AcceptedQuery(withEventTime(a.query(), raw, now), now);
        dead = null;
      } else {
        query = null;
        dead = ((ParseOutcome.Rejected) outcome).deadLetter();
      }
    } catch (RuntimeException e) {
      // A record the codec did not foresee: dead-letter it rather than fail the task.
      query = null;
      dead = DeadLetter.of(raw, "query could not be processed: " + e);
    }
    if (query != null) {
      accepted.inc();
      out.collect(query);
    } else {
      rejected.inc();
      ctx.output(DEAD_LETTERS, dead);
    }
  }

  /**
   * The query with its event time in {@code ts}: its own when the client set one no more than
   * {@link #MAX_CLOCK_SKEW_MS} after the record's timestamp, else the record's timestamp (when the
   * record has one). The event time, not the wall clock at parsing, is what the job's
   * time-dependent decisions read (the load-aware router's decayed loads), so a record replayed
   * after a failure carries the same time as at its first delivery. A record without a timestamp
   * (or stamped 0, which a producer may set) keeps its client's {@code ts} only when that is no
   * more than {@link #MAX_CLOCK_SKEW_MS} after {@code acceptedAt}; else it has none ({@code 0}: its
   * acceptance time is its event time, as for a query without {@code ts}).
   */
  static SearchQuery withEventTime(SearchQuery q, RawMessage raw, long acceptedAt) {
    if (raw.timestamp() <= 0) {
      // Nothing else bounds the client's ts: one at the end of time would switch load-aware
      // routing off for good (the decayed loads live in checkpointed state).
      return raw.tsTooFarAhead(q.ts(), acceptedAt) ? q.withTs(0) : q;
    }
    if (q.ts() <= 0 || raw.tsTooFarAhead(q.ts(), acceptedAt)) {
      // A client ts far ahead of its record would move the router's decayed loads there: every
      // later query's activation would then count for nothing (load-aware routing switched off
      // by one record). Kafka refuses record timestamps as far ahead, so neither is the ts.
      return q.withTs(raw.timestamp());
    }
    return q;
  }
}
