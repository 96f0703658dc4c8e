package io.moesearch.tools.bench;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.tools.bench.FreshnessWorkload.Kind;
import io.moesearch.tools.bench.FreshnessWorkload.Plan;
import io.moesearch.tools.bench.FreshnessWorkload.Planned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Matches the answers of a {@link FreshnessWorkload} run to its updates.
 *
 * <p><b>Update to searchable</b> (tracked updates): from the update's produce time to the {@code
 * ts_out} of the first answer to one of its probes, accepted ({@code ts_in}) after the update was
 * produced, that reflects it: a new product or a new text found (with the new title) by its own
 * title, a patched price shown, a deleted product absent, an out-of-stock product absent under the
 * {@code in_stock} filter. A removal counts only when its pre-probe (asked before it) found the
 * product; a patch only when some probe found the product. An update never seen reflected is
 * censored: its value is the lower bound (the last probe's answer) and the percentile says so; one
 * whose probes never got an answer that could show it is unverifiable too.
 *
 * <p><b>Stale</b>: an item of a deleted product (or, in an answer to an {@code in_stock} query, of
 * an out-of-stock one), or an item with a price other than the patched one, in an answer whose
 * query was accepted after the change had been seen searchable (the first reflecting answer was
 * produced): by then the change was applied, and the README's bound says no cached or computed
 * answer may show the old state. Also counted for every removal (tracked or not): items served in
 * answers accepted more than {@code targetMs} after the removal was produced.
 */
public final class FreshnessTimeline {
  private static final double PRICE_EPSILON = 1e-6;

  /** The figures; field names are the JSON output's. */
  public static final class Figures {
    public int updatesSent;
    public int trackedUpdates;
    public int measured;
    public int censored;
    public int unverifiable;
    public double updateToSearchableP50Ms = Double.NaN;
    public double updateToSearchableP99Ms = Double.NaN;
    public double updateToSearchableMaxMs = Double.NaN;

    /** Whether p50 / p99 fall on a censored update (then they are lower bounds). */
    public boolean p50IsLowerBound;

    public boolean p99IsLowerBound;

    /**
     * Per kind: {@code <kind>_p50}, {@code <kind>_p99}, {@code <kind>_n} (measured and censored).
     */
    public Map<String, Double> byKind = new TreeMap<>();

    /**
     * Probe spacing around the first reflecting answer: its {@code ts_out} minus the one of the
     * last answer that did not reflect the update yet, p50 / p99 (ms): the measurement's
     * resolution.
     */
    public double resolutionP50Ms = Double.NaN;

    public double resolutionP99Ms = Double.NaN;

    /** The cache path of the first reflecting answers. */
    public Map<String, Integer> reflectedVia = new TreeMap<>();

    public int staleItemsServed;
    public int staleResults;
    public int stalePricesServed;
    public int removedServedAfterTarget;
    public long targetMs;

    /** The first stale items served (at most {@value #EXAMPLES}), to look into. */
    public List<String> staleExamples = new ArrayList<>();

    /**
     * The first tracked updates seen reflected only after {@code targetMs}, or never (at most
     * {@value #EXAMPLES}): kind, product, latency, and each probe answer accepted after the update
     * (ms after it, cache path, degradation, whether it reflected the update), to look into.
     */
    public List<String> slowExamples = new ArrayList<>();

    static final int EXAMPLES = 20;
  }

  private FreshnessTimeline() {}

  /** Whether {@code r} shows update {@code u} applied. */
  static boolean reflects(Planned u, SearchResult r) {
    RankedItem item = find(r, u.productId());
    return switch (u.kind()) {
      case NEW_PRODUCT -> item != null;
      case TEXT_CHANGE -> item != null && item.title().equals(u.product().title());
      case PRICE_PATCH ->
          item != null
              && item.price() != null
              && Math.abs(item.price() - u.price()) < PRICE_EPSILON;
      case STOCK_OUT, DELETE -> item == null;
    };
  }

  /**
   * Whether {@code r} can show {@code u}: an answer turned away as overloaded shows nothing, and a
   * product's absence proves a removal only in an answer searched in full (a degraded one, or a
   * partial one cut short by the merge timeout, may simply not have reached it).
   */
  static boolean evidence(Planned u, SearchResult r) {
    if (r.degraded().equals(SearchResult.OVERLOADED)) {
      return false;
    }
    return !u.removes() || (r.degraded().equals(SearchResult.NOT_DEGRADED) && !r.partial());
  }

  private static RankedItem find(SearchResult r, String productId) {
    for (RankedItem i : r.items()) {
      if (i.productId().equals(productId)) {
        return i;
      }
    }
    return null;
  }

  /**
   * Analyses the answers of one run: {@code producedAt[i]} is when update {@code i} was produced
   * (epoch ms; negative when it was not sent), {@code results} every answer received.
   */
  public static Figures analyse(
      Plan plan, long[] producedAt, List<SearchResult> results, long targetMs) {
    Figures f = new Figures();
    f.targetMs = targetMs;
    List<Planned> updates = plan.updates();
    Map<String, SearchQuery> queries = new HashMap<>();
    plan.queries().forEach(q -> queries.put(q.queryId(), q));
    Map<Integer, List<SearchResult>> probes = new HashMap<>();
    for (SearchResult r : results) {
      Integer u = plan.probeOf().get(r.queryId());
      if (u != null) {
        probes.computeIfAbsent(u, k -> new ArrayList<>()).add(r);
      }
    }
    long[] observed = new long[updates.size()];
    Arrays.fill(observed, Long.MAX_VALUE);
    List<double[]> samples = new ArrayList<>(); // {latency, censored 0/1}
    Map<Kind, List<double[]>> byKind = new TreeMap<>();
    List<Double> resolution = new ArrayList<>();
    for (Planned u : updates) {
      if (producedAt[u.index()] < 0) {
        continue;
      }
      f.updatesSent++;
      if (!u.tracked()) {
        continue;
      }
      f.trackedUpdates++;
      long t0 = producedAt[u.index()];
      List<SearchResult> rs = new ArrayList<>(probes.getOrDefault(u.index(), List.of()));
      rs.sort(Comparator.comparingLong(SearchResult::tsOut));
      // A removal or price is verifiable once some answer to its probe showed the product.
      boolean verifiable =
          (!u.removes() && u.kind() != Kind.PRICE_PATCH)
              || rs.stream().anyMatch(r -> find(r, u.productId()) != null);
      if (!verifiable) {
        f.unverifiable++;
        continue;
      }
      long lastMiss = -1;
      SearchResult first = null;
      for (SearchResult r : rs) {
        if (r.tsIn() < t0 || !evidence(u, r)) {
          continue;
        }
        if (reflects(u, r)) {
          first = r;
          break;
        }
        lastMiss = r.tsOut();
      }
      double[] sample;
      if (first != null) {
        observed[u.index()] = first.tsOut();
        sample = new double[] {first.tsOut() - t0, 0};
        f.measured++;
        f.reflectedVia.merge(first.cache(), 1, Integer::sum);
        resolution.add((double) (first.tsOut() - Math.max(lastMiss, t0)));
      } else if (lastMiss < 0) {
        f.unverifiable++; // no answer to its probes could show it (all turned away, or none)
        continue;
      } else {
        sample = new double[] {lastMiss - t0, 1};
        f.censored++;
      }
      samples.add(sample);
      byKind.computeIfAbsent(u.kind(), k -> new ArrayList<>()).add(sample);
      if (sample[0] > targetMs || sample[1] > 0) {
        slowExample(f, u, t0, rs, sample);
      }
    }
    double[] p50 = percentile(samples, 50);
    double[] p99 = percentile(samples, 99);
    double[] max = percentile(samples, 100);
    f.updateToSearchableP50Ms = p50[0];
    f.p50IsLowerBound = p50[1] > 0;
    f.updateToSearchableP99Ms = p99[0];
    f.p99IsLowerBound = p99[1] > 0;
    f.updateToSearchableMaxMs = max[0];
    byKind.forEach(
        (k, v) -> {
          String name = k.name().toLowerCase(java.util.Locale.ROOT);
          f.byKind.put(name + "_p50", percentile(v, 50)[0]);
          f.byKind.put(name + "_p99", percentile(v, 99)[0]);
          f.byKind.put(name + "_n", (double) v.size());
        });
    List<double[]> res = resolution.stream().map(d -> new double[] {d, 0}).toList();
    f.resolutionP50Ms = percentile(res, 50)[0];
    f.resolutionP99Ms = percentile(res, 99)[0];
    countStale(updates, producedAt, observed, results, queries, f);
    return f;
  }

  private static void countStale(
      List<Planned> updates,
      long[] producedAt,
      long[] observed,
      List<SearchResult> results,
      Map<String, SearchQuery> queries,
      Figures f) {
    Map<String, Planned> changed = new HashMap<>();
    for (Planned u : updates) {
      if (producedAt[u.index()] >= 0 && u.kind() != Kind.NEW_PRODUCT) {
        changed.put(u.productId(), u);
      }
    }
    for (SearchResult r : results) {
      SearchQuery q = queries.get(r.queryId());
      boolean inStockOnly =
          q != null && q.filters() != null && Boolean.TRUE.equals(q.filters().inStock());
      boolean stale = false;
      for (RankedItem item : r.items()) {
        Planned u = changed.get(item.productId());
        if (u == null) {
          continue;
        }
        long seen = observed[u.index()];
        boolean removed = u.kind() == Kind.DELETE || (u.kind() == Kind.STOCK_OUT && inStockOnly);
        if (removed) {
          if (r.tsIn() > producedAt[u.index()] + f.targetMs) {
            f.removedServedAfterTarget++;
          }
          if (r.tsIn() > seen) {
            f.staleItemsServed++;
            stale = true;
            example(f, r, u, producedAt, seen);
          }
        } else if (u.kind() == Kind.PRICE_PATCH
            && r.tsIn() > seen
            && (item.price() == null || Math.abs(item.price() - u.price()) >= PRICE_EPSILON)) {
          f.stalePricesServed++;
          stale = true;
          example(f, r, u, producedAt, seen);
        }
      }
      if (stale) {
        f.staleResults++;
      }
    }
  }

  private static void example(Figures f, SearchResult r, Planned u, long[] producedAt, long seen) {
    if (f.staleExamples.size() < Figures.EXAMPLES) {
      f.staleExamples.add(
          String.format(
              java.util.Locale.ROOT,
              "%s %s: query %s (cache %s, degraded %s) accepted %d ms after the update, %d ms"
                  + " after it was seen searchable",
              u.kind(),
              u.productId(),
              r.queryId(),
              r.cache(),
              r.degraded(),
              r.tsIn() - producedAt[u.index()],
              r.tsIn() - seen));
    }
  }

  private static void slowExample(
      Figures f, Planned u, long t0, List<SearchResult> probes, double[] sample) {
    if (f.slowExamples.size() >= Figures.EXAMPLES) {
      return;
    }
    StringBuilder b =
        new StringBuilder(
            String.format(
                java.util.Locale.ROOT,
                "%s %s: %s%.0f ms; probes (ms after, cache, degraded, reflects):",
                u.kind(),
                u.productId(),
                sample[1] > 0 ? "never seen, last probe " : "",
                sample[0]));
    for (SearchResult r : probes) {
      if (r.tsIn() >= t0) {
        b.append(
            String.format(
                java.util.Locale.ROOT,
                " %d %s %s %s;",
                r.tsOut() - t0,
                r.cache(),
                r.degraded(),
                evidence(u, r) && reflects(u, r) ? "yes" : "no"));
      }
    }
    f.slowExamples.add(b.toString());
  }

  /**
   * Nearest-rank percentile of {value, censored} samples ordered by value: {value, censored}, or
   * {NaN, 0} when empty.
   */
  static double[] percentile(List<double[]> samples, double p) {
    if (samples.isEmpty()) {
      return new double[] {Double.NaN, 0};
    }
    List<double[]> sorted = new ArrayList<>(samples);
    // A censored update is at least its bound: it sorts after a measured one of the same value.
    sorted.sort(Comparator.<double[]>comparingDouble(s -> s[0]).thenComparingDouble(s -> s[1]));
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    double[] at = sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    boolean lower = false;
    // Any censored sample at or below the rank may truly lie above it: the value is a lower bound.
    for (int i = 0; i < Math.min(rank, sorted.size()); i++) {
      lower |= sorted.get(i)[1] > 0;
    }
    return new double[] {at[0], lower ? 1 : 0};
  }
}
