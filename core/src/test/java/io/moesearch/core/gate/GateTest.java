package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GateTest {
  private final Gate gate = new Gate(new float[][] {{1, 0}, {0, 1}, {-1, 0}});

  /** A diverged training run's weights never make a gate (it would route by expert id alone). */
  @Test
  void aWeightThatIsNotFiniteIsRefused() {
    assertThatThrownBy(() -> new Gate(new float[][] {{1, 0}, {Float.NaN, 1}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1][0]");
    assertThatThrownBy(() -> new Gate(new float[][] {{Float.POSITIVE_INFINITY, 0}}))
        .hasMessageContaining("not finite");
  }

  @Test
  void probabilitiesAreASoftmaxOfLogitsOverTemperature() {
    double[] p = gate.probabilities(new float[] {1, 0}, 1.0);
    double z = Math.exp(1) + Math.exp(0) + Math.exp(-1);
    assertThat(p[0]).isCloseTo(Math.exp(1) / z, within(1e-9));
    assertThat(p[1]).isCloseTo(1 / z, within(1e-9));
    assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void lowerTemperatureSharpensTheDistribution() {
    float[] x = {0.8f, 0.6f};
    assertThat(gate.probabilities(x, 0.05)[0]).isGreaterThan(gate.probabilities(x, 1.0)[0]);
  }

  @Test
  void softmaxIsStableForLargeLogits() {
    double[] p = Gate.softmax(new double[] {1000, 999}, 0.01);
    assertThat(p[0]).isCloseTo(1.0, within(1e-9));
    assertThat(Double.isNaN(p[1])).isFalse();
  }

  @Test
  void rejectsWrongDimensionsAndBadTemperature() {
    assertThatThrownBy(() -> gate.logits(new float[] {1, 0, 0}))
        .hasMessageContaining("dimension 2");
    assertThatThrownBy(() -> new Gate(new float[][] {{1, 0}, {1}}))
        .hasMessageContaining("gate row 1");
    assertThatThrownBy(() -> gate.probabilities(new float[] {1, 0}, 0))
        .hasMessageContaining("temperature must be > 0");
  }

  @Test
  void routerAppliesTheActivationRule() {
    LoadAwareRouter r =
        new LoadAwareRouter(
            gate,
            LoadAwareRoutingConfig.plain(new RoutingConfig(0.1, new ActivationRule(0.7, 1, 3)), 1));
    assertThat(r.route(new float[] {0, 1}, 0L).experts()).containsExactly(1);
  }
}
