package io.moesearch.operators;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.embed.LengthSortedChunks;
import io.moesearch.core.embed.SharedEmbeddingModels;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Embeds upserted products in-stream with the serving model, through async I/O and the same {@link
 * MicroBatcher} as {@link EmbedQueries}: the text embedded is {@link
 * io.moesearch.core.catalog.Product#searchableText()}, exactly what the index build embeds, so a
 * live product and an indexed one are comparable. Only upserts come here ({@link
 * SequenceCatalogUpdates} sends patches and deletes past it; one that comes anyway passes through
 * at once); they may leave out of order: {@link ApplyCatalogUpdates} restores each product's order
 * by {@link ProductUpdate#seq}.
 *
 * <p>The model is the one {@link EmbedQueries} uses in the same TaskManager ({@link
 * SharedEmbeddingModels}): one ONNX Runtime session per JVM, loaded once when the job starts or
 * restarts there, not once per subtask and operator.
 *
 * <p>A model error or an async I/O timeout fails the task on purpose: the job restarts and replays
 * the update from the checkpoint, so no catalogue update is dropped. Neither is caused by a record:
 * every text the catalogue codec accepts embeds ({@code EmbedderLimitsTest}), and the texts are
 * bounded ({@code CatalogUpdateCodec.MAX_TEXT_CHARS}, {@code embedder.max-tokens}): the model is
 * given at most {@code EmbeddingModel.MAX_CHARS_PER_TOKEN} characters a token it reads, so a
 * hostile text costs no more than that ({@code EmbedderInputBoundsTest}: 64 KB of 99-letter
 * nonsense words cost ~260 ms each before, and 512 of them in flight ~130 s, past the timeout).
 */
public final class EmbedProducts extends RichAsyncFunction<ProductUpdate, ProductUpdate> {
  private final EmbedderConfig embedderConfig;
  private final int maxBatch;
  private final int modelBatch;
  private final long maxWaitMillis;

  private transient SharedEmbeddingModels.Lease model;
  private transient Embedder embedder;
  private transient MicroBatcher<Pending> batcher;

  private record Pending(ProductUpdate update, ResultFuture<ProductUpdate> future) {}

  /** With each batch run through the model whole ({@code modelBatch} = {@code maxBatch}). */
  public EmbedProducts(EmbedderConfig embedderConfig, int maxBatch, long maxWaitMillis) {
    this(embedderConfig, maxBatch, maxBatch, maxWaitMillis);
  }

  /**
   * @param maxBatch upserts per batch ({@code batch.max-size}), >= 1
   * @param modelBatch texts per model call ({@code batch.model-batch-size}), 1..maxBatch: a batch
   *     is length-sorted and run in chunks of this size, as {@link EmbedQueries} does (one call of
   *     thousands of product texts padded to the longest took memory and time in proportion)
   * @param maxWaitMillis how long a batch waits to fill, >= 0
   */
  public EmbedProducts(
      EmbedderConfig embedderConfig, int maxBatch, int modelBatch, long maxWaitMillis) {
    if (maxBatch < 1 || maxWaitMillis < 0 || modelBatch < 1 || modelBatch > maxBatch) {
      throw new IllegalArgumentException(
          "maxBatch must be >= 1, modelBatch in 1..maxBatch and maxWaitMillis >= 0, got "
              + maxBatch
              + ", "
              + modelBatch
              + ", "
              + maxWaitMillis);
    }
    this.embedderConfig = embedderConfig;
    this.maxBatch = maxBatch;
    this.modelBatch = modelBatch;
    this.maxWaitMillis = maxWaitMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    model = SharedEmbeddingModels.acquire(embedderConfig);
    embedder = model.model().newEmbedder();
    batcher =
        new MicroBatcher<>(
            "embed-products-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
            maxBatch,
            maxWaitMillis,
            this::embedBatch);
  }

  @Override
  public void asyncInvoke(ProductUpdate update, ResultFuture<ProductUpdate> future) {
    if (update.op() != CatalogUpdate.Op.UPSERT) {
      future.complete(List.of(update));
      return;
    }
    batcher.add(new Pending(update, future));
  }

  private void embedBatch(List<Pending> batch) {
    for (List<Pending> chunk :
        LengthSortedChunks.of(batch, p -> p.update().product().searchableText(), modelBatch)) {
      List<String> texts = new ArrayList<>(chunk.size());
      for (Pending p : chunk) {
        texts.add(p.update().product().searchableText());
      }
      try {
        float[][] vectors = embedder.embed(texts);
        for (int i = 0; i < chunk.size(); i++) {
          chunk.get(i).future().complete(List.of(chunk.get(i).update().withVector(vectors[i])));
        }
      } catch (Throwable e) {
        for (Pending p : chunk) {
          p.future().completeExceptionally(e);
        }
      }
    }
  }

  @Override
  public void close() {
    if (batcher != null && !batcher.stop(30_000)) {
      return; // still inside a model call: closing the native session under it would crash
    }
    if (embedder != null) {
      embedder.close();
    }
    if (model != null) {
      model.close();
    }
  }
}
