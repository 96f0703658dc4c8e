package io.moesearch.operators;

import io.moesearch.connectors.message.CatalogUpdateCodec;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.RawMessage;
import java.io.Serializable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Validates catalogue-update records ({@link CatalogUpdateCodec}); a malformed one becomes a dead
 * letter ({@link ParseQueries#DEAD_LETTERS}) whose reason names the field, and is counted ({@code
 * catalogUpdatesDeadLettered}). Never throws on input: a record the codec did not foresee (any
 * runtime exception while parsing it) is dead-lettered too, with the exception as its reason.
 */
public final class ParseCatalogUpdates extends ProcessFunction<RawMessage, ProductUpdate> {
  /** Parses one record at a wall time in epoch millis; {@link CatalogUpdateCodec#parse}. */
  @FunctionalInterface
  interface Parser extends Serializable {
    CatalogUpdateCodec.Outcome parse(RawMessage raw, long nowMillis);
  }

  private final Parser parser;
  private transient Counter rejected;

  public ParseCatalogUpdates(CatalogUpdateCodec codec) {
    this(requireCodec(codec)::parse);
  }

  /** With any parser (tests inject one that fails in ways the codec never should). */
  ParseCatalogUpdates(Parser parser) {
    if (parser == null) {
      throw new IllegalArgumentException("a parser is required");
    }
    this.parser = parser;
  }

  private static CatalogUpdateCodec requireCodec(CatalogUpdateCodec codec) {
    if (codec == null) {
      throw new IllegalArgumentException("a codec is required");
    }
    return codec;
  }

  @Override
  public void open(OpenContext ctx) {
    rejected = getRuntimeContext().getMetricGroup().counter("catalogUpdatesDeadLettered");
  }

  @Override
  public void processElement(RawMessage raw, Context ctx, Collector<ProductUpdate> out) {
    long now = System.currentTimeMillis();
    ProductUpdate update;
    DeadLetter dead;
    try {
      switch (parser.parse(raw, now)) {
        case CatalogUpdateCodec.Outcome.Accepted a -> {
          update = ProductUpdate.of(a.update(), raw.timestamp() > 0 ? raw.timestamp() : now);
          dead = null;
        }
        case CatalogUpdateCodec.Outcome.Rejected r -> {
          update = null;
          dead = r.deadLetter();
        }
      }
    } catch (RuntimeException e) {
      update = null;
      dead = DeadLetter.of(raw, "catalogue update could not be processed: " + e);
    }
    if (update != null) {
      out.collect(update);
    } else {
      rejected.inc();
      ctx.output(ParseQueries.DEAD_LETTERS, dead);
    }
  }
}
