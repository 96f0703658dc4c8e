package io.moesearch.core.rank;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Values computed from product titles (analysed terms, codes, quantities), kept by title because
 * titles repeat across queries and computing them is the costly part of the ranking features.
 * Bounded in memory whatever the titles: a title longer than {@link #MAX_TITLE_CHARS} is computed
 * and not kept, and titles are kept only while their lengths total at most {@code budgetChars} (the
 * values are no larger than a constant times their title). So a catalogue-update topic carrying any
 * number of long, distinct titles cannot fill the heap. Thread-safe.
 *
 * @param <V> the value computed from a title
 */
final class TitleCache<V> {
  /** Longest title kept: the most the features read ({@link RankingFeatures#MAX_TITLE_CHARS}). */
  static final int MAX_TITLE_CHARS = RankingFeatures.MAX_TITLE_CHARS;

  /**
   * Title characters kept per cache by default: 4 Mi, about three times the 1.4 M of the 19,406
   * Icecat titles; at most some 60 MB of analysed terms for titles of distinct short words.
   */
  static final long DEFAULT_BUDGET_CHARS = 4L << 20;

  private final ConcurrentHashMap<String, V> values = new ConcurrentHashMap<>();
  private final AtomicLong keptChars = new AtomicLong();
  private final long budgetChars;

  TitleCache() {
    this(DEFAULT_BUDGET_CHARS);
  }

  /**
   * @param budgetChars most title characters kept, >= 0
   */
  TitleCache(long budgetChars) {
    if (budgetChars < 0) {
      throw new IllegalArgumentException("budgetChars must be >= 0, got " + budgetChars);
    }
    this.budgetChars = budgetChars;
  }

  /** The value of {@code title}: kept, or computed by {@code compute} (and kept if it fits). */
  V get(String title, Function<String, V> compute) {
    V v = values.get(title);
    if (v != null) {
      return v;
    }
    v = compute.apply(title);
    int n = title.length();
    if (n <= MAX_TITLE_CHARS
        && (keptChars.addAndGet(n) > budgetChars || values.putIfAbsent(title, v) != null)) {
      keptChars.addAndGet(-n); // over the budget, or kept by another thread meanwhile
    }
    return v;
  }

  /** Title characters kept now. */
  long keptChars() {
    return keptChars.get();
  }

  /** Titles kept now. */
  int size() {
    return values.size();
  }
}
