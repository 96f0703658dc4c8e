package io.moesearch.core.gate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plans an {@link ExpertPlacement}: sizes each expert's replicas from expected loads, places them
 * so that the layout connects widely, picks the headroom that a query log's own windows favour, and
 * measures a layout against the best replica choice with hindsight (by maximum flow). Stateless;
 * every method is deterministic.
 */
public final class ExpertPlacementPlanner {
  private ExpertPlacementPlanner() {}

  /**
   * Sizes and places replicas for the expected loads, with no headroom: expert e gets {@code
   * clamp(⌈share_e · slots⌉, minReplicas, slots)} replicas. See {@link #plan(double[], int, int,
   * double)}.
   */
  public static ExpertPlacement plan(double[] expertLoad, int slots, int minReplicas) {
    return plan(expertLoad, slots, minReplicas, 0);
  }

  /**
   * Sizes and places replicas for the expected loads. Deterministic.
   *
   * <p><b>Sizing.</b> With {@code λ_e} the expected activations of expert e per balancing window
   * and {@code μ = Σλ / slots} a slot's fair share, expert e gets {@code clamp(⌈(λ_e + z·√λ_e) /
   * μ⌉, minReplicas, slots)} replicas: enough that a window z Poisson standard deviations busier
   * than expected still fits its replicas at a fair share each. {@code z = 0} sizes by the expected
   * share alone (then the scale of {@code expertLoad} does not matter).
   *
   * <p><b>Placement.</b> Replicas are placed largest expected per-replica load first onto an empty
   * slot while there is one; afterwards onto a slot within half a fair share of the least expected
   * load, preferring the slot that shares the fewest experts with the slots already holding this
   * expert (ties: less load, then the lower slot). Why: the live choice can move an expert's surge
   * only to slots reachable through shared replicas; experts whose replicas sit on the same few
   * slots form a closed group no other slot can relieve, so the layout should connect widely, like
   * an expander graph.
   *
   * @param expertLoad expected activations per expert per balancing window (for example a query
   *     log's frequency-weighted activations scaled to the window); all zero means uniform
   * @param slots serving slots, at least 1
   * @param minReplicas replicas every expert gets, 1..slots
   * @param headroomSigmas z above, {@code >= 0}
   */
  public static ExpertPlacement plan(
      double[] expertLoad, int slots, int minReplicas, double headroomSigmas) {
    if (!(headroomSigmas >= 0) || Double.isInfinite(headroomSigmas)) {
      throw new IllegalArgumentException(
          "headroom must be finite and >= 0 standard deviations, got " + headroomSigmas);
    }
    if (expertLoad == null || expertLoad.length == 0) {
      throw new IllegalArgumentException("expected loads are required");
    }
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
    if (minReplicas < 1 || minReplicas > slots) {
      throw new IllegalArgumentException(
          "min replicas must be in 1.." + slots + ", got " + minReplicas);
    }
    int n = expertLoad.length;
    double total = 0;
    for (double l : expertLoad) {
      if (!(l >= 0) || Double.isInfinite(l)) {
        throw new IllegalArgumentException("expected loads must be finite and >= 0");
      }
      total += l;
    }
    double fair = total > 0 ? total / slots : 0;
    int[] count = new int[n];
    double[] perReplica = new double[n]; // expected share of all load, per replica
    for (int e = 0; e < n; e++) {
      double need =
          total > 0
              ? (expertLoad[e] + headroomSigmas * Math.sqrt(expertLoad[e])) / fair
              : (double) slots / n;
      count[e] = Math.max(minReplicas, Math.min(slots, (int) Math.ceil(need - 1e-9)));
      perReplica[e] = (total > 0 ? expertLoad[e] / total : 1.0 / n) / count[e];
    }
    Integer[] order = new Integer[n];
    for (int e = 0; e < n; e++) {
      order[e] = e;
    }
    // all replicas of an expert carry the same share: order experts, then place their replicas
    Arrays.sort(
        order, Comparator.<Integer>comparingDouble(e -> -perReplica[e]).thenComparingInt(e -> e));
    double tolerance = 0.5 / slots;
    double[] slotLoad = new double[slots];
    List<List<Integer>> onSlot = new ArrayList<>();
    for (int s = 0; s < slots; s++) {
      onSlot.add(new ArrayList<>());
    }
    int[][] r = new int[n][];
    int[] filled = new int[n];
    int nextEmpty = 0;
    for (int e : order) {
      r[e] = new int[count[e]];
      for (int i = 0; i < count[e]; i++) {
        int best =
            nextEmpty < slots
                ? nextEmpty++
                : leastConnected(r[e], filled[e], onSlot, slotLoad, tolerance);
        r[e][filled[e]++] = best;
        onSlot.get(best).add(e);
        slotLoad[best] += perReplica[e];
      }
    }
    return new ExpertPlacement(slots, r);
  }

  /**
   * Plans a layout for each headroom in {@code headrooms} ({@link #plan(double[], int, int,
   * double)}) and keeps the one with the highest {@link #hindsightUtilisation} over {@code windows}
   * (ties: fewer replicas, then the earlier headroom). Why: how much headroom pays depends on how
   * noisy a window is and how the replicas connect, which the log's own windows show; a layout with
   * more replicas is not always better connected.
   *
   * @param windows per window of the query log, activations per expert (at least one window)
   */
  public static ExpertPlacement planBest(
      double[] expertLoad, int slots, int minReplicas, double[] headrooms, List<long[]> windows) {
    if (headrooms == null || headrooms.length == 0) {
      throw new IllegalArgumentException("at least one headroom is required");
    }
    if (windows == null || windows.isEmpty()) {
      throw new IllegalArgumentException("at least one window of the query log is required");
    }
    ExpertPlacement best = null;
    double bestUtilisation = -1;
    for (double z : headrooms) {
      ExpertPlacement p = plan(expertLoad, slots, minReplicas, z);
      double u = hindsightUtilisation(p, windows);
      if (u > bestUtilisation + 1e-12
          || Math.abs(u - bestUtilisation) <= 1e-12
              && p.replicationFactor() < best.replicationFactor()) {
        best = p;
        bestUtilisation = u;
      }
    }
    return best;
  }

  /**
   * The layout for a routed query log: expected loads per window of {@code windowEvents} queries
   * ({@link #expectedLoad}), then {@link #planBest} over headrooms 0, 1, … {@code maxHeadroom}
   * judged on the log's own windows ({@link #windows}). What {@code routing update} writes and
   * {@code bench routing} measures.
   *
   * @param routed per logged query in log order, the experts it activates with no balancing
   * @param minReplicas replicas every expert gets, at least 1 (capped at {@code slots})
   */
  public static ExpertPlacement planFromLog(
      int[][] routed,
      int experts,
      int slots,
      int minReplicas,
      double maxHeadroom,
      int windowEvents) {
    return planBest(
        expectedLoad(routed, experts, windowEvents),
        slots,
        Math.min(minReplicas, slots),
        headroomSteps(maxHeadroom),
        windows(routed, experts, windowEvents));
  }

  /** The headrooms {@link #planBest} tries up to {@code max}: 0, 1, 2, … and {@code max} itself. */
  public static double[] headroomSteps(double max) {
    if (!(max >= 0) || Double.isInfinite(max)) {
      throw new IllegalArgumentException("headroom must be finite and >= 0, got " + max);
    }
    int whole = (int) Math.floor(max);
    double[] out = new double[whole + 1 + (max > whole ? 1 : 0)];
    for (int i = 0; i <= whole; i++) {
      out[i] = i;
    }
    if (max > whole) {
      out[whole + 1] = max;
    }
    return out;
  }

  /**
   * Cuts a routed query log into tumbling windows of {@code windowEvents} queries and counts each
   * window's activations per expert; a trailing partial window is dropped unless it is the only
   * one.
   *
   * @param routed per logged query in log order, the experts it activates
   */
  public static List<long[]> windows(int[][] routed, int experts, int windowEvents) {
    if (windowEvents < 1) {
      throw new IllegalArgumentException("window must be >= 1 event, got " + windowEvents);
    }
    List<long[]> out = new ArrayList<>();
    long[] counts = new long[experts];
    for (int i = 0; i < routed.length; i++) {
      for (int e : routed[i]) {
        counts[e]++;
      }
      if ((i + 1) % windowEvents == 0) {
        out.add(counts);
        counts = new long[experts];
      }
    }
    if (out.isEmpty() && routed.length > 0) {
      out.add(counts);
    }
    return out;
  }

  /**
   * Mean over {@code windows} of {@code (Σ activations / slots) / bestMaxSlotLoad}: the utilisation
   * the best replica choice with hindsight reaches on this layout (an empty window counts as 1).
   */
  public static double hindsightUtilisation(ExpertPlacement layout, List<long[]> windows) {
    double sum = 0;
    for (long[] w : windows) {
      long total = 0;
      for (long a : w) {
        total += a;
      }
      long max = bestMaxSlotLoad(layout, w);
      sum += max == 0 ? 1 : (double) total / layout.slots() / max;
    }
    return windows.isEmpty() ? 1 : sum / windows.size();
  }

  /** The slot for another replica of the expert on {@code held}: {@link #plan}'s rule. */
  private static int leastConnected(
      int[] held, int heldCount, List<List<Integer>> onSlot, double[] slotLoad, double tolerance) {
    int slots = slotLoad.length;
    boolean[] holds = new boolean[slots];
    for (int i = 0; i < heldCount; i++) {
      holds[held[i]] = true;
    }
    Set<Integer> neighbours = new HashSet<>();
    for (int i = 0; i < heldCount; i++) {
      neighbours.addAll(onSlot.get(held[i]));
    }
    double min = Double.POSITIVE_INFINITY;
    for (int s = 0; s < slots; s++) {
      if (!holds[s]) {
        min = Math.min(min, slotLoad[s]);
      }
    }
    int best = -1;
    int bestOverlap = 0;
    for (int s = 0; s < slots; s++) {
      if (holds[s] || slotLoad[s] > min + tolerance) {
        continue;
      }
      int overlap = 0;
      for (int x : onSlot.get(s)) {
        if (neighbours.contains(x)) {
          overlap++;
        }
      }
      if (best < 0
          || overlap < bestOverlap
          || overlap == bestOverlap && slotLoad[s] < slotLoad[best] - 1e-15) {
        best = s;
        bestOverlap = overlap;
      }
    }
    return best;
  }

  /**
   * Expected activations per expert per window of {@code windowEvents} queries, from a routed query
   * log (each logged query counts as often as it was logged). Ready for {@link #plan}.
   *
   * @param routed per logged query, the experts it activates with no balancing
   */
  public static double[] expectedLoad(int[][] routed, int experts, int windowEvents) {
    if (routed.length == 0) {
      throw new IllegalArgumentException("the query log is empty");
    }
    if (windowEvents < 1) {
      throw new IllegalArgumentException("window must be >= 1 event, got " + windowEvents);
    }
    double[] load = new double[experts];
    for (int[] r : routed) {
      for (int e : r) {
        load[e]++;
      }
    }
    for (int e = 0; e < experts; e++) {
      load[e] *= (double) windowEvents / routed.length;
    }
    return load;
  }

  /**
   * The least possible load of the busiest slot when {@code activations[e]} activations of each
   * expert e are spread over its replicas with hindsight (integral, by maximum flow). {@code Σ
   * activations / slots} over it is the best utilisation any replica choice could reach on this
   * layout: the bound a live choice is measured against.
   */
  public static long bestMaxSlotLoad(ExpertPlacement layout, long[] activations) {
    if (activations.length != layout.experts()) {
      throw new IllegalArgumentException(
          "expected " + layout.experts() + " expert counts, got " + activations.length);
    }
    long total = 0;
    for (long a : activations) {
      if (a < 0 || a > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("activation counts must be in 0.." + Integer.MAX_VALUE);
      }
      total += a;
    }
    int slots = layout.slots();
    long lo = (total + slots - 1) / slots;
    long hi = Math.max(lo, total);
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (fits(layout, activations, total, mid)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static boolean fits(
      ExpertPlacement layout, long[] activations, long total, long capacity) {
    int n = layout.experts();
    int slots = layout.slots();
    int source = n + slots;
    int sink = source + 1;
    MaxFlow flow = new MaxFlow(sink + 1);
    for (int e = 0; e < n; e++) {
      if (activations[e] > 0) {
        flow.addEdge(source, e, (int) activations[e]);
        for (int s : layout.replicas(e)) {
          flow.addEdge(e, n + s, (int) activations[e]);
        }
      }
    }
    for (int s = 0; s < slots; s++) {
      flow.addEdge(n + s, sink, (int) Math.min(Integer.MAX_VALUE, capacity));
    }
    return flow.run(source, sink) == total;
  }
}
