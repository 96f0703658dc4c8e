package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.util.Vectors;
import org.junit.jupiter.api.Test;

class ExpertAssignerTest {
  private final Gate gate = new Gate(new float[][] {{1, 0}, {0, 1}, {-1, 0}});

  @Test
  void withoutReplicationEachProductJoinsOnlyItsBestExpert() {
    ExpertAssigner a = new ExpertAssigner(gate, 0.1, 0.5, 1);
    assertThat(a.assign(Vectors.normalizeInPlace(new float[] {1, 1.01f}))).containsExactly(1);
  }

  @Test
  void boundaryProductsAreReplicatedToNearlyAsGoodExperts() {
    ExpertAssigner a = new ExpertAssigner(gate, 0.1, 0.5, 3);
    // On the boundary between experts 0 and 1: both within the ratio, expert 2 far below it.
    assertThat(a.assign(Vectors.normalizeInPlace(new float[] {1, 1.01f}))).containsExactly(1, 0);
    // Deep inside expert 0: no copy.
    assertThat(a.assign(new float[] {1, 0})).containsExactly(0);
  }

  @Test
  void copiesAreCapped() {
    Gate flat = new Gate(new float[][] {{1, 0}, {1, 0}, {1, 0}});
    assertThat(new ExpertAssigner(flat, 0.1, 0.5, 2).assign(new float[] {1, 0})).hasSize(2);
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new ExpertAssigner(gate, 0.1, 0, 2))
        .hasMessageContaining("replicationRatio");
    assertThatThrownBy(() -> new ExpertAssigner(gate, 0.1, 0.5, 0))
        .hasMessageContaining("maxCopies");
  }
}
