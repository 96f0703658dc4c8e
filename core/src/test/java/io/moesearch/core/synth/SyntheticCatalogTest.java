package io.moesearch.core.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.moesearch.core.util.Vectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticCatalogTest {
  private static final SyntheticCatalog.Spec SPEC = SyntheticCatalog.Spec.defaults(4000, 11);

  @Test
  void theSameSeedGivesTheSameCatalogueAndQueries() {
    SyntheticCatalog a = new SyntheticCatalog(SPEC);
    SyntheticCatalog b = new SyntheticCatalog(SPEC);
    float[][] x = a.generate();
    float[][] y = b.generate();
    for (int i = 0; i < x.length; i += 97) {
      assertThat(x[i]).containsExactly(y[i]);
    }
    assertThat(a.queries(x, 5, 0.3, 1)[4]).containsExactly(b.queries(y, 5, 0.3, 1)[4]);
    float[][] other = new SyntheticCatalog(SyntheticCatalog.Spec.defaults(4000, 12)).generate();
    assertThat(other[0]).isNotEqualTo(x[0]);
  }

  @Test
  void vectorsAreUnitLengthAnd384Dimensional() {
    SyntheticCatalog c = new SyntheticCatalog(SPEC);
    float[][] x = c.generate();
    assertThat(x[0]).hasSize(384);
    for (int i = 0; i < x.length; i += 13) {
      assertThat(Vectors.dot(x[i], x[i])).isCloseTo(1f, within(1e-4f));
    }
    for (float[] q : c.queries(x, 20, 0.3, 5)) {
      assertThat(Vectors.dot(q, q)).isCloseTo(1f, within(1e-4f));
    }
  }

  @Test
  void clusterSizesFollowAPowerLaw() {
    int[] sizes = SyntheticCatalog.powerLawSizes(100_000, 200, 1.0);
    assertThat(Arrays.stream(sizes).sum()).isEqualTo(100_000);
    assertThat(sizes[sizes.length - 1]).isGreaterThanOrEqualTo(1);
    // size ∝ 1/rank: rank 1 holds about 10× rank 10 and 100× rank 100
    assertThat((double) sizes[0] / sizes[9]).isCloseTo(10, within(0.5));
    assertThat((double) sizes[0] / sizes[99]).isCloseTo(100, within(5.0));
  }

  @Test
  void productsSitCloserToTheirOwnClusterThanToOthers() {
    SyntheticCatalog c = new SyntheticCatalog(SPEC);
    float[][] x = c.generate();
    double same = 0;
    double other = 0;
    int n = 0;
    for (int i = 0; i + 1 < x.length && n < 300; i++) {
      for (int j = i + 1; j < x.length; j++) {
        if (c.clusterOf(j) == c.clusterOf(i)) {
          same += Vectors.dot(x[i], x[j]);
          other += Vectors.dot(x[i], x[(j * 31 + 7) % x.length]);
          n++;
          break;
        }
      }
    }
    assertThat(same / n).isGreaterThan(other / n + 0.3);
  }

  @Test
  void bruteForceFindsTheExactNeighbours() {
    SyntheticCatalog c = new SyntheticCatalog(SyntheticCatalog.Spec.defaults(2000, 3));
    float[][] x = c.generate();
    float[][] q = c.queries(x, 150, 0.3, 9);
    int[][] top = BruteForce.topK(x, q, 5);
    for (int i = 0; i < q.length; i += 37) {
      int best = 0;
      for (int j = 1; j < x.length; j++) {
        if (Vectors.dot(q[i], x[j]) > Vectors.dot(q[i], x[best])) {
          best = j;
        }
      }
      assertThat(top[i][0]).isEqualTo(best);
      assertThat(top[i]).hasSize(5).doesNotHaveDuplicates();
    }
  }

  @Test
  void badSpecsNameTheParameter() {
    assertThatThrownBy(() -> new SyntheticCatalog.Spec(10, 384, 20, 8, 8, 1, 0, 0, 0, 1))
        .hasMessageContaining("clusters");
  }
}
