package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The model-code features {@code code_exact} and {@code code_near}: a query naming a code matches
 * the product carrying that code (in its model field or, for an offer without one, its title)
 * across case and separators, and a product with a near-identical code is told apart from it.
 */
class CodeMatchTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private static Product offer(String id, String title) {
    return new Product(id, title, "", "", "", null, null); // a shop offer: no brand, no model
  }

  private double[] f(String query, Product p) {
    return features.of(features.query(query), p, 0.8, 0.5, -1, -1);
  }

  @Test
  void codesAreNormalisedAcrossCaseAndSeparatorsAndSplitCodesAreJoined() {
    assertThat(RankingFeatures.codes("Hoover DXOC67C3")).contains("dxoc67c3");
    assertThat(RankingFeatures.codes("hoover dxoc-67c3")).contains("dxoc67c3");
    assertThat(RankingFeatures.codes("DXOC 67C3 washer")).contains("dxoc67c3");
    assertThat(RankingFeatures.codes("dxoc67c3/dxoc67c3")).contains("dxoc67c3");
    assertThat(RankingFeatures.codes("Intel i9-7940X")).contains("i97940x", "i9");
    assertThat(RankingFeatures.codes("Moto G5 2GB RAM")).contains("g5").doesNotContain("2gb");
  }

  @Test
  void quantitiesAndPlainWordsAreNotCodes() {
    assertThat(RankingFeatures.codes("usb cable 3m 16GB black")).isEmpty();
    assertThat(RankingFeatures.codes("washing machine")).isEmpty();
  }

  @Test
  void nearCodesDifferByADigitOrAnExtension() {
    assertThat(RankingFeatures.nearCode("dxoc67c3", "dxoc47c3")).isTrue();
    assertThat(RankingFeatures.nearCode("dxoc67c3", "dxoc68c3b")).isTrue();
    assertThat(RankingFeatures.nearCode("mw8014s", "mw8014p")).isTrue();
    assertThat(RankingFeatures.nearCode("g5", "g5s")).isTrue();
    assertThat(RankingFeatures.nearCode("dxoc67c3", "dxoc67c3")).isFalse();
    assertThat(RankingFeatures.nearCode("mw8014s", "mwd7512s")).isFalse();
    assertThat(RankingFeatures.nearCode("i7", "i5")).as("too short to tell").isFalse();
  }

  @Test
  void theNamedCodeIsAnExactMatchEvenWithoutAModelFieldItsNeighboursAreNear() {
    Product named = offer("named", "hoover dxoc67c3 washing machine 7kg");
    Product digit = offer("digit", "Hoover DXOC47C3 washing machine");
    Product longer = offer("longer", "Hoover DXOC68C3B washing machine");
    Product other = offer("other", "Hoover HL4 washing machine");
    for (String q : List.of("Hoover DXOC67C3", "hoover dxoc-67c3", "DXOC 67C3 washing machine")) {
      assertThat(f(q, named)[RankingFeatures.CODE_EXACT]).as(q).isEqualTo(1);
      assertThat(f(q, named)[RankingFeatures.CODE_NEAR]).as(q).isZero();
      assertThat(f(q, digit)[RankingFeatures.CODE_EXACT]).as(q).isZero();
      assertThat(f(q, digit)[RankingFeatures.CODE_NEAR]).as(q).isEqualTo(1);
      assertThat(f(q, longer)[RankingFeatures.CODE_NEAR]).as(q).isEqualTo(1);
      assertThat(f(q, other)[RankingFeatures.CODE_EXACT] + f(q, other)[RankingFeatures.CODE_NEAR])
          .as(q)
          .isZero();
    }
    Product g5 = offer("g5", "Motorola Moto G5 2GB RAM 16GB grey");
    Product g5s = offer("g5s", "Motorola moto g5s 3GB RAM 32GB");
    assertThat(f("Moto G5 2GB RAM", g5)[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(f("Moto G5 2GB RAM", g5s)[RankingFeatures.CODE_NEAR]).isEqualTo(1);
  }

  @Test
  void theModelFieldCountsToo() {
    Product p =
        new Product("p", "Xerox toner cartridge black", "Xerox", "006R90321", "", null, null);
    assertThat(f("xerox 006r90321", p)[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(f("xerox 006r90322", p)[RankingFeatures.CODE_NEAR]).isEqualTo(1);
  }

  @Test
  void aCategoryQueryHasNoCodeFeatures() {
    Product named = offer("named", "hoover dxoc67c3 washing machine");
    assertThat(f("washing machine", named)[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(f("washing machine", named)[RankingFeatures.CODE_NEAR]).isZero();
  }
}
