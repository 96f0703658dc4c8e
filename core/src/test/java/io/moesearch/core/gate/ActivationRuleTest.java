package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ActivationRuleTest {

  @Test
  void takesExpertsByProbabilityUntilTheMassIsReached() {
    double[] p = {0.05, 0.5, 0.3, 0.15};
    assertThat(new ActivationRule(0.7, 1, 4).select(p)).containsExactly(1, 2);
    assertThat(new ActivationRule(0.5, 1, 4).select(p)).containsExactly(1);
    assertThat(new ActivationRule(0.9, 1, 4).select(p)).containsExactly(1, 2, 3);
  }

  @Test
  void respectsMinAndMaxExperts() {
    double[] p = {0.9, 0.05, 0.03, 0.02};
    assertThat(new ActivationRule(0.7, 2, 4).select(p)).containsExactly(0, 1);
    double[] flat = {0.25, 0.25, 0.25, 0.25};
    assertThat(new ActivationRule(0.99, 1, 2).select(flat)).containsExactly(0, 1);
  }

  @Test
  void breaksTiesByExpertIdSoTheChoiceIsDeterministic() {
    assertThat(new ActivationRule(0.5, 1, 3).select(new double[] {0.2, 0.4, 0.4}))
        .containsExactly(1, 2);
  }

  @Test
  void rejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> new ActivationRule(0, 1, 2))
        .hasMessageContaining("routing.activation");
    assertThatThrownBy(() -> new ActivationRule(0.5, 0, 2))
        .hasMessageContaining("routing.min-experts");
    assertThatThrownBy(() -> new ActivationRule(0.5, 3, 2))
        .hasMessageContaining("routing.max-experts");
  }
}
