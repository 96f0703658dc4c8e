package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TitleCacheTest {
  /** A repeated title is computed once. */
  @Test
  void keepsWhatItComputed() {
    TitleCache<Integer> cache = new TitleCache<>();
    AtomicInteger computed = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      assertThat(
              cache.get(
                  "HP 823A",
                  t -> {
                    computed.incrementAndGet();
                    return t.length();
                  }))
          .isEqualTo(7);
    }
    assertThat(computed).hasValue(1);
    assertThat(cache.keptChars()).isEqualTo(7);
  }

  /**
   * Any number of long or distinct titles (a hostile catalogue-update topic) keeps at most the
   * budget: a title over {@link TitleCache#MAX_TITLE_CHARS} is never kept, and titles beyond the
   * budget are computed every time, with the right value.
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
    assertThat(computed).hasValue(2);
  }

  @Test
  void rejectsANegativeBudget() {
    assertThatThrownBy(() -> new TitleCache<>(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budgetChars");
  }
}
