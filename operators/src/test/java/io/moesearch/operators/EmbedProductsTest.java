package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.embed.SharedEmbeddingModels;
import java.util.List;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link EmbedProducts} inside Flink's {@code AsyncWaitOperator} with the real bundled model.
 */
class EmbedProductsTest {
  private static final EmbedderConfig CONFIG = EmbedderConfig.bundled();

  private static <I, O> OneInputStreamOperatorTestHarness<I, O> harness(
      org.apache.flink.streaming.api.functions.async.AsyncFunction<I, O> fn, Class<I> in)
      throws Exception {
    return Harnesses.withoutGenericTypes(
        new OneInputStreamOperatorTestHarness<>(
            new AsyncWaitOperatorFactory<>(fn, 60_000, 8, AsyncDataStream.OutputMode.UNORDERED),
            Harnesses.strictSerializer(in)));
  }

  private static ProductUpdate upsert(String id, String title) {
    return ProductUpdate.of(
        CatalogUpdate.upsert(new Product(id, title, "Acme", "X-1", "", 9.5, null), true, 1), 1);
  }

  @Test
  void upsertsAreEmbeddedAsTheIndexBuildEmbedsTheirText() throws Exception {
    ProductUpdate u = upsert("p-1", "Acme X-1 toner cartridge");
    float[] expected;
    try (EmbeddingModel m = EmbeddingModel.load(CONFIG);
        Embedder e = m.newEmbedder()) {
      expected = e.embed(u.product().searchableText());
    }
    try (var h = harness(new EmbedProducts(CONFIG, 4, 5), ProductUpdate.class)) {
      h.open();
      h.processElement(new StreamRecord<>(u, 1));
      h.processElement(new StreamRecord<>(patch("p-2"), 2));
      h.endInput();
      List<ProductUpdate> out = h.extractOutputValues();

      assertThat(out).hasSize(2);
      ProductUpdate embedded =
          out.stream().filter(x -> x.productId().equals("p-1")).findFirst().orElseThrow();
      assertThat(embedded.vector()).containsExactly(expected);
      ProductUpdate passed =
          out.stream().filter(x -> x.productId().equals("p-2")).findFirst().orElseThrow();
      assertThat(passed.vector()).as("a patch is not embedded").isNull();
    }
  }

  /**
   * A batch larger than the model batch is embedded in length-sorted chunks, and each upsert gets
   * its own text's vector back (sorting reorders the batch).
   */
  @Test
  void aBatchIsEmbeddedInChunksEachUpsertWithItsOwnVector() throws Exception {
    List<ProductUpdate> us =
        List.of(
            upsert("p-1", "Acme X-1 toner cartridge black extra large capacity for offices"),
            upsert("p-2", "usb cable"),
            upsert("p-3", "Acme 27 inch monitor"),
            upsert("p-4", "hdmi"),
            upsert("p-5", "Acme wireless keyboard and mouse set"));
    java.util.Map<String, float[]> expected = new java.util.HashMap<>();
    try (EmbeddingModel m = EmbeddingModel.load(CONFIG);
        Embedder e = m.newEmbedder()) {
      for (ProductUpdate u : us) {
        expected.put(u.productId(), e.embed(u.product().searchableText()));
      }
    }
    try (var h = harness(new EmbedProducts(CONFIG, 5, 2, 10_000), ProductUpdate.class)) {
      h.open();
      for (ProductUpdate u : us) {
        h.processElement(new StreamRecord<>(u, 1));
      }
      h.endInput();
      List<ProductUpdate> out = h.extractOutputValues();
      assertThat(out).hasSize(us.size());
      for (ProductUpdate u : out) {
        assertThat(u.vector())
            .as(u.productId())
            .containsExactly(
                expected.get(u.productId()), org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
    assertThatThrownBy(() -> new EmbedProducts(CONFIG, 4, 5, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sharesTheQueryEmbeddersModelAndReleasesIt() throws Exception {
    var queries = harness(new EmbedQueries(CONFIG, 4, 4, 5), AcceptedQuery.class);
    var products = harness(new EmbedProducts(CONFIG, 4, 5), ProductUpdate.class);
    queries.open();
    products.open();

    assertThat(SharedEmbeddingModels.leases(CONFIG))
        .as("one loaded model, leased by both operators")
        .isEqualTo(2);

    products.close();
    assertThat(SharedEmbeddingModels.leases(CONFIG)).isEqualTo(1);
    queries.close();
    assertThat(SharedEmbeddingModels.leases(CONFIG)).as("released with the last lease").isZero();
  }

  private static ProductUpdate patch(String id) {
    return ProductUpdate.of(CatalogUpdate.patch(id, 7.0, false, 2), 2);
  }
}
