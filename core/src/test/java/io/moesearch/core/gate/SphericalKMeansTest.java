package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.util.Vectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SphericalKMeansTest {

  /** Three well-separated clusters of unit vectors around the axes of R^3. */
  static float[][] clusters(int perCluster, long seed) {
    Random r = new Random(seed);
    float[][] data = new float[perCluster * 3][];
    for (int i = 0; i < data.length; i++) {
      float[] v = new float[3];
      v[i % 3] = 1;
      for (int d = 0; d < 3; d++) {
        v[d] += (float) (r.nextGaussian() * 0.05);
      }
      data[i] = Vectors.normalizeInPlace(v);
    }
    return data;
  }

  @Test
  void findsWellSeparatedClusters() {
    float[][] c = new SphericalKMeans(3, 10, 1).fit(clusters(50, 3));
    for (int axis = 0; axis < 3; axis++) {
      float[] unit = new float[3];
      unit[axis] = 1;
      float best = Float.NEGATIVE_INFINITY;
      for (float[] centroid : c) {
        best = Math.max(best, Vectors.dot(centroid, unit));
      }
      assertThat(best).as("a centroid near axis %d", axis).isGreaterThan(0.98f);
    }
  }

  @Test
  void isDeterministicForTheSameSeed() {
    float[][] data = clusters(40, 5);
    assertThat(new SphericalKMeans(4, 5, 9).fit(data))
        .isDeepEqualTo(new SphericalKMeans(4, 5, 9).fit(data));
  }

  @Test
  void centroidsAreUnitLength() {
    for (float[] c : new SphericalKMeans(5, 5, 2).fit(clusters(20, 1))) {
      assertThat(Vectors.dot(c, c)).isBetween(0.999f, 1.001f);
    }
  }

  @Test
  void needsAtLeastKPoints() {
    assertThatThrownBy(() -> new SphericalKMeans(10, 5, 1).fit(clusters(2, 1)))
        .hasMessageContaining("at least 10");
  }
}
