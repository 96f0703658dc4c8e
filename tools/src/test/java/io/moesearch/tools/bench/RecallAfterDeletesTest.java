package io.moesearch.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.testing.SmallIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecallAfterDeletesTest {
  @TempDir Path dir;

  private static float[] unit(Random r, float[] centre) {
    float[] v = new float[centre.length];
    double n = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = centre[i] + (float) (0.3 * r.nextGaussian());
      n += v[i] * v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }

  @Test
  void deletedProductsAreFilteredAndTheRebuildIsComparable() {
    Random r = new Random(5);
    float[][] centres = new float[4][16];
    for (float[] c : centres) {
      for (int i = 0; i < c.length; i++) {
        c[i] = (float) r.nextGaussian();
      }
    }
    List<Product> products = new ArrayList<>();
    float[][] vectors = new float[400][];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = unit(r, centres[i % 4]);
      products.add(new Product("p" + i, "product " + i, "", "", "", 1.0, Map.of()));
    }
    Catalog catalog = new Catalog(products, List.of());
    Path built =
        RecallAfterDeletes.rebuild(
            catalog, new VectorStore(vectors), SmallIndex.settings(4), "m", dir.resolve("a"));
    IndexArtifact artifact = IndexArtifact.load(built, 16);
    List<float[]> queries = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      queries.add(unit(r, centres[i % 4]));
    }
    Set<String> deleted = RecallAfterDeletes.sample(artifact.ids(), 0.2, 9);
    assertThat(deleted).hasSize(80).isEqualTo(RecallAfterDeletes.sample(artifact.ids(), 0.2, 9));
    // every expert searched: routed = exact up to HNSW, so a deleted id served would cost recall
    LoadAwareRoutingConfig all =
        LoadAwareRoutingConfig.plain(new RoutingConfig(0.05, new ActivationRule(1.0, 4, 4)), 10);
    RecallAfterDeletes.Result res =
        RecallAfterDeletes.measure(
            artifact, catalog, deleted, queries, all, SmallIndex.settings(4), dir.resolve("w"));
    assertThat(res.deleted()).isEqualTo(80);
    assertThat(res.remaining()).isEqualTo(320);
    assertThat(res.queries()).isEqualTo(50);
    assertThat(res.recallAfterDeletes()).isGreaterThan(0.95);
    assertThat(res.recallFreshRebuild()).isGreaterThan(0.95);
    assertThat(IndexArtifact.load(dir.resolve("w/fresh-rebuild"), 16).ids())
        .hasSize(320)
        .doesNotContainAnyElementsOf(deleted);
  }
}
