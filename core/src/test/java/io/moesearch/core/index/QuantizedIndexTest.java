package io.moesearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.eval.Evaluator;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.core.testing.SmallIndex;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scalar-quantized HNSW (Lucene 10) still reranks on full-precision vectors. */
class QuantizedIndexTest {

  @Test
  void int8GraphWithExactRescoringMatchesExactSearchWhenAllExpertsAreSearched(@TempDir Path root) {
    Catalog catalog = SmallIndex.catalogue(200);
    try (EmbeddingModel model = SmallIndex.model();
        Embedder embedder = model.newEmbedder()) {
      IndexBuilder.buildLocally(
          catalog,
          model,
          SmallIndex.settings(4).withEncoding(VectorEncoding.INT8),
          root,
          2,
          n -> {});
      IndexArtifact a = IndexArtifact.load(root, 384);
      assertThat(a.manifest().encoding()).isEqualTo("int8");
      List<ExpertIndex> experts = a.openExperts();
      try {
        Retriever r =
            new Retriever(
                new LoadAwareRouter(
                    a.gate(),
                    LoadAwareRoutingConfig.plain(
                        new RoutingConfig(0.05, new ActivationRule(1.0, 4, 4)), 10)),
                experts,
                10);
        for (String q : List.of("black toner cartridge", "notebook computer", "usb cable")) {
          float[] v = embedder.embed(q);
          var res = r.search(v, 5);
          assertThat(res.items())
              .extracting(Candidate::productId)
              .containsExactlyElementsOf(Evaluator.exactTopIds(a.vectors(), a.ids(), v, 5));
          for (Candidate c : res.items()) {
            assertThat(c.score())
                .as("exact, not quantized, score")
                .isEqualTo(a.vectors().dot(v, c.ordinal()));
          }
        }
      } finally {
        experts.forEach(ExpertIndex::close);
      }
    }
  }
}
