package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.util.Vectors;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class LoadAwareRouterTest {
  private static final RoutingConfig BASE = new RoutingConfig(0.05, new ActivationRule(0.5, 1, 1));

  private static LoadAwareRoutingConfig config(double alpha, double threshold) {
    return new LoadAwareRoutingConfig(
        BASE, alpha, 10_000, threshold, new ActivationRule(0.5, 1, 1), 10, 4);
  }

  @Test
  void aLoadedExpertLosesToALessLoadedOneWithCloseLogits() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0.98f, 0.199f}, {-1, 0}});
    float[] q = {1, 0};
    LoadAwareRouter router = new LoadAwareRouter(gate, config(0.05, 0));
    assertThat(router.route(q, new double[] {1, 1, 1}).experts()).containsExactly(0);
    assertThat(router.route(q, new double[] {2.5, 0.5, 0}).experts()).containsExactly(1);
    // a far-away expert is not chosen however idle it is
    assertThat(router.route(q, new double[] {2.5, 2.5, 0}).experts()).doesNotContain(2);
  }

  @Test
  void alphaZeroRoutesExactlyLikeThePlainRouter() {
    Random rnd = new Random(3);
    float[][] w = new float[16][8];
    for (float[] row : w) {
      for (int d = 0; d < row.length; d++) {
        row[d] = (float) rnd.nextGaussian();
      }
      Vectors.normalizeInPlace(row);
    }
    Gate gate = new Gate(w);
    RoutingConfig rc = new RoutingConfig(0.1, new ActivationRule(0.8, 1, 6));
    LoadAwareRouter aware = new LoadAwareRouter(gate, LoadAwareRoutingConfig.plain(rc, 10));
    double[] skewed = new double[16];
    skewed[3] = 16;
    for (int i = 0; i < 200; i++) {
      float[] q = new float[8];
      for (int d = 0; d < q.length; d++) {
        q[d] = (float) rnd.nextGaussian();
      }
      Vectors.normalizeInPlace(q);
      assertThat(aware.route(q, skewed).experts())
          .containsExactly(rc.activation().select(gate.probabilities(q, rc.temperature())));
      assertThat(aware.route(q, skewed).fast()).isFalse();
    }
  }

  @Test
  void routingWithLoadStateRecordsWhatItRoutes() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0.99f, 0.141f}});
    ExpertLoadTracker tracker = new ExpertLoadTracker(2, 60_000);
    LoadAwareRouter router =
        LoadAwareRouter.serving(gate, config(0.02, 0), ExpertPlacement.identity(2), tracker);
    int[] hits = new int[2];
    for (int i = 0; i < 100; i++) {
      hits[router.route(new float[] {1, 0}, i).experts()[0]]++;
    }
    assertThat(hits[0]).isGreaterThan(0);
    assertThat(hits[1]).isGreaterThan(0);
    assertThat(tracker.activations(100)[0] + tracker.activations(100)[1])
        .isCloseTo(100, Assertions.within(0.1));
  }

  @Test
  void confidentQueriesTakeTheFastPathAndAmbiguousOnesTheNormalPath() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0, 1}, {-1, 0}, {0, -1}});
    LoadAwareRoutingConfig c =
        new LoadAwareRoutingConfig(
            new RoutingConfig(0.2, new ActivationRule(0.99, 1, 4)),
            0,
            1000,
            0.5,
            new ActivationRule(0.9, 1, 1),
            10,
            3);
    LoadAwareRouter router = new LoadAwareRouter(gate, c);
    Route confident = router.route(new float[] {1, 0}, null);
    assertThat(confident.fast()).isTrue();
    assertThat(confident.experts()).containsExactly(0);
    assertThat(confident.oversample()).isEqualTo(3);
    assertThat(confident.entropy()).isLessThan(0.5);
    float s = (float) Math.sqrt(0.5);
    Route ambiguous = router.route(new float[] {s, s}, null);
    assertThat(ambiguous.fast()).isFalse();
    assertThat(ambiguous.experts()).hasSizeGreaterThan(1);
    assertThat(ambiguous.oversample()).isEqualTo(10);
  }

  @Test
  void settingsAreCheckedNamingTheKey() {
    assertThatThrownBy(() -> config(-1, 0)).hasMessageContaining("routing.balance-alpha");
    // finite, but alpha * load overflows to -infinity for every expert: routing degenerates to the
    // lowest expert ids (an attack review)
    assertThatThrownBy(() -> config(1e308, 0)).hasMessageContaining("routing.balance-alpha");
    assertThat(config(LoadAwareRoutingConfig.MAX_BALANCE_ALPHA, 0).balanceAlpha()).isPositive();
    assertThatThrownBy(() -> config(0, 1.5)).hasMessageContaining("routing.complexity-threshold");
    LoadAwareRouter r = new LoadAwareRouter(new Gate(new float[][] {{1, 0}}), config(0, 0));
    assertThatThrownBy(() -> r.route(new float[] {1, 0}, new double[] {1, 1}))
        .hasMessageContaining("loads");
  }

  @Test
  void routingOverReplicasSpreadsAHotQueryEvenlyAndKeepsItsExpert() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0, 1}});
    ExpertPlacement p = new ExpertPlacement(4, new int[][] {{0, 1, 2}, {3}});
    ExpertLoadTracker slots = new ExpertLoadTracker(4, 1_000_000);
    LoadAwareRouter router =
        LoadAwareRouter.serving(gate, LoadAwareRoutingConfig.plain(BASE, 1), p, slots);
    float[] hot = {1, 0};
    int[] per = new int[4];
    for (int i = 0; i < 300; i++) {
      Route r = router.route(hot, i);
      assertThat(r.experts()).containsExactly(0);
      per[r.slots()[0]]++;
    }
    assertThat(per).containsExactly(100, 100, 100, 0);
    assertThat(slots.activations(300)[0]).isGreaterThan(99);
  }

  @Test
  void identityPlacementRoutesLikeThePureStepOverTheTrackersLoads() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0.99f, 0.141f}, {0, 1}});
    LoadAwareRoutingConfig cfg =
        new LoadAwareRoutingConfig(BASE, 0.05, 10_000, 0, new ActivationRule(0.5, 1, 1), 10, 4);
    LoadAwareRouter router = LoadAwareRouter.fresh(gate, cfg, ExpertPlacement.identity(3));
    ExpertLoadTracker b = new ExpertLoadTracker(3, 10_000);
    float[] q = {1, 0};
    Set<Integer> chosen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      Route expected = router.route(q, b.loads(i * 10L));
      b.recordActivations(expected.experts(), i * 10L);
      assertThat(router.route(q, i * 10L)).isEqualTo(expected);
      chosen.add(expected.experts()[0]);
    }
    assertThat(chosen).as("balancing moved the hot query").hasSizeGreaterThan(1);
  }

  @Test
  void theHashedChoiceIsLoadUnawareAndStablePerSalt() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0, 1}});
    ExpertPlacement p = new ExpertPlacement(4, new int[][] {{0, 1, 2}, {3}});
    LoadAwareRouter hashed =
        new LoadAwareRouter(
            gate,
            LoadAwareRoutingConfig.plain(BASE, 1),
            p,
            new ExpertLoadTracker(4, 1_000),
            LoadAwareRouter.ReplicaChoice.HASHED);
    for (long salt = 0; salt < 20; salt++) {
      assertThat(hashed.route(new float[] {1, 0}, salt, salt).slots())
          .containsExactly(p.hashed(new int[] {0}, salt));
    }
  }

  @Test
  void aFilteredQueryReachesAsFarAsItsMatchesOnEachExpertsLeastLoadedReplica() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0, 1}, {-1, 0}});
    ExpertPlacement p = new ExpertPlacement(4, new int[][] {{0, 1}, {2}, {3}});
    ExpertLoadTracker slots = new ExpertLoadTracker(4, 1_000_000);
    LoadAwareRouter router =
        LoadAwareRouter.serving(gate, LoadAwareRoutingConfig.plain(BASE, 7), p, slots);
    float[] q = {0.8f, 0.6f};
    assertThat(router.expansionOrder(q)).containsExactly(0, 1, 2);
    int[] routed = router.route(q, (double[]) null).experts();

    // A filter most products pass: the unfiltered route, nothing more.
    Route broad = router.routeFiltered(q, 0, new int[] {50, 50, 50}, 10);
    assertThat(broad.experts()).containsExactly(routed);
    assertThat(broad.oversample()).isEqualTo(7);
    // A selective filter: widened in gate order until 10 matches are covered.
    Route selective = router.routeFiltered(q, 1, new int[] {3, 4, 9}, 10);
    assertThat(selective.experts()).startsWith(routed).contains(0, 1, 2);
    // Experts without a match are never searched, routed or not.
    assertThat(router.routeFiltered(q, 2, new int[] {0, 0, 12}, 10).experts()).containsExactly(2);
    // Nothing matches anywhere: the top routed expert answers (with nothing).
    assertThat(router.routeFiltered(q, 3, new int[] {0, 0, 0}, 10).experts())
        .containsExactly(routed[0]);
    // Replicas: expert 0 alternates between its least-loaded slots 0 and 1.
    LoadAwareRouter fresh =
        LoadAwareRouter.serving(
            gate, LoadAwareRoutingConfig.plain(BASE, 7), p, new ExpertLoadTracker(4, 1_000_000));
    Route a = fresh.routeFiltered(q, 4, new int[] {20, 0, 0}, 10);
    Route b = fresh.routeFiltered(q, 4, new int[] {20, 0, 0}, 10);
    assertThat(a.experts()).containsExactly(0);
    assertThat(new int[] {a.slots()[0], b.slots()[0]}).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void theFilteredRuleCoversKMatchesInOrder() {
    assertThat(
            LoadAwareRouter.filteredExperts(
                new int[] {2, 0}, new int[] {2, 0, 1, 3}, new int[] {1, 5, 1, 7}, 4))
        .containsExactly(2, 0, 1);
    assertThat(
            LoadAwareRouter.filteredExperts(
                new int[] {2, 0}, new int[] {2, 0, 1, 3}, new int[] {1, 5, 4, 7}, 4))
        .containsExactly(2, 0);
    assertThat(
            LoadAwareRouter.filteredExperts(
                new int[] {2}, new int[] {2, 3, 0, 1}, new int[] {1, 1, 0, 2}, 2))
        .containsExactly(3);
  }

  @Test
  void theLayoutMustMatchTheGateAndTheTrackerTheLayout() {
    Gate gate = new Gate(new float[][] {{1, 0}, {0, 1}});
    LoadAwareRoutingConfig plain = LoadAwareRoutingConfig.plain(BASE, 1);
    assertThatThrownBy(
            () ->
                LoadAwareRouter.serving(
                    gate, plain, ExpertPlacement.identity(3), new ExpertLoadTracker(3, 10)))
        .hasMessageContaining("placement has 3 experts");
    assertThatThrownBy(
            () ->
                LoadAwareRouter.serving(
                    gate, plain, ExpertPlacement.identity(2), new ExpertLoadTracker(3, 10)))
        .hasMessageContaining("tracker has 3 slots");
  }
}
