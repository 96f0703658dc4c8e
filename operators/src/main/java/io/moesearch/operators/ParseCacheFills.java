package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RawMessage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses cache-fill records. A record that is not a valid fill goes to {@link
 * ParseQueries#DEAD_LETTERS} with the reason (and the payload, as the query parser does); the job
 * goes on.
 */
public final class ParseCacheFills extends ProcessFunction<RawMessage, CacheFill> {
  private final int maxBytes;
  private final MessageJson json = new MessageJson();
  private transient Counter rejected;

  /**
   * @param maxBytes larger records are dead-lettered unparsed
   */
  public ParseCacheFills(int maxBytes) {
    if (maxBytes < 64) {
      throw new IllegalArgumentException("cache fill max bytes must be >= 64, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  @Override
  public void open(OpenContext ctx) {
    rejected = getRuntimeContext().getMetricGroup().counter("cacheFillsDeadLettered");
  }

  @Override
  public void processElement(RawMessage raw, Context ctx, Collector<CacheFill> out) {
    byte[] value = raw.value();
    String reason;
    if (value == null) {
      reason = "cache fill has no value";
    } else if (value.length > maxBytes) {
      reason = "cache fill of " + value.length + " bytes exceeds " + maxBytes + " bytes";
    } else {
      try {
        out.collect(json.decodeCacheFill(value));
        return;
      } catch (IllegalArgumentException e) {
        reason = "invalid cache fill: " + e.getMessage();
      }
    }
    rejected.inc();
    ctx.output(ParseQueries.DEAD_LETTERS, deadLetter(raw, reason));
  }

  private static DeadLetter deadLetter(RawMessage raw, String reason) {
    return DeadLetter.ofBytes(
        raw.topic(),
        raw.partition(),
        raw.offset(),
        raw.value(),
        reason,
        System.currentTimeMillis());
  }
}
