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

  /**
   * A colour written in a European shop's language is that colour ("HP 624A rojo", "hp 72 zolty",
   * "canon bci-1421 noir"): the other colours' cartridges conflict, the named one does not.
   */
  @Test
  void coloursInOtherLanguagesAreReadAsTheirColour() {
    assertThat(RankingFeatures.colours("hp 72 żółty")).containsExactly("yellow");
    assertThat(RankingFeatures.colours("hp 72 zolty")).containsExactly("yellow");
    assertThat(RankingFeatures.colours("canon bci-1421 noir")).containsExactly("black");
    assertThat(RankingFeatures.colours("Druckerpatrone schwarz")).containsExactly("black");
    assertThat(conflict("HP 624A rojo", "HP 624A Original Cyan")).isTrue();
    assertThat(conflict("HP 624A rojo", "HP 624A Original Magenta")).isFalse();
    assertThat(conflict("hp 364XL błękitny", "HP 364XL Original Cyan")).isFalse();
    assertThat(conflict("hp 364XL błękitny", "HP 364XL Original Yellow")).isTrue();
    assertThat(conflict("HP 88xl nero", "HP 88XL Original Black")).isFalse();
    assertThat(conflict("HP 88xl nero", "HP 88XL Original Yellow")).isTrue();
  }

  /**
   * Printing names cyan blue and magenta red or purple: a shopper's "blue" for the cyan cartridge
   * is no conflict, nor "purpurowy" (Polish for magenta); a query's "cyan" means cyan (HP 70 sells
   * a blue and a cyan cartridge).
   */
  @Test
  void nearColoursOfPrintingAreNoConflict() {
    assertThat(conflict("hp 81 blue ink", "HP 81 Original Cyan")).isFalse();
    assertThat(conflict("hp 81 tinte blau", "HP 81 Original Cyan")).isFalse();
    assertThat(conflict("hp 81 red", "HP 81 Original Magenta")).isFalse();
    assertThat(conflict("hp 81 purpurowy", "HP 81 Original Magenta")).isFalse();
    assertThat(conflict("hp 81 blue ink", "HP 81 Original Magenta")).isTrue();
    assertThat(conflict("hp 70 cyan ink cartridge", "HP 70 Blue Ink Cartridge")).isTrue();
    assertThat(conflict("HP 70 magenta cartridge", "HP 70 Red Ink Cartridge")).isTrue();
  }

  /** German, Dutch and Romance inflections and plurals of a colour are that colour. */
  @Test
  void inflectedColoursAreTheirColour() {
    assertThat(RankingFeatures.colours("patrone gelbe hp 11")).containsExactly("yellow");
    assertThat(RankingFeatures.colours("schwarzes gehäuse")).containsExactly("black");
    assertThat(RankingFeatures.colours("hp 364 zwarte")).containsExactly("black");
    assertThat(RankingFeatures.colours("tinta amarillos")).containsExactly("yellow");
    assertThat(RankingFeatures.colours("inchiostro neri")).containsExactly("black");
    assertThat(RankingFeatures.colours("CANON CLI-521 JAUNES")).containsExactly("yellow");
    assertThat(RankingFeatures.colours("wkład czarne")).containsExactly("black");
    assertThat(RankingFeatures.colours("hp 02 inkoust černá")).containsExactly("black");
    assertThat(RankingFeatures.colours("hp 643a sárga")).containsExactly("yellow");
    assertThat(RankingFeatures.colours("80 syaani")).containsExactly("cyan");
    // English words that merely end like an inflection stay what they are
    assertThat(RankingFeatures.colours("roses tone redo gripe")).isEmpty();
  }

  /** "Blu-ray" names no colour; Italian "blu" alone does. */
  @Test
  void bluRayIsNoColour() {
    assertThat(RankingFeatures.colours("Sony BDP-S1700 Blu-ray player")).isEmpty();
    assertThat(RankingFeatures.colours("bluray blu ray")).isEmpty();
    assertThat(RankingFeatures.colours("blu-rays, blue ray, blue-ray discs")).isEmpty();
    assertThat(conflict("sony bdp-s1700 blu-ray", "Sony BDP-S1700 Black")).isFalse();
    assertThat(RankingFeatures.colours("HP 91 cartuccia blu")).containsExactly("blue");
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

  /**
   * A colour near the query's conflicts when the product's line has one named by the query's colour
   * itself: "canon pfi-701 red" asks for the Red cartridge, not the Magenta one beside it; "hp 88
   * blue" (no blue HP 88) still finds the cyan one, and a "Blue" product outside the line changes
   * nothing.
   */
  @Test
  void aNearColourConflictsWhenItsLineNamesTheQuerysColour() {
    Product red =
        new Product("r", "Canon PFI-701R Red Original", "Canon", "PFI-701R", "", null, null);
    Product magenta =
        new Product("m", "Canon PFI-701M Magenta Original", "Canon", "PFI-701M", "", null, null);
    java.util.List<HybridRanker.Scored> fused = fuse("canon pfi-701 red", red, magenta);
    assertThat(colourConflict(fused, "m")).isEqualTo(1);
    assertThat(colourConflict(fused, "r")).isZero();
    assertThat(fused.get(0).productId()).isEqualTo("r");

    Product cyan = new Product("c", "HP 88 Original Cyan", "HP", "C9386AE", "", null, null);
    Product cable =
        new Product("b", "C2G 88ft Cat6 Patch Cable Blue", "C2G", "C2G-31340", "", null, null);
    fused = fuse("hp 88 blue", cyan, cable);
    assertThat(colourConflict(fused, "c")).as("no Blue cartridge of the line").isZero();
  }

  private java.util.List<HybridRanker.Scored> fuse(String q, Product a, Product b) {
    RankingFeatures.QueryTerms qt = features.query(q);
    return HybridRanker.fuse(
        q,
        java.util.List.of(),
        java.util.List.of(
            new HybridRanker.Scored(a.id(), a.title(), features.of(qt, a, 0.5, 0.9, -1, -1)),
            new HybridRanker.Scored(b.id(), b.title(), features.of(qt, b, 0.5, 1, -1, -1))),
        EntryCutTest.SERVED,
        20,
        10);
  }

  private static double colourConflict(java.util.List<HybridRanker.Scored> fused, String id) {
    return fused.stream()
        .filter(s -> s.productId().equals(id))
        .findFirst()
        .orElseThrow()
        .features()[RankingFeatures.COLOUR_CONFLICT];
  }
}
