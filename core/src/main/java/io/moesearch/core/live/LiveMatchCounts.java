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
 * one not at all.
 *
 * <p>Cost: the changed listings are kept per expert in sorted price lists ({@link ListingPrices}),
 * all of them and per brand, so a filter is counted by reading at most four sorted lists per expert
 * holding a change (two under {@code in_stock}; per brand it names, for a brand filter), two binary
 * searches each, however many products changed since the artifact; a change costs one insertion per
 * expert it lists. Not thread-safe.
 */
public final class LiveMatchCounts {
  /**
   * A changed product's listing in the artifact ({@code null}: none) and now ({@code null}: none).
   */
  private record Change(FilterListing artifact, FilterListing live) {}

  private final Map<String, Change> changed = new HashMap<>();

  /** Every change: artifact listings counted out, live ones in. */
  private final ListingPrices all = new ListingPrices();

  /** The changes by the brands of their listings: a brand filter reads only these. */
  private final Map<String, ListingPrices> byBrand = new HashMap<>();

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
      index(old.artifact(), -1, false);
      index(old.live(), 1, false);
    }
    if (!Objects.equals(artifact, live)) {
      changed.put(id, new Change(artifact, live));
      index(artifact, -1, true);
      index(live, 1, true);
    }
  }

  /** Adds ({@code add}) or removes listing {@code l} counted with {@code sign}. */
  private void index(FilterListing l, int sign, boolean add) {
    if (l == null) {
      return;
    }
    if (add) {
      all.add(l, sign);
    } else {
      all.remove(l, sign);
    }
    if (l.brand().isEmpty()) {
      return; // no brand filter matches it
    }
    if (add) {
      byBrand.computeIfAbsent(l.brand(), b -> new ListingPrices()).add(l, sign);
    } else {
      ListingPrices brand = byBrand.get(l.brand());
      if (brand != null) {
        brand.remove(l, sign);
        if (brand.isEmpty()) {
          byBrand.remove(l.brand());
        }
      }
    }
  }

  /** Forgets every change (a new artifact: they are listed again against it). */
  public void clear() {
    changed.clear();
    all.clear();
    byBrand.clear();
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
    if (f.brands() != null && f.brands().length > 0) {
      Set<String> brands = new HashSet<>();
      for (String b : f.brands()) {
        brands.add(QueryNormalizer.normalize(b));
      }
      for (String b : brands) {
        ListingPrices brand = byBrand.get(b);
        if (brand != null) {
          brand.addTo(out, f);
        }
      }
    } else {
      all.addTo(out, f);
    }
    for (int e = 0; e < out.length; e++) {
      out[e] = Math.max(0, out[e]);
    }
    return out;
  }

  /** Sorted price lists read by {@link #counts} so far (for tests of its cost). */
  long listsRead() {
    long n = all.listsRead();
    for (ListingPrices b : byBrand.values()) {
      n += b.listsRead();
    }
    return n;
  }
}
