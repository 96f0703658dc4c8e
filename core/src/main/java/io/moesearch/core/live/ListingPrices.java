package io.moesearch.core.live;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A signed multiset of filter listings ({@link FilterListing}): per expert, the prices of the
 * listings counted in ({@code +1}) and out ({@code -1}), in stock and out of stock apart, each kept
 * sorted, so the net count of a price range in one expert reads at most four lists, two binary
 * searches each, whatever the number of listings. {@link LiveMatchCounts} keeps one for every
 * changed product and one per brand. Not thread-safe.
 */
final class ListingPrices {
  /**
   * One expert's four sorted price lists: index {@code (out of stock ? 2 : 0) + (minus ? 1 : 0)}.
   */
  private static final class Expert {
    final SortedPrices[] lists = {
      new SortedPrices(), new SortedPrices(), new SortedPrices(), new SortedPrices()
    };

    boolean isEmpty() {
      for (SortedPrices l : lists) {
        if (l.size() > 0) {
          return false;
        }
      }
      return true;
    }
  }

  private final Map<Integer, Expert> experts = new HashMap<>();

  /** Sorted lists consulted by {@link #addTo} since this was made (for tests of its cost). */
  private long listsRead;

  /** Adds {@code l} ({@code null}: nothing) with {@code sign} ({@code +1} or {@code -1}). */
  void add(FilterListing l, int sign) {
    if (l == null) {
      return;
    }
    for (int e : l.experts()) {
      experts.computeIfAbsent(e, x -> new Expert()).lists[index(l, sign)].insert(l.price());
    }
  }

  /** Removes one {@code l} added with {@code sign} ({@code null}: nothing). */
  void remove(FilterListing l, int sign) {
    if (l == null) {
      return;
    }
    for (int e : l.experts()) {
      Expert x = experts.get(e);
      if (x != null) {
        x.lists[index(l, sign)].remove(l.price());
        if (x.isEmpty()) {
          experts.remove(e);
        }
      }
    }
  }

  void clear() {
    experts.clear();
  }

  boolean isEmpty() {
    return experts.isEmpty();
  }

  /**
   * Adds to {@code counts[e]}, for every expert {@code e} below {@code counts.length}, the net
   * number of listings in {@code e} that pass {@code f}'s price bounds and stock (brands are not
   * read: the caller picks the multiset of the brand).
   */
  void addTo(int[] counts, LiveFilter f) {
    int classes = f.inStock() ? 1 : 2;
    for (Map.Entry<Integer, Expert> entry : experts.entrySet()) {
      int e = entry.getKey();
      if (e < 0 || e >= counts.length) {
        continue;
      }
      SortedPrices[] lists = entry.getValue().lists;
      int net = 0;
      for (int stock = 0; stock < classes; stock++) {
        net += lists[2 * stock].count(f) - lists[2 * stock + 1].count(f);
        listsRead += 2;
      }
      counts[e] += net;
    }
  }

  long listsRead() {
    return listsRead;
  }

  private static int index(FilterListing l, int sign) {
    if (sign != 1 && sign != -1) {
      throw new IllegalArgumentException("sign must be +1 or -1, got " + sign);
    }
    return (l.inStock() ? 0 : 2) + (sign > 0 ? 0 : 1);
  }

  /**
   * A multiset of prices kept sorted in an array ({@code -0.0} kept as {@code 0.0}), and a count of
   * listings without a price (or a price that is not a number), which pass no price bound.
   */
  static final class SortedPrices {
    private double[] prices = new double[4];
    private int size;
    private int unpriced;

    int size() {
      return size + unpriced;
    }

    void insert(Double price) {
      if (price == null || price.isNaN()) {
        unpriced++;
        return;
      }
      double p = price + 0.0;
      int at = firstAtLeast(p);
      if (size == prices.length) {
        prices = Arrays.copyOf(prices, size * 2);
      }
      System.arraycopy(prices, at, prices, at + 1, size - at);
      prices[at] = p;
      size++;
    }

    void remove(Double price) {
      if (price == null || price.isNaN()) {
        unpriced = Math.max(0, unpriced - 1);
        return;
      }
      double p = price + 0.0;
      int at = firstAtLeast(p);
      if (at < size && prices[at] == p) {
        System.arraycopy(prices, at + 1, prices, at, size - at - 1);
        size--;
      }
    }

    /** How many pass {@code f}'s price bounds (inclusive; none without a price when it has one). */
    int count(LiveFilter f) {
      if (!f.hasPrice()) {
        return size + unpriced;
      }
      Double min = f.priceMin();
      Double max = f.priceMax();
      if ((min != null && min.isNaN()) || (max != null && max.isNaN())) {
        return 0;
      }
      int from = min == null ? 0 : firstAtLeast(min + 0.0);
      int to = max == null ? size : firstAbove(max + 0.0);
      return Math.max(0, to - from);
    }

    /** The first index whose price is {@code >= p} ({@code size} if none). */
    private int firstAtLeast(double p) {
      int lo = 0;
      int hi = size;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (prices[mid] < p) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /** The first index whose price is {@code > p} ({@code size} if none). */
    private int firstAbove(double p) {
      int lo = 0;
      int hi = size;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (prices[mid] <= p) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }
}
