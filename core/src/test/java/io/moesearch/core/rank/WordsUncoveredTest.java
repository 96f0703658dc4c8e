package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code words_uncovered} reads queries of words and sizes ({@link
 * RankingFeatures#WORDS_UNCOVERED}): no digit but in the quantities {@link
 * RankingFeatures#quantities} reads.
 */
class WordsUncoveredTest {
  private final RankingFeatures features = HybridRanker.features();

  @Test
  void aQueryOfWordsAndSizesIsWordsOnly() {
    assertThat(features.query("epson black fabric ribbon cartridge").wordsOnly).isTrue();
    assertThat(features.query("cable utp cross 3 metre").wordsOnly).isTrue();
    assertThat(features.query("epson ribbon 2 pack").wordsOnly).isTrue();
    assertThat(features.query("hp 81 yellow designjet").wordsOnly).isFalse();
  }

  /** A digit that is in no quantity {@link RankingFeatures#quantities} reads is a bare number. */
  @Test
  void aNumberQuantitiesDoNotReadIsNoSize() {
    assertThat(RankingFeatures.quantities("hp 4 in one printer")).isEmpty(); // "5 in 1": a word
    assertThat(features.query("hp 4 in one printer").wordsOnly).isFalse();
    assertThat(RankingFeatures.quantities("usb 12345678901234567890gb stick")).isEmpty();
    assertThat(features.query("usb 12345678901234567890gb stick").wordsOnly).isFalse();
  }
}
