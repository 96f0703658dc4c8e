package io.moesearch.operators;

import io.moesearch.connectors.message.CatalogUpdateCodec;
import io.moesearch.connectors.message.RawMessage;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Validates catalogue-update records ({@link CatalogUpdateCodec}); a malformed one becomes a dead
 * letter ({@link ParseQueries#DEAD_LETTERS}) whose reason names the field, and is counted ({@code
 * catalogUpdatesDeadLettered}). Never throws on input.
 */
public final class ParseCatalogUpdates extends ProcessFunction<RawMessage, ProductUpdate> {
  private final CatalogUpdateCodec codec;
  private transient Counter rejected;

  public ParseCatalogUpdates(CatalogUpdateCodec codec) {
    if (codec == null) {
      throw new IllegalArgumentException("a codec is required");
    }
    this.codec = codec;
  }

  @Override
  public void open(OpenContext ctx) {
    rejected = getRuntimeContext().getMetricGroup().counter("catalogUpdatesDeadLettered");
  }

  @Override
  public void processElement(RawMessage raw, Context ctx, Collector<ProductUpdate> out) {
    long now = System.currentTimeMillis();
    switch (codec.parse(raw, now)) {
      case CatalogUpdateCodec.Outcome.Accepted a ->
          out.collect(ProductUpdate.of(a.update(), raw.timestamp() > 0 ? raw.timestamp() : now));
      case CatalogUpdateCodec.Outcome.Rejected r -> {
        rejected.inc();
        ctx.output(ParseQueries.DEAD_LETTERS, r.deadLetter());
      }
    }
  }
}
