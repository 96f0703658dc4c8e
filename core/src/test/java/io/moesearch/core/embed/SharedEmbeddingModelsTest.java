package io.moesearch.core.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SharedEmbeddingModelsTest {

  @Test
  void subtasksOfOneJvmShareOneModelUntilTheLastLeaseCloses() {
    EmbedderConfig config = EmbedderConfig.bundled();
    SharedEmbeddingModels.Lease a = SharedEmbeddingModels.acquire(config);
    SharedEmbeddingModels.Lease b = SharedEmbeddingModels.acquire(config);
    assertThat(b.model()).isSameAs(a.model());
    assertThat(SharedEmbeddingModels.leases(config)).isEqualTo(2);

    try (Embedder ea = a.model().newEmbedder();
        Embedder eb = b.model().newEmbedder()) {
      assertThat(ea.embed("usb cable")).containsExactly(eb.embed("usb cable"));
    }
    EmbeddingModel first = a.model();
    a.close();
    a.close(); // a second close of the same lease releases nothing more
    assertThat(SharedEmbeddingModels.leases(config)).isEqualTo(1);
    try (Embedder still = b.model().newEmbedder()) {
      assertThat(still.embed("still open")).hasSize(first.dimension());
    }
    b.close();
    assertThat(SharedEmbeddingModels.leases(config)).isZero();
    assertThatThrownBy(b::model).isInstanceOf(IllegalStateException.class);

    try (SharedEmbeddingModels.Lease c = SharedEmbeddingModels.acquire(config)) {
      assertThat(c.model()).isNotSameAs(first); // the closed model is never handed out again
    }
  }
}
