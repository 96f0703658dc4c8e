package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import org.junit.jupiter.api.Test;

/**
 * {@code brand_match} reads a brand as shoppers write it ({@link BrandNames}): without its web
 * domain or legal form, misspelled where the query starts, by its initials there; and not a common
 * word farther on, nor two-word initials.
 */
class BrandNamesTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private boolean named(String query, String brand) {
    Product p = new Product("p", "Some product", brand, "", "", null, null);
    return features.of(features.query(query), p, 0.5, 0.5, -1, -1)[RankingFeatures.BRAND_MATCH]
        == 1;
  }

  @Test
  void aBrandAsWrittenIsNamedAsBefore() {
    assertThat(named("Lexmark T640 toner", "Lexmark")).isTrue();
    assertThat(named("startech.com hdmi cable", "StarTech.com")).isTrue();
    assertThat(named("tripp-lite usb hub", "Tripp Lite")).isTrue();
    assertThat(named("hp 650 black", "HP")).isTrue();
    assertThat(named("usb hub", "Tripp Lite")).isFalse();
  }

  @Test
  void aBrandWithoutItsWebDomainOrLegalFormIsNamed() {
    assertThat(named("Startech Hot Swap SATA/SAS Backplane", "StarTech.com")).isTrue();
    assertThat(named("star tech 4 port usb vga", "StarTech.com")).isTrue();
    assertThat(named("kingston 8gb ddr4", "Kingston Technology")).isTrue();
    assertThat(named("cherry keyboard", "CHERRY GmbH")).isTrue();
    assertThat(named("hp 650", "HP Inc")).isTrue(); // a word of the query
    assertThat(named("hpe proliant", "HP Inc")).isFalse(); // 2 letters: not inside a word
    assertThat(BrandNames.forms("Inc").name()).isEqualTo("inc"); // nothing but a legal form
  }

  @Test
  void aMisspelledBrandAtTheQueryStartIsNamed() {
    assertThat(named("Lemark T640, T642, T644 High", "Lexmark")).isTrue(); // a letter dropped
    assertThat(named("Kensingston Laser Pointer", "Kensington")).isTrue(); // one added
    assertThat(named("Epsom Black Fabric Ribbon Cartridge", "Epson")).isTrue(); // one replaced
    assertThat(named("leveolne hdspider hdmi", "LevelOne")).isTrue(); // two swapped: one edit
    assertThat(named("trip lite usb 2.0 hi-speed a/b", "Tripp Lite")).isTrue(); // two words
    assertThat(named("Staruech.com Stereo RCA", "StarTech.com")).isTrue();
    assertThat(named("supermirco 1u chassis", "Supermicro")).isTrue(); // 10 letters: two edits
  }

  @Test
  void aCommonWordIsNoMisspelledBrand() {
    assertThat(named("usb power cable", "2-Power")).isFalse(); // not at the start; has a digit
    assertThat(named("power bank 10000", "2-Power")).isFalse(); // a digit in the brand
    assertThat(named("black toner cartridge lemark", "Lexmark")).isFalse(); // not at the start
    assertThat(named("apple ipad", "Acer")).isFalse(); // 4 letters: no typo read
    assertThat(named("rpson ink", "Epson")).isFalse(); // the first letter as written
    assertThat(named("epsxxn ink", "Epson")).isFalse(); // two edits in 5 letters
  }

  @Test
  void initialsOfThreeOrFourWordsAtTheQueryStartNameTheBrand() {
    assertThat(named("American Power Conversion Basic Rack PDU", "APC")).isTrue();
    assertThat(named("basic rack pdu american power conversion", "APC")).isFalse();
    assertThat(named("hewlett packard elitebook", "HP")).isFalse(); // two words: too ambiguous
    assertThat(named("hole punch", "HP")).isFalse();
  }

  @Test
  void optimalStringAlignmentCountsASwapAsOneEdit() {
    assertThat(BrandNames.withinTypos("leveolne", "levelone", 1)).isTrue();
    assertThat(BrandNames.withinTypos("lemark", "lexmark", 1)).isTrue();
    assertThat(BrandNames.withinTypos("lmeark", "lexmark", 1)).isFalse();
    assertThat(BrandNames.withinTypos("lexmrak", "lexmark", 1)).isTrue();
    // optimal string alignment edits no substring twice: a deletion inside a swap is 3, not 2
    assertThat(BrandNames.withinTypos("lmeark", "lexmark", 2)).isFalse();
    assertThat(BrandNames.withinTypos("abc", "abc", 0)).isTrue();
    assertThat(BrandNames.withinTypos("abcdefgh", "hgfedcba", 2)).isFalse();
  }
}
