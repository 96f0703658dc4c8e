package io.moesearch.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.RankedItem;
import org.junit.jupiter.api.Test;

/** The size estimate the L1 cache bounds its heap by grows with items and title lengths. */
class CachedResultTest {
  private static CachedResult result(int items, int titleChars) {
    RankedItem[] ranked = new RankedItem[items];
    for (int i = 0; i < items; i++) {
      ranked[i] = new RankedItem("p" + i, "t".repeat(titleChars), 1f, 9.99, true);
    }
    return new CachedResult("v1", ranked, new int[] {1, 2, 3}, 0, Float.NaN, Float.NaN);
  }

  @Test
  void anAnswerOfManyLongItemsIsEstimatedAtLeastAtItsCharacters() {
    long small = result(10, 40).estimatedBytes();
    long large = result(100, RankedItem.MAX_TITLE_CHARS).estimatedBytes();
    assertThat(small).isBetween(1_000L, 4_000L);
    // 100 titles of 512 UTF-16 units retain at least 100 kB
    assertThat(large).isGreaterThan(100L * 2 * RankedItem.MAX_TITLE_CHARS);
    assertThat(result(0, 0).estimatedBytes()).isPositive();
  }
}
