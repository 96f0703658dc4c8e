package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ExpertPlacementPlannerTest {
  @Test
  void aLayoutFromALogIsTheBestPlanOverItsOwnWindows() {
    // expert 0 in every query, 1 in every other, 2 and 3 rarely
    int[][] routed = new int[40][];
    for (int q = 0; q < routed.length; q++) {
      routed[q] = q % 2 == 0 ? new int[] {0, 1} : q % 10 == 1 ? new int[] {0, 2} : new int[] {0, 3};
    }
    ExpertPlacement p = ExpertPlacementPlanner.planFromLog(routed, 4, 6, 9, 2, 10);
    assertThat(p)
        .isEqualTo(
            ExpertPlacementPlanner.planBest(
                ExpertPlacementPlanner.expectedLoad(routed, 4, 10),
                6,
                6,
                ExpertPlacementPlanner.headroomSteps(2),
                ExpertPlacementPlanner.windows(routed, 4, 10)));
    assertThat(p.replicas(0)).as("min replicas capped at the slots").hasSize(6);
  }

  @Test
  void aHotExpertGetsReplicasInProportionToItsExpectedLoad() {
    // expert 0 carries half the load of 8 slots: 4 slots' worth
    double[] load = {8, 1, 1, 1, 1, 1, 1, 1, 1};
    ExpertPlacement p = ExpertPlacementPlanner.plan(load, 8, 1);
    assertThat(p.slots()).isEqualTo(8);
    assertThat(p.replicas(0)).hasSize(4);
    for (int e = 1; e < load.length; e++) {
      assertThat(p.replicas(e)).hasSize(1);
    }
    // the expected load per slot is even: each of the hot replicas alone on a slot
    double[] perSlot = expectedPerSlot(p, load);
    assertThat(max(perSlot) / mean(perSlot)).isLessThan(1.15);
  }

  @Test
  void planningIsDeterministicAndUsesEverySlot() {
    double[] load = {5, 0, 3, 0, 0, 1, 2, 7, 0, 1};
    ExpertPlacement a = ExpertPlacementPlanner.plan(load, 6, 1);
    assertThat(ExpertPlacementPlanner.plan(load, 6, 1)).isEqualTo(a);
    boolean[] used = new boolean[a.slots()];
    for (int e = 0; e < load.length; e++) {
      for (int s : a.replicas(e)) {
        used[s] = true;
      }
    }
    assertThat(used).doesNotContain(false);
  }

  @Test
  void minReplicasAndHeadroomAddReplicas() {
    double[] load = {4, 2, 1, 1};
    ExpertPlacement two = ExpertPlacementPlanner.plan(load, 4, 2);
    for (int e = 0; e < load.length; e++) {
      assertThat(two.replicas(e).length).isGreaterThanOrEqualTo(2);
    }
    // 80 activations per window over 8 slots: a fair share is 10. Expert 0 expects 40 (4 slots'
    // worth); two standard deviations more (40 + 2·√40 = 52.6) needs 6 slots.
    double[] window = {40, 20, 10, 10};
    assertThat(ExpertPlacementPlanner.plan(window, 8, 1).replicas(0)).hasSize(4);
    assertThat(ExpertPlacementPlanner.plan(window, 8, 1, 2).replicas(0)).hasSize(6);
    assertThat(ExpertPlacementPlanner.plan(window, 8, 1, 2).replicationFactor())
        .isGreaterThan(ExpertPlacementPlanner.plan(window, 8, 1).replicationFactor());
  }

  @Test
  void replicasOfColdExpertsAreSpreadOverDifferentNeighbours() {
    // 4 even experts, 2 replicas each on 4 slots: the first replicas fill the slots; every second
    // replica avoids the slots already shared with its expert's neighbours, so no two experts end
    // up on the same pair of slots (a closed group the rest could not relieve).
    ExpertPlacement p = ExpertPlacementPlanner.plan(new double[] {1, 1, 1, 1}, 4, 2);
    for (int a = 0; a < 4; a++) {
      for (int b = a + 1; b < 4; b++) {
        assertThat(p.replicas(a)).isNotEqualTo(p.replicas(b));
      }
    }
  }

  @Test
  void bestMaxSlotLoadIsTheHindsightOptimum() {
    ExpertPlacement p = new ExpertPlacement(3, new int[][] {{0, 1}, {1, 2}, {2}});
    // 6 of expert 0 over slots 0/1, 3 of expert 1 over 1/2, 3 of expert 2 on slot 2 alone:
    // slot 0 takes 4 of expert 0, slot 1 its other 2 and 2 of expert 1, slot 2 the rest: 4 each
    assertThat(ExpertPlacementPlanner.bestMaxSlotLoad(p, new long[] {6, 3, 3})).isEqualTo(4);
    // expert 2 alone on slot 2 with 9: that slot carries 9 whatever the choice
    assertThat(ExpertPlacementPlanner.bestMaxSlotLoad(p, new long[] {0, 0, 9})).isEqualTo(9);
    assertThat(ExpertPlacementPlanner.bestMaxSlotLoad(p, new long[] {0, 0, 0})).isZero();
    assertThatThrownBy(() -> ExpertPlacementPlanner.bestMaxSlotLoad(p, new long[] {1, 2}))
        .hasMessageContaining("3 expert counts");
  }

  @Test
  void planBestKeepsTheLayoutThatBalancesTheLogsWindowsBest() {
    // 8 experts over 8 slots; the log's windows swing expert 0 between 12 and 28 activations
    double[] load = {20, 10, 10, 10, 10, 10, 10, 10};
    List<long[]> windows =
        List.of(
            new long[] {12, 10, 10, 10, 10, 10, 10, 10},
            new long[] {28, 10, 10, 10, 10, 10, 10, 10});
    ExpertPlacement none = ExpertPlacementPlanner.plan(load, 8, 1, 0);
    ExpertPlacement best =
        ExpertPlacementPlanner.planBest(load, 8, 1, new double[] {0, 3}, windows);
    assertThat(ExpertPlacementPlanner.hindsightUtilisation(best, windows))
        .isGreaterThan(ExpertPlacementPlanner.hindsightUtilisation(none, windows));
    assertThat(best.replicas(0).length).isGreaterThan(none.replicas(0).length);
    // even, steady load: one copy each is already perfect, so it wins the tie with the larger
    double[] even = {10, 10, 10, 10, 10, 10, 10, 10};
    List<long[]> steady = List.of(new long[] {10, 10, 10, 10, 10, 10, 10, 10});
    assertThat(ExpertPlacementPlanner.plan(even, 8, 1, 3).replicationFactor()).isGreaterThan(1);
    assertThat(ExpertPlacementPlanner.planBest(even, 8, 1, new double[] {3, 0}, steady))
        .isEqualTo(ExpertPlacement.identity(8));
    assertThatThrownBy(() -> ExpertPlacementPlanner.planBest(load, 8, 1, new double[0], steady))
        .hasMessageContaining("headroom");
    assertThatThrownBy(
            () -> ExpertPlacementPlanner.planBest(load, 8, 1, new double[] {0}, List.of()))
        .hasMessageContaining("window");
  }

  @Test
  void logWindowsAndHeadroomSteps() {
    int[][] routed = {{0}, {0, 1}, {1}, {2}, {0}};
    List<long[]> w = ExpertPlacementPlanner.windows(routed, 3, 2);
    assertThat(w).hasSize(2);
    assertThat(w.get(0)).containsExactly(2, 1, 0);
    assertThat(w.get(1)).containsExactly(0, 1, 1);
    // 5 logged queries activate expert 0 three times, 1 twice, 2 once: per 2-query window ×2/5
    assertThat(ExpertPlacementPlanner.expectedLoad(routed, 3, 2))
        .containsExactly(new double[] {1.2, 0.8, 0.4}, Offset.offset(1e-9));
    // a log shorter than a window is one window
    assertThat(ExpertPlacementPlanner.windows(routed, 3, 10)).hasSize(1);
    assertThat(ExpertPlacementPlanner.headroomSteps(3)).containsExactly(0, 1, 2, 3);
    assertThat(ExpertPlacementPlanner.headroomSteps(1.5)).containsExactly(0, 1, 1.5);
    assertThat(ExpertPlacementPlanner.headroomSteps(0)).containsExactly(0);
  }

  @Test
  void moreSlotsThanExpertsSpreadsEveryExpertOverSeveral() {
    ExpertPlacement p = ExpertPlacementPlanner.plan(new double[] {1, 1}, 5, 1);
    assertThat(p.slots()).isEqualTo(5);
    assertThat(p.replicas(0)).hasSize(3);
    assertThat(p.replicas(1)).hasSize(3);
  }

  @Test
  void planArgumentsAreCheckedUpFront() {
    assertThatThrownBy(() -> ExpertPlacementPlanner.plan(new double[] {1}, 2, 3))
        .hasMessageContaining("min replicas");
    assertThatThrownBy(() -> ExpertPlacementPlanner.plan(new double[] {1, -1}, 2, 1))
        .hasMessageContaining(">= 0");
    assertThatThrownBy(() -> ExpertPlacementPlanner.plan(new double[] {1}, 2, 1, -1))
        .hasMessageContaining("headroom");
  }

  private static double[] expectedPerSlot(ExpertPlacement p, double[] load) {
    double[] out = new double[p.slots()];
    for (int e = 0; e < load.length; e++) {
      int[] r = p.replicas(e);
      for (int s : r) {
        out[s] += load[e] / r.length;
      }
    }
    return out;
  }

  private static double max(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
