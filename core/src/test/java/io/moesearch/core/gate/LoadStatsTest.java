package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LoadStatsTest {
  @Test
  void utilisationIsMeanOverMax() {
    assertThat(LoadStats.utilisation(new double[] {1, 1, 1, 1})).isEqualTo(1.0);
    assertThat(LoadStats.utilisation(new double[] {4, 0, 0, 0})).isCloseTo(0.25, within(1e-12));
    assertThat(LoadStats.utilisation(new double[] {2, 1, 1, 0})).isCloseTo(0.5, within(1e-12));
    assertThat(LoadStats.utilisation(new double[] {0, 0})).isEqualTo(1.0);
  }

  @Test
  void normalisedEntropyIsOneWhenEvenAndZeroWhenConcentrated() {
    assertThat(LoadStats.normalisedEntropy(new double[] {3, 3, 3, 3})).isCloseTo(1, within(1e-12));
    assertThat(LoadStats.normalisedEntropy(new double[] {5, 0, 0, 0})).isZero();
    double half = LoadStats.normalisedEntropy(new double[] {1, 1, 0, 0});
    assertThat(half).isCloseTo(Math.log(2) / Math.log(4), within(1e-12));
  }

  @Test
  void relativeLoadsAverageOne() {
    double[] l = LoadStats.relativeLoads(new double[] {6, 2, 0, 0});
    assertThat(l).containsExactly(3.0, 1.0, 0.0, 0.0);
    assertThat(LoadStats.relativeLoads(new double[] {0, 0})).containsExactly(1.0, 1.0);
  }
}
