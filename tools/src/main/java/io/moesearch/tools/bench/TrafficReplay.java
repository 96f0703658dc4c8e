package io.moesearch.tools.bench;

import static io.moesearch.tools.bench.RoutingDatasets.K;
import static io.moesearch.tools.bench.RoutingDatasets.recall;

import io.moesearch.core.gate.ExpertLoadTracker;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.ExpertPlacementPlanner;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.LoadStats;
import io.moesearch.core.gate.Route;
import io.moesearch.core.util.Zipf;
import io.moesearch.tools.bench.RoutingDatasets.Dataset;
import io.moesearch.tools.bench.RoutingReport.Row;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Replays {@code events} draws of {@code traffic} (seeded by {@code seed}), with utilisation
 * windows of {@code window} events and of {@code grain} activations per slot: the traffic replay of
 * {@code moe-search bench routing}.
 */
public record TrafficReplay(
    Dataset d, Traffic traffic, int events, int window, int grain, long seed) {
  /** Event-time spacing of replayed queries (100 queries/s of event time). */
  public static final long EVENT_INTERVAL_MS = 10;

  /**
   * One configuration: loads counted over the placement's slots and the replica picked by {@code
   * choice} ({@link ExpertPlacement#identity}: one copy per expert, routed exactly as without a
   * layout).
   */
  public Row run(
      String gateName,
      Gate gate,
      LoadAwareRoutingConfig routing,
      ExpertPlacement placement,
      LoadAwareRouter.ReplicaChoice choice) {
    int n = placement.slots();
    LoadAwareRouter router =
        new LoadAwareRouter(
            gate, routing, placement, new ExpertLoadTracker(n, routing.loadHalfLifeMs()), choice);
    Zipf zipf = traffic.sampler(seed);
    int[] perm = traffic.perm;
    Map<String, Searched> searched = new HashMap<>();
    Windows fixed = new Windows(n);
    Windows grained = new Windows(n);
    long[] expertCounts = new long[gate.experts()];
    double best = 0;
    long grainActivations = (long) grain * n;
    long activations = 0;
    long busy = 0;
    double experts = 0;
    double recall = 0;
    int fast = 0;
    for (int i = 0; i < events; i++) {
      int q = perm[zipf.next()];
      float[] query = d.pool()[q];
      long t0 = System.nanoTime();
      Route r = router.route(query, i * EVENT_INTERVAL_MS, i);
      busy += System.nanoTime() - t0;
      int[] sorted = r.experts().clone();
      Arrays.sort(sorted);
      Searched hit =
          searched.computeIfAbsent(
              q + "/" + r.oversample() + "/" + Arrays.toString(sorted),
              key -> {
                long s0 = System.nanoTime();
                int[] found = d.searcher().search(r.experts(), query, K, r.oversample());
                long nanos = System.nanoTime() - s0;
                return new Searched(recall(found, d.exact()[q]), nanos);
              });
      busy += hit.nanos();
      recall += hit.recall();
      experts += r.experts().length;
      fast += r.fast() ? 1 : 0;
      for (int e : r.experts()) {
        expertCounts[e]++;
      }
      for (int s : r.slots()) {
        fixed.counts[s]++;
        grained.counts[s]++;
      }
      activations += r.slots().length;
      if ((i + 1) % window == 0 || (i + 1 == events && fixed.closed == 0)) {
        best += ExpertPlacementPlanner.hindsightUtilisation(placement, List.of(expertCounts));
        Arrays.fill(expertCounts, 0);
        fixed.close();
      }
      if (activations >= grainActivations || (i + 1 == events && grained.closed == 0)) {
        grained.close();
        activations = 0;
      }
    }
    return new Row(
        d.name(),
        gateName,
        placement.isIdentity()
            ? "experts"
            : choice == LoadAwareRouter.ReplicaChoice.HASHED
                ? "replicas/hashed"
                : "replicas/least-loaded",
        placement.replicationFactor(),
        placement.replicationFactor(d.expertSizes()),
        routing.balanceAlpha(),
        fixed.utilisation / fixed.closed,
        best / fixed.closed,
        grained.utilisation / grained.closed,
        fixed.entropy / fixed.closed,
        experts / events,
        (double) fast / events,
        recall / events,
        events / (busy / 1e9),
        events);
  }

  /** Seeded Zipf popularity over a query pool: which query has which rank is fixed by the seed. */
  public static final class Traffic {
    final int[] perm;
    final double exponent;

    public Traffic(int pool, double exponent, long seed) {
      this.exponent = exponent;
      perm = IntStream.range(0, pool).toArray();
      SplittableRandom rnd = new SplittableRandom(seed ^ 0xC0FFEEL);
      for (int i = perm.length - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
    }

    Zipf sampler(long seed) {
      return new Zipf(perm.length, exponent, seed);
    }

    /** A log of {@code events} pool queries drawn with this popularity (another sample). */
    public int[] draws(int events, long seed) {
      int[] out = new int[events];
      Zipf z = sampler(seed);
      for (int i = 0; i < events; i++) {
        out[i] = perm[z.next()];
      }
      return out;
    }
  }

  /** A search's result and measured cost, kept for events that repeat it. */
  private record Searched(double recall, long nanos) {}

  /** Tumbling windows of per-slot activation counts, summed figures of the closed ones. */
  private static final class Windows {
    final double[] counts;
    double utilisation;
    double entropy;
    int closed;

    Windows(int slots) {
      counts = new double[slots];
    }

    void close() {
      utilisation += LoadStats.utilisation(counts);
      entropy += LoadStats.normalisedEntropy(counts);
      closed++;
      Arrays.fill(counts, 0);
    }
  }
}
