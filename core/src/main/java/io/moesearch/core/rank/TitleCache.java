package io.moesearch.core.rank;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Values computed from product titles (analysed terms, codes, quantities), kept by title because
 * titles repeat across queries and computing them is the costly part of the ranking features.
 * Bounded in memory whatever the titles: a title longer than {@link #MAX_TITLE_CHARS} is computed
 * and not kept, and the titles kept total at most {@code budgetChars} characters (the values are no
 * larger than a constant times their title). So a catalogue-update topic carrying any number of
 * long, distinct titles cannot fill the heap. Nor can it spend the budget for good: titles are kept
 * in two generations of half the budget each; when the current one is full it becomes the previous
 * one (the one before is let go) and a new one starts, and a title found in the previous one moves
 * into the current one. A title in use therefore stays kept, and titles seen once (a hostile
 * topic's, ranked once each) pass through: before, the first titles to fill the budget stayed for
 * the JVM's lifetime and every later one was analysed anew each time it was ranked. Thread-safe.
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

  /** Titles and their values, with the characters of the titles kept. */
  private record Generation<V>(ConcurrentHashMap<String, V> values, AtomicLong chars) {
    Generation() {
      this(new ConcurrentHashMap<>(), new AtomicLong());
    }
  }

  private final long generationChars;
  private volatile Generation<V> current = new Generation<>();
  private volatile Generation<V> previous = new Generation<>();

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
    this.generationChars = budgetChars / 2;
  }

  /** The value of {@code title}: kept, or computed by {@code compute} (and kept if it fits). */
  V get(String title, Function<String, V> compute) {
    V v = current.values().get(title);
    if (v != null) {
      return v;
    }
    v = previous.values().get(title);
    if (v == null) {
      v = compute.apply(title);
    }
    keep(title, v);
    return v;
  }

  /** Keeps {@code title} in the current generation, starting a new one when it is full. */
  private void keep(String title, V v) {
    int n = title.length();
    if (n > MAX_TITLE_CHARS || n > generationChars) {
      return;
    }
    Generation<V> g = current;
    if (g.chars().addAndGet(n) > generationChars) {
      g.chars().addAndGet(-n);
      synchronized (this) {
        if (current == g) {
          previous = g;
          current = new Generation<>();
        }
        g = current;
      }
      if (g.chars().addAndGet(n) > generationChars) {
        g.chars().addAndGet(-n); // filled meanwhile by other threads: not kept this time
        return;
      }
    }
    if (g.values().putIfAbsent(title, v) != null) {
      g.chars().addAndGet(-n); // kept by another thread meanwhile
    }
  }

  /** Title characters kept now (both generations). */
  long keptChars() {
    return current.chars().get() + previous.chars().get();
  }

  /** Titles kept now (both generations; a title may be in both). */
  int size() {
    return current.values().size() + previous.values().size();
  }
}
