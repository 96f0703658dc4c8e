package io.moesearch.core.live;

import java.util.HashMap;
import java.util.Map;

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

  /**
   * Records that {@code id} is listed as {@code live} now and as {@code artifact} in the artifact
   * being served (either {@code null} when it lists none); a product whose two listings are equal
   * (its change folded into the artifact) is forgotten.
   */
  public void put(String id, FilterListing artifact, FilterListing live) {
    if (id == null) {
      throw new IllegalArgumentException("id is required");
    }
    if (java.util.Objects.equals(artifact, live)) {
      changed.remove(id);
    } else {
      changed.put(id, new Change(artifact, live));
    }
  }

  /** Forgets every change (a new artifact: they are listed again against it). */
  public void clear() {
    changed.clear();
  }

  /** Changed products whose live listing differs from the artifact's. */
  public int size() {
    return changed.size();
  }

  /**
   * The live matches of {@code f} per expert.
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
    for (Change c : changed.values()) {
      add(out, c.artifact(), f, -1);
      add(out, c.live(), f, 1);
    }
    for (int e = 0; e < out.length; e++) {
      out[e] = Math.max(0, out[e]);
    }
    return out;
  }

  private static void add(int[] counts, FilterListing l, LiveFilter f, int sign) {
    if (l == null || !l.matches(f)) {
      return;
    }
    for (int e : l.experts()) {
      if (e >= 0 && e < counts.length) {
        counts[e] += sign;
      }
    }
  }
}
