package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.retrieval.Bm25Queries;
import org.junit.jupiter.api.Test;

/**
 * {@code title_bigrams} ({@link RankingFeatures#TITLE_BIGRAMS}) tells the title a query's words
 * come from, in their order, from siblings holding the same words scattered: what coverage and BM25
 * cannot.
 */
class TitleBigramsTest {
  private final RankingFeatures features = HybridRanker.features();

  private double share(String query, String title) {
    Product p = new Product("p", title, "StarTech.com", "", "", null, null);
    return features.of(features.query(query), p, 0, 0, -1, -1)[RankingFeatures.TITLE_BIGRAMS];
  }

  private static String pair(String a, String b) {
    return a + Bm25Queries.BIGRAM_JOIN + b;
  }

  @Test
  void theTitleHoldingTheQueryInSequenceBeatsOneHoldingItsWordsScattered() {
    String query = "Startech 4 Port USB VGA";
    double source = share(query, "StarTech.com 4 Port USB VGA IP KVM Switch with Virtual Media");
    double sibling = share(query, "StarTech.com 4 Port Professional VGA USB KVM Switch with Hub");
    assertThat(source).isGreaterThan(sibling);
    // "4 port", "port usb", "usb vga" of the query's four pairs; "startech startech.com" not
    assertThat(source).isCloseTo(3.0 / 4 * 5 / 8, within(1e-9)); // five tokens of eight
    assertThat(sibling).isCloseTo(1.0 / 4 * 5 / 8, within(1e-9)); // "4 port" only
  }

  /**
   * The code features name a product a query names by code; word order would rank the device's own
   * title ("Epson LQ-690 dot matrix printer") above the accessory the query asks for ("Ribbon
   * Cartridge for LQ-690").
   */
  @Test
  void aQueryNamingACodeScoresZero() {
    assertThat(share("epson lq-690 ribbon", "Epson LQ-690 dot matrix printer")).isZero();
    assertThat(share("hp cf280a toner", "HP CF280A toner cartridge Original Black")).isZero();
  }

  @Test
  void aQueryOfOneTermHasNoBigramsAndScoresZero() {
    assertThat(share("switch", "HP ProCurve 2512 Switch")).isZero();
  }

  @Test
  void aStopWordLeavesAGapNoPairSpans() {
    assertThat(Bm25Queries.bigrams(Analyzers.allText(), "case for laptop"))
        .doesNotContain(pair("case", "laptop"));
  }

  @Test
  void aCatenatedPartPairsWithTheTermAfterBothParts() {
    // "Hi-Speed" is hi + speed and their catenation hispeed, which spans both positions
    assertThat(Bm25Queries.bigrams(Analyzers.allText(), "Hi-Speed Active"))
        .contains(pair("hi", "speed"), pair("speed", "active"), pair("hispeed", "active"))
        .doesNotContain(pair("hispeed", "speed"));
  }

  @Test
  void termsAreComparedAsAnalysedCaseAndPluralAside() {
    // every pair held, times the length signal of a two-word query (2 / 8)
    assertThat(share("laptop stands", "Kensington SmartFit Laptop Stand & USB Hub"))
        .isEqualTo(2.0 / 8);
    assertThat(share("laptop stands", "Kensington Laptop Cooling Stand")).isZero();
  }
}
