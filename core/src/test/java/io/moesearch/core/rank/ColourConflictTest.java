package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import org.junit.jupiter.api.Test;

class ColourConflictTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private boolean conflict(String query, String title) {
    return features.colourConflict(features.query(query), title);
  }

  /** A title naming other colours than the query's conflicts; one naming the query's does not. */
  @Test
  void aTitleNamingOnlyOtherColoursConflicts() {
    String query = "C2G 50ft Cat6 550MHz Snagless Patch Cable Black";
    assertThat(conflict(query, "C2G 50ft Cat6 550MHz Snagless Patch Cable Blue networking cable"))
        .isTrue();
    assertThat(conflict(query, "C2G 50ft Cat6 550MHz Snagless Patch Cable Black networking cable"))
        .isFalse();
    assertThat(conflict("hp 90 original cyan 3 pc(s)", "HP 90 Original Magenta 3 pc(s)")).isTrue();
    assertThat(conflict("hp 90 original cyan 3 pc(s)", "HP 90 Original Cyan 1 pc(s)")).isFalse();
  }

  /** Nothing contradicts a query without a colour, or a title without one; spellings agree. */
  @Test
  void noColourOnEitherSideAndSpellingsAreNoConflict() {
    assertThat(conflict("C2G 50ft Cat6 patch cable", "C2G 50ft Cat6 Patch Cable Blue")).isFalse();
    assertThat(conflict("patch cable black", "C2G 50ft Cat6 Patch Cable")).isFalse();
    assertThat(conflict("patch cable gray", "C2G Patch Cable Grey")).isFalse();
    assertThat(conflict("combo pack black, cyan", "HP 90 Original Cyan")).isFalse();
    // Whole words only: "redundant" names no red, "Goldfinch" no gold.
    assertThat(conflict("red cable", "redundant power supply")).isFalse();
    assertThat(conflict("gold cable", "Goldfinch cable white")).isTrue();
    assertThat(RankingFeatures.colours("Goldfinch redundant")).isEmpty();
    // A material is not a colour: solid copper cable names none.
    assertThat(conflict("cat5e installation cable blue", "Cat5e Solid Copper 305m")).isFalse();
  }

  /** The feature carries the conflict. */
  @Test
  void theFeatureIsOneOnAConflict() {
    Product blue = new Product("1", "C2G Patch Cable Blue", "C2G", "", "", null, null);
    double[] f = features.of(features.query("c2g patch cable black"), blue, 0.5, 0.5, 0, 0);
    assertThat(f[RankingFeatures.COLOUR_CONFLICT]).isEqualTo(1);
    double[] g = features.of(features.query("c2g patch cable blue"), blue, 0.5, 0.5, 0, 0);
    assertThat(g[RankingFeatures.COLOUR_CONFLICT]).isZero();
  }
}
