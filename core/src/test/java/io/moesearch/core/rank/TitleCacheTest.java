package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TitleCacheTest {
  /** A title's length, counting the calls in {@code computed}. */
  private static Function<String, Integer> counted(AtomicInteger computed) {
    return t -> {
      computed.incrementAndGet();
      return t.length();
    };
  }

  /** A repeated title is computed once. */
  @Test
  void keepsWhatItComputed() {
    TitleCache<Integer> cache = new TitleCache<>();
    AtomicInteger computed = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      assertThat(cache.get("HP 823A", counted(computed))).isEqualTo(7);
    }
    assertThat(computed).hasValue(1);
    assertThat(cache.keptChars()).isEqualTo(7);
  }

  /**
   * Any number of long or distinct titles (a hostile catalogue-update topic) keeps at most the
   * budget: a title over {@link TitleCache#MAX_TITLE_CHARS} is never kept, and titles beyond the
   * budget are computed with the right value and let older ones go.
   */
  @Test
  void keepsNoMoreTitleCharactersThanItsBudget() {
    TitleCache<Integer> cache = new TitleCache<>(1_000);
    String long1 = "x".repeat(TitleCache.MAX_TITLE_CHARS + 1);
    assertThat(cache.get(long1, String::length)).isEqualTo(TitleCache.MAX_TITLE_CHARS + 1);
    assertThat(cache.size()).isZero();
    for (int i = 0; i < 10_000; i++) {
      String title = "title number " + i + " " + "w".repeat(i % 300);
      assertThat(cache.get(title, String::length)).isEqualTo(title.length());
    }
    assertThat(cache.keptChars()).isLessThanOrEqualTo(1_000).isPositive();
    AtomicInteger computed = new AtomicInteger();
    cache.get("title number 9999 beyond", t -> computed.incrementAndGet());
    cache.get("title number 9999 beyond", t -> computed.incrementAndGet());
    assertThat(computed).hasValue(1);
    assertThat(cache.keptChars()).isLessThanOrEqualTo(1_000);
  }

  /**
   * The budget must not be spent once and for all: a catalogue-update topic of ~8,000 distinct
   * 512-character titles (as many hostile upserts, ranked once each as candidates or by the cache's
   * coherence check) filled the 4 Mi characters for the JVM's lifetime, and from then on every
   * other title was analysed anew each time it was ranked (its terms, codes, quantities, ...: 7 to
   * 15 times the cost of a candidate's features, ~45-100 ms instead of ~6 ms for 200 candidates). A
   * title asked for again after that is kept, and what filled the budget before is let go.
   */
  @Test
  void aTitleAskedForAgainIsKeptWhateverFilledTheBudgetBefore() {
    TitleCache<Integer> cache = new TitleCache<>(1_000);
    for (int i = 0; i < 10_000; i++) {
      String junk = "junk " + i + " " + "w".repeat(i % 300);
      assertThat(cache.get(junk, String::length)).isEqualTo(junk.length());
    }
    AtomicInteger computed = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      assertThat(cache.get("HP 823A", counted(computed))).isEqualTo(7);
    }
    assertThat(computed).hasValue(1);
    assertThat(cache.keptChars()).isLessThanOrEqualTo(1_000);
  }

  /**
   * A title in use (asked for again before half the budget of other titles came) stays kept while
   * other titles come and go past the budget.
   */
  @Test
  void aTitleInUseOutlivesTitlesPassingThrough() {
    TitleCache<Integer> cache = new TitleCache<>(1_000);
    AtomicInteger computed = new AtomicInteger();
    for (int i = 0; i < 10_000; i++) {
      String junk = "junk " + i + " " + "w".repeat(i % 300);
      cache.get(junk, String::length);
      cache.get("HP 823A", counted(computed));
    }
    assertThat(computed).hasValue(1);
    assertThat(cache.keptChars()).isLessThanOrEqualTo(1_000);
  }

  @Test
  void rejectsANegativeBudget() {
    assertThatThrownBy(() -> new TitleCache<>(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budgetChars");
  }
}
