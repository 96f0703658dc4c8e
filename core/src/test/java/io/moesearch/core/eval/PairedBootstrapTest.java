package io.moesearch.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {
  private final PairedBootstrap bootstrap = new PairedBootstrap(2_000, 0.95, 7);

  @Test
  void countsWinsLossesAndTiesAndReportsTheObservedMean() {
    PairedBootstrap.Interval i = bootstrap.of(new double[] {0.5, -0.25, 0, 0, 0.25});

    assertThat(i.queries()).isEqualTo(5);
    assertThat(i.meanDelta()).isCloseTo(0.1, within(1e-12));
    assertThat(i.wins()).isEqualTo(2);
    assertThat(i.losses()).isEqualTo(1);
    assertThat(i.ties()).isEqualTo(2);
    assertThat(i.confidence()).isEqualTo(0.95);
    assertThat(i.ciLow()).isLessThanOrEqualTo(i.meanDelta());
    assertThat(i.ciHigh()).isGreaterThanOrEqualTo(i.meanDelta());
  }

  @Test
  void aDifferenceFewQueriesMakeHoldsZeroAndOneEveryQueryMakesDoesNot() {
    double[] oneQuery = new double[100];
    oneQuery[0] = 1; // one query won by a lot, 99 tied: the mean is 0.01, the sample shows nothing
    double[] everyQuery = new double[100];
    java.util.Arrays.fill(everyQuery, 0.01);

    assertThat(bootstrap.of(oneQuery).sign()).isZero();
    assertThat(bootstrap.of(oneQuery).ciLow()).isZero();
    PairedBootstrap.Interval steady = bootstrap.of(everyQuery);
    assertThat(steady.sign()).isEqualTo(1);
    assertThat(steady.ciLow()).isCloseTo(0.01, within(1e-12));
    assertThat(steady.ciHigh()).isCloseTo(0.01, within(1e-12));
    assertThat(bootstrap.of(new double[] {-0.2, -0.1, -0.3}).sign()).isEqualTo(-1);
  }

  @Test
  void theIntervalCoversAboutTheStatedShareOfNormalMeans() {
    // The standard error of the mean of 200 N(0, 1) draws is 1/sqrt(200) = 0.0707: a 95% interval
    // spans about 2 * 1.96 * 0.0707 = 0.277.
    Random r = new Random(11);
    double[] d = new double[200];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian();
    }
    PairedBootstrap.Interval i = bootstrap.of(d);
    assertThat(i.ciHigh() - i.ciLow()).isCloseTo(0.277, within(0.04));
    assertThat(new PairedBootstrap(2_000, 0.5, 7).of(d).ciHigh() - i.meanDelta())
        .isLessThan(i.ciHigh() - i.meanDelta());
  }

  /**
   * The ends are the nearest-rank percentiles of the resample means: with 10,000 resamples of
   * deltas 0..n-1 the 95% interval's ends are the 250th and the 9,750th mean in order.
   */
  @Test
  void theEndsAreTheNearestRankPercentilesOfTheResampleMeans() {
    double[] d = new double[50];
    for (int i = 0; i < d.length; i++) {
      d[i] = i;
    }
    PairedBootstrap.Interval i = new PairedBootstrap(10_000, 0.95, 5).of(d);
    double[] means = new double[10_000];
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int r = 0; r < means.length; r++) {
      double sum = 0;
      for (int k = 0; k < d.length; k++) {
        sum += d[random.nextInt(d.length)];
      }
      means[r] = sum / d.length;
    }
    java.util.Arrays.sort(means);
    assertThat(i.ciLow()).isEqualTo(means[249]);
    assertThat(i.ciHigh()).isEqualTo(means[9_749]);
  }

  @Test
  void theSameSeedGivesTheSameInterval() {
    double[] d = {0.3, -0.1, 0.2, 0, 0.05, -0.4, 0.1};
    assertThat(new PairedBootstrap(500, 0.95, 3).of(d))
        .isEqualTo(new PairedBootstrap(500, 0.95, 3).of(d));
  }

  @Test
  void argumentsAreCheckedUpFront() {
    assertThatThrownBy(() -> new PairedBootstrap(99, 0.95, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resamples");
    assertThatThrownBy(() -> new PairedBootstrap(1_000, 1, 1)).hasMessageContaining("confidence");
    assertThatThrownBy(() -> new PairedBootstrap(1_000, Double.NaN, 1))
        .hasMessageContaining("confidence");
    assertThatThrownBy(() -> bootstrap.of(new double[0])).hasMessageContaining("no queries");
    assertThatThrownBy(() -> bootstrap.of(new double[] {0.1, Double.NaN}))
        .hasMessageContaining("not finite");
  }
}
