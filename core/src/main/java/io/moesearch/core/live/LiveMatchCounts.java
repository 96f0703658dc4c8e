package io.moesearch.core.live;

import io.moesearch.core.cache.QueryNormalizer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Per-expert match counts of a brand, price or stock filter with the live catalogue on top of the
 * artifact's: the artifact's counts (counted once per filter with Lucene) plus, for each changed
 * product, its live listing's match less its artifact listing's, in every expert either lists. A
 * router that widens a filtered query until the experts it searches hold {@code top_k} matches then
 * counts the products that match now: one patched out of the filter (out of stock, out of a price
 * range) no longer counts, one patched or upserted into it counts where it is searched, a deleted
 * one not at all. Counting costs one pass over the changed products per filtered query. Not
 * thread-safe.
 */
public final class LiveMatchCounts {
  /**
   * A changed product's listing in the artifact ({@code null}: none) and now ({@code null}: none).
   */
  private record Change(FilterListing artifact, FilterListing live) {}

  private final Map<String, Change> changed = new HashMap<>();

  /** The changed products by the brands of their listings: a brand filter visits only these. */
  private final Map<String, Set<String>> byBrand = new HashMap<>();

  /**
   * Records that {@code id} is listed as {@code live} now and as {@code artifact} in the artifact
   * being served (either {@code null} when it lists none); a product whose two listings are equal
   * (its change folded into the artifact) counts as the artifact lists it.
   */
  public void put(String id, FilterListing artifact, FilterListing live) {
    if (id == null) {
      throw new IllegalArgumentException("id is required");
    }
    Change old = changed.remove(id);
    if (old != null) {
      unindex(id, old.artifact());
      unindex(id, old.live());
    }
    if (!Objects.equals(artifact, live)) {
      changed.put(id, new Change(artifact, live));
      index(id, artifact);
      index(id, live);
    }
  }

  private void index(String id, FilterListing l) {
    if (l != null && !l.brand().isEmpty()) {
      byBrand.computeIfAbsent(l.brand(), b -> new HashSet<>()).add(id);
    }
  }

  private void unindex(String id, FilterListing l) {
    if (l != null && !l.brand().isEmpty()) {
      Set<String> ids = byBrand.get(l.brand());
      if (ids != null && ids.remove(id) && ids.isEmpty()) {
        byBrand.remove(l.brand());
      }
    }
  }

  /** Forgets every change (a new artifact: they are listed again against it). */
  public void clear() {
    changed.clear();
    byBrand.clear();
  }

  /** Changed products whose live listing differs from the artifact's. */
  public int size() {
    return changed.size();
  }

  /**
   * The live matches of {@code f} per expert: one pass over the changed products, over those listed
   * with one of its brands for a brand filter.
   *
   * @param artifactCounts the artifact's matches of {@code f} per expert (not modified)
   * @return {@code artifactCounts} itself when no product changed, else a copy with the changes
   *     counted (never below 0)
   */
  public int[] counts(int[] artifactCounts, LiveFilter f) {
    if (changed.isEmpty()) {
      return artifactCounts;
    }
    int[] out = artifactCounts.clone();
    if (f.brands() != null && f.brands().length > 0) {
      Set<String> brands = new HashSet<>();
      for (String b : f.brands()) {
        brands.add(QueryNormalizer.normalize(b));
      }
      LiveFilter keyed =
          new LiveFilter(brands.toArray(String[]::new), f.priceMin(), f.priceMax(), f.inStock());
      Set<String> visited = new HashSet<>();
      for (String b : brands) {
        for (String id : byBrand.getOrDefault(b, Set.of())) {
          if (visited.add(id)) {
            Change c = changed.get(id);
            add(out, c.artifact(), keyed, -1, true);
            add(out, c.live(), keyed, 1, true);
          }
        }
      }
    } else {
      for (Change c : changed.values()) {
        add(out, c.artifact(), f, -1, false);
        add(out, c.live(), f, 1, false);
      }
    }
    for (int e = 0; e < out.length; e++) {
      out[e] = Math.max(0, out[e]);
    }
    return out;
  }

  private static void add(int[] counts, FilterListing l, LiveFilter f, int sign, boolean keyed) {
    if (l == null || !(keyed ? l.matchesKeyed(f) : l.matches(f))) {
      return;
    }
    for (int e : l.experts()) {
      if (e >= 0 && e < counts.length) {
        counts[e] += sign;
      }
    }
  }
}
