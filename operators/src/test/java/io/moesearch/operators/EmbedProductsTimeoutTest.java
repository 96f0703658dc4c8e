package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.EmbedderConfig;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link EmbedProducts} fails its task on purpose when its async I/O timeout fires (an update must
 * not be dropped). The job runs it with a 60 s timeout ({@code SearchJob.liveDeltas}) and a
 * micro-batch wait of {@code batch.max-wait-ms}, which the configuration accepts up to 60,000 ms:
 * at that value a lone upsert waits the whole timeout for its batch to fill, so every upsert fails
 * the task, the job restarts, replays it from the checkpoint and fails again.
 */
class EmbedProductsTimeoutTest {
  /** The async I/O timeout SearchJob gives embed-products. */
  private static final long JOB_TIMEOUT_MS = 60_000;

  @Test
  void aLoneUpsertWaitingTheAcceptedMaximumBatchWaitFailsTheTask() throws Exception {
    ProductUpdate upsert =
        ProductUpdate.of(
            CatalogUpdate.upsert(
                new Product("p-1", "Acme toner", "Acme", "X-1", "", 9.5, null), true, 1),
            1);
    try (var h =
        Harnesses.withoutGenericTypes(
            new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(
                    new EmbedProducts(EmbedderConfig.bundled(), 32, 60_000),
                    JOB_TIMEOUT_MS,
                    128,
                    AsyncDataStream.OutputMode.UNORDERED),
                Harnesses.strictSerializer(ProductUpdate.class)))) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(new StreamRecord<>(upsert, 1));
      // The batch (32 at most) is still filling when the job's timeout fires: the operator fails
      // its task (Environment.failExternally, which the harness's mock environment refuses).
      assertThatThrownBy(() -> h.setProcessingTime(JOB_TIMEOUT_MS))
          .as("the upsert's timeout fails the task")
          .hasMessageContaining("external task failure")
          .hasStackTraceContaining("completeExceptionally");
    }
  }
}
