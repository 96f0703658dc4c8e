package io.moesearch.operators;

import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.ParseOutcome;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RawMessage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and validates raw query records. Valid queries go downstream stamped with the time they
 * were accepted; anything malformed or oversized goes to the {@link #DEAD_LETTERS} side output with
 * the reason. Never throws on input.
 */
public final class ParseQueries extends ProcessFunction<RawMessage, AcceptedQuery> {
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

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
    ParseOutcome outcome = codec.parse(raw);
    if (outcome instanceof ParseOutcome.Accepted a) {
      accepted.inc();
      out.collect(new AcceptedQuery(a.query(), System.currentTimeMillis()));
    } else if (outcome instanceof ParseOutcome.Rejected r) {
      rejected.inc();
      ctx.output(DEAD_LETTERS, r.deadLetter());
    }
  }
}
