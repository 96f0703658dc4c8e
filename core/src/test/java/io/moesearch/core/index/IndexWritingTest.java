package io.moesearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.synth.BruteForce;
import io.moesearch.core.synth.SyntheticCatalog;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexWritingTest {

  @Test
  void vectorOnlyIndexesAnswerWithOrdinalsAndDistinctIds(@TempDir Path dir) throws Exception {
    float[][] data = new SyntheticCatalog(SyntheticCatalog.Spec.defaults(600, 3)).generate();
    // every other product: the index holds a subset, as an expert does
    int[] members = IntStream.range(0, 300).map(i -> 2 * i).toArray();
    IndexWriting.writeVectors(dir, data, members, VectorEncoding.FLOAT32, 16, 100);
    float[][] subset = new float[members.length][];
    for (int i = 0; i < members.length; i++) {
      subset[i] = data[members[i]];
    }
    try (ExpertIndex index = ExpertIndex.open(dir)) {
      assertThat(index.size()).isEqualTo(300);
      float[] query = data[41];
      List<Candidate> hits = index.knn(query, 50, 5, null);
      int[] exact = BruteForce.topK(subset, new float[][] {query}, 5)[0];
      assertThat(hits)
          .extracting(Candidate::ordinal)
          .containsExactly(
              Arrays.stream(exact).map(i -> members[i]).boxed().toArray(Integer[]::new));
      assertThat(hits)
          .allSatisfy(c -> assertThat(c.productId()).isEqualTo(Integer.toString(c.ordinal())));
    }
  }

  @Test
  void aVectorOnlyDocumentNeedsAVector() {
    assertThatThrownBy(() -> ProductDocuments.vectorOnly(1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vector");
  }
}
