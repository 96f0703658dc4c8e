package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpertPlacementTest {
  @Test
  void memoryWeightedBySizeCountsABigExpertsReplicasMore() {
    // expert 0 (900 vectors) has one replica, expert 1 (100 vectors) three
    ExpertPlacement p = new ExpertPlacement(3, new int[][] {{0}, {0, 1, 2}});
    assertThat(p.replicationFactor()).isEqualTo(2.0);
    assertThat(p.replicationFactor(new int[] {900, 100})).isEqualTo(1.2);
    assertThat(p.replicationFactor(new int[] {100, 900})).isEqualTo(2.8);
    assertThat(ExpertPlacement.identity(2).replicationFactor(new int[] {5, 7})).isEqualTo(1.0);
    assertThatThrownBy(() -> p.replicationFactor(new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void identityIsOneReplicaPerExpertOnItsOwnSlot() {
    ExpertPlacement p = ExpertPlacement.identity(4);
    assertThat(p.isIdentity()).isTrue();
    assertThat(p.slots()).isEqualTo(4);
    assertThat(p.replicas(2)).containsExactly(2);
    assertThat(p.replicationFactor()).isEqualTo(1.0);
  }

  @Test
  void leastLoadedPicksTheIdleReplicaAndCountsItsOwnPicks() {
    ExpertPlacement p = new ExpertPlacement(3, new int[][] {{0, 1}, {1, 2}});
    assertThat(p.leastLoaded(new int[] {0}, new double[] {5, 1, 0})).containsExactly(1);
    // expert 0 takes slot 1 (1 < 5); expert 1 then sees slot 1 at 2, slot 2 at 1.5
    assertThat(p.leastLoaded(new int[] {0, 1}, new double[] {5, 1, 1.5})).containsExactly(1, 2);
    assertThat(p.expertLoads(new double[] {3, 2, 0.5})).containsExactly(2.0, 0.5);
  }

  @Test
  void hashedChoiceIsStablePerSaltAndUsesEveryReplica() {
    ExpertPlacement p = new ExpertPlacement(4, new int[][] {{0, 1, 2, 3}});
    assertThat(p.hashed(new int[] {0}, 42)).isEqualTo(p.hashed(new int[] {0}, 42));
    boolean[] seen = new boolean[4];
    for (long salt = 0; salt < 200; salt++) {
      seen[p.hashed(new int[] {0}, salt)[0]] = true;
    }
    assertThat(seen).doesNotContain(false);
  }

  @Test
  void argumentsAreCheckedUpFront() {
    assertThatThrownBy(() -> new ExpertPlacement(2, new int[][] {{0}, {}}))
        .hasMessageContaining("expert 1 has no replica");
    assertThatThrownBy(() -> new ExpertPlacement(2, new int[][] {{0}, {0}}))
        .hasMessageContaining("slot 1 holds no expert");
    assertThatThrownBy(() -> new ExpertPlacement(2, new int[][] {{0, 0}, {1}}))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> new ExpertPlacement(2, new int[][] {{0}, {2}}))
        .hasMessageContaining("out of range");
  }

  @Test
  void writeAndReadRoundTrip(@TempDir Path dir) throws Exception {
    ExpertPlacement p = ExpertPlacementPlanner.plan(new double[] {9, 1, 0, 2}, 6, 1);
    Path f = dir.resolve(ExpertPlacement.FILE);
    p.write(f);
    assertThat(ExpertPlacement.read(f, 4)).isEqualTo(p);
    assertThatThrownBy(() -> ExpertPlacement.read(f, 5)).hasMessageContaining("expert lines");
    Files.writeString(f, "slots 2\n0\nx\n");
    assertThatThrownBy(() -> ExpertPlacement.read(f, 2)).hasMessageContaining(f.toString());
  }
}
