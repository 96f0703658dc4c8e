package io.moesearch.operators;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.state.StateDescriptors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Numbers each product's catalogue updates in arrival order (keyed by product id, {@link
 * ProductUpdate#seq} from 1) and splits them: upserts, which must be embedded, to the main output;
 * patches and deletes, which need no model, to {@link #NO_EMBEDDING}. So a price change or a delete
 * does not wait behind other products' upserts in the embedding stage, and {@link
 * ApplyCatalogUpdates} still applies one product's updates in the order they came (it holds an
 * update back until the ones numbered before it are applied).
 *
 * <p>Numbering starts with a product's first upsert. A patch or delete of a product never upserted
 * here goes on unnumbered ({@code seq} 0: applied at once, ordered by its {@code ts}) and leaves no
 * state: no earlier update of the product can be in the embedding stage, and a stream of patches or
 * deletes naming random ids (unknown products: not applied downstream, only remembered there for
 * {@code catalog.tombstone-ttl-ms}) cannot grow this keyed state.
 */
public final class SequenceCatalogUpdates
    extends KeyedProcessFunction<String, ProductUpdate, ProductUpdate> {
  /** Patches and deletes, numbered: straight on to {@link ApplyCatalogUpdates}. */
  public static final OutputTag<ProductUpdate> NO_EMBEDDING =
      new OutputTag<>("catalog-updates-no-embedding") {};

  private transient ValueState<Long> numbered;

  @Override
  public void open(OpenContext ctx) {
    numbered = getRuntimeContext().getState(StateDescriptors.catalogNumbered());
  }

  @Override
  public void processElement(ProductUpdate u, Context ctx, Collector<ProductUpdate> out)
      throws Exception {
    Long last = numbered.value();
    if (last == null && u.op() != CatalogUpdate.Op.UPSERT) {
      ctx.output(NO_EMBEDDING, u.withSeq(0));
      return;
    }
    long seq = (last == null ? 0 : last) + 1;
    numbered.update(seq);
    ProductUpdate n = u.withSeq(seq);
    if (u.op() == CatalogUpdate.Op.UPSERT) {
      out.collect(n);
    } else {
      ctx.output(NO_EMBEDDING, n);
    }
  }
}
