package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpertPlacementTest {
  private static final RoutingConfig ONE = new RoutingConfig(0.05, new ActivationRule(0.5, 1, 1));

  @Test
  void aLayoutFromALogIsTheBestPlanOverItsOwnWindows() {
    // expert 0 in every query, 1 in every other, 2 and 3 rarely
    int[][] routed = new int[40][];
    for (int q = 0; q < routed.length; q++) {
      routed[q] = q % 2 == 0 ? new int[] {0, 1} : q % 10 == 1 ? new int[] {0, 2} : new int[] {0, 3};
    }
    ExpertPlacement p = ExpertPlacement.planFromLog(routed, 4, 6, 9, 2, 10);
    assertThat(p)
        .isEqualTo(
            ExpertPlacement.planBest(
                ExpertPlacement.expectedLoad(routed, 4, 10),
                6,
                6,
                ExpertPlacement.headroomSteps(2),
                ExpertPlacement.windows(routed, 4, 10)));
    assertThat(p.replicas(0)).as("min replicas capped at the slots").hasSize(6);
  }

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
  void aHotExpertGetsReplicasInProportionToItsExpectedLoad() {
    // expert 0 carries half the load of 8 slots: 4 slots' worth
    double[] load = {8, 1, 1, 1, 1, 1, 1, 1, 1};
    ExpertPlacement p = ExpertPlacement.plan(load, 8, 1);
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
    ExpertPlacement a = ExpertPlacement.plan(load, 6, 1);
    assertThat(ExpertPlacement.plan(load, 6, 1)).isEqualTo(a);
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
    ExpertPlacement two = ExpertPlacement.plan(load, 4, 2);
    for (int e = 0; e < load.length; e++) {
      assertThat(two.replicas(e).length).isGreaterThanOrEqualTo(2);
    }
    // 80 activations per window over 8 slots: a fair share is 10. Expert 0 expects 40 (4 slots'
    // worth); two standard deviations more (40 + 2·√40 = 52.6) needs 6 slots.
    double[] window = {40, 20, 10, 10};
    assertThat(ExpertPlacement.plan(window, 8, 1).replicas(0)).hasSize(4);
    assertThat(ExpertPlacement.plan(window, 8, 1, 2).replicas(0)).hasSize(6);
    assertThat(ExpertPlacement.plan(window, 8, 1, 2).replicationFactor())
        .isGreaterThan(ExpertPlacement.plan(window, 8, 1).replicationFactor());
  }

  @Test
  void replicasOfColdExpertsAreSpreadOverDifferentNeighbours() {
    // 4 even experts, 2 replicas each on 4 slots: the first replicas fill the slots; every second
    // replica avoids the slots already shared with its expert's neighbours, so no two experts end
    // up on the same pair of slots (a closed group the rest could not relieve).
    ExpertPlacement p = ExpertPlacement.plan(new double[] {1, 1, 1, 1}, 4, 2);
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
    assertThat(p.bestMaxSlotLoad(new long[] {6, 3, 3})).isEqualTo(4);
    // expert 2 alone on slot 2 with 9: that slot carries 9 whatever the choice
    assertThat(p.bestMaxSlotLoad(new long[] {0, 0, 9})).isEqualTo(9);
    assertThat(p.bestMaxSlotLoad(new long[] {0, 0, 0})).isZero();
    assertThatThrownBy(() -> p.bestMaxSlotLoad(new long[] {1, 2}))
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
    ExpertPlacement none = ExpertPlacement.plan(load, 8, 1, 0);
    ExpertPlacement best = ExpertPlacement.planBest(load, 8, 1, new double[] {0, 3}, windows);
    assertThat(best.hindsightUtilisation(windows))
        .isGreaterThan(none.hindsightUtilisation(windows));
    assertThat(best.replicas(0).length).isGreaterThan(none.replicas(0).length);
    // even, steady load: one copy each is already perfect, so it wins the tie with the larger
    double[] even = {10, 10, 10, 10, 10, 10, 10, 10};
    List<long[]> steady = List.of(new long[] {10, 10, 10, 10, 10, 10, 10, 10});
    assertThat(ExpertPlacement.plan(even, 8, 1, 3).replicationFactor()).isGreaterThan(1);
    assertThat(ExpertPlacement.planBest(even, 8, 1, new double[] {3, 0}, steady))
        .isEqualTo(ExpertPlacement.identity(8));
    assertThatThrownBy(() -> ExpertPlacement.planBest(load, 8, 1, new double[0], steady))
        .hasMessageContaining("headroom");
    assertThatThrownBy(() -> ExpertPlacement.planBest(load, 8, 1, new double[] {0}, List.of()))
        .hasMessageContaining("window");
  }

  @Test
  void logWindowsAndHeadroomSteps() {
    int[][] routed = {{0}, {0, 1}, {1}, {2}, {0}};
    List<long[]> w = ExpertPlacement.windows(routed, 3, 2);
    assertThat(w).hasSize(2);
    assertThat(w.get(0)).containsExactly(2, 1, 0);
    assertThat(w.get(1)).containsExactly(0, 1, 1);
    // 5 logged queries activate expert 0 three times, 1 twice, 2 once: per 2-query window ×2/5
    assertThat(ExpertPlacement.expectedLoad(routed, 3, 2))
        .containsExactly(new double[] {1.2, 0.8, 0.4}, org.assertj.core.data.Offset.offset(1e-9));
    // a log shorter than a window is one window
    assertThat(ExpertPlacement.windows(routed, 3, 10)).hasSize(1);
    assertThat(ExpertPlacement.headroomSteps(3)).containsExactly(0, 1, 2, 3);
    assertThat(ExpertPlacement.headroomSteps(1.5)).containsExactly(0, 1, 1.5);
    assertThat(ExpertPlacement.headroomSteps(0)).containsExactly(0);
  }

  @Test
  void moreSlotsThanExpertsSpreadsEveryExpertOverSeveral() {
    ExpertPlacement p = ExpertPlacement.plan(new double[] {1, 1}, 5, 1);
    assertThat(p.slots()).isEqualTo(5);
    assertThat(p.replicas(0)).hasSize(3);
    assertThat(p.replicas(1)).hasSize(3);
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
  void routingOverReplicasSpreadsAHotQueryEvenlyAndKeepsItsExpert() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0, 1}});
    LoadAwareRouter router = new LoadAwareRouter(gate, LoadAwareRoutingConfig.plain(ONE, 1));
    ExpertPlacement p = new ExpertPlacement(4, new int[][] {{0, 1, 2}, {3}});
    ExpertLoadTracker slots = new ExpertLoadTracker(4, 1_000_000);
    float[] hot = {1, 0};
    int[] per = new int[4];
    for (int i = 0; i < 300; i++) {
      Route r = router.route(hot, p, slots, i, LoadAwareRouter.ReplicaChoice.LEAST_LOADED, i);
      assertThat(r.experts()).containsExactly(0);
      per[r.slots()[0]]++;
    }
    assertThat(per).containsExactly(100, 100, 100, 0);
    assertThat(slots.activations(300)[0]).isGreaterThan(99);
  }

  @Test
  void identityPlacementRoutesLikeTheUnreplicatedRouter() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0.99f, 0.141f}, {0, 1}});
    LoadAwareRoutingConfig cfg =
        new LoadAwareRoutingConfig(ONE, 0.05, 10_000, 0, new ActivationRule(0.5, 1, 1), 10, 4);
    LoadAwareRouter router = new LoadAwareRouter(gate, cfg);
    ExpertLoadTracker a = new ExpertLoadTracker(3, 10_000);
    ExpertLoadTracker b = new ExpertLoadTracker(3, 10_000);
    ExpertPlacement id = ExpertPlacement.identity(3);
    float[] q = {1, 0};
    for (int i = 0; i < 50; i++) {
      Route plain = router.route(q, a, i * 10L);
      Route placed = router.route(q, id, b, i * 10L, LoadAwareRouter.ReplicaChoice.LEAST_LOADED, i);
      assertThat(placed).isEqualTo(plain);
    }
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
    assertThatThrownBy(() -> ExpertPlacement.plan(new double[] {1}, 2, 3))
        .hasMessageContaining("min replicas");
    assertThatThrownBy(() -> ExpertPlacement.plan(new double[] {1, -1}, 2, 1))
        .hasMessageContaining(">= 0");
    assertThatThrownBy(() -> ExpertPlacement.plan(new double[] {1}, 2, 1, -1))
        .hasMessageContaining("headroom");
    Gate gate = new Gate(new float[][] {{1, 0}, {0, 1}});
    LoadAwareRouter router = new LoadAwareRouter(gate, LoadAwareRoutingConfig.plain(ONE, 1));
    assertThatThrownBy(
            () ->
                router.route(
                    new float[] {1, 0},
                    ExpertPlacement.identity(3),
                    new ExpertLoadTracker(3, 10),
                    0,
                    LoadAwareRouter.ReplicaChoice.LEAST_LOADED,
                    0))
        .hasMessageContaining("placement has 3 experts");
  }

  @Test
  void writeAndReadRoundTrip(@TempDir Path dir) throws Exception {
    ExpertPlacement p = ExpertPlacement.plan(new double[] {9, 1, 0, 2}, 6, 1);
    Path f = dir.resolve(ExpertPlacement.FILE);
    p.write(f);
    assertThat(ExpertPlacement.read(f, 4)).isEqualTo(p);
    assertThatThrownBy(() -> ExpertPlacement.read(f, 5)).hasMessageContaining("expert lines");
    Files.writeString(f, "slots 2\n0\nx\n");
    assertThatThrownBy(() -> ExpertPlacement.read(f, 2)).hasMessageContaining(f.toString());
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
