package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import org.junit.jupiter.api.Test;

/**
 * The {@code number_missing} feature: a query naming a product line and a number ("Eaton Protection
 * Box 6") marks the products of the line whose title and model field do not hold that number, and
 * only bare numbers count: not quantities, decimals, codes or part numbers.
 */
class NumberMissingTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private static Product product(String title, String model) {
    return new Product("p", title, "Eaton", model, "", null, null);
  }

  private double missing(String query, Product p) {
    return features.of(features.query(query), p, 0.8, 0.5, -1, -1)[RankingFeatures.NUMBER_MISSING];
  }

  /**
   * A barcode typed in its printed groups is one part number to the ranking as to BM25 (which joins
   * the groups whatever punctuation is around them): its "4" is no number its product must hold.
   */
  @Test
  void aBarcodeTypedInGroupsHasNoBareNumberWhateverPunctuationSurroundsIt() {
    Product pencil = product("Faber-Castell 9000 pencil HB", "");
    assertThat(missing("4 006381 333931", pencil)).isZero();
    assertThat(missing("4 006381 333931.", pencil)).isZero();
    assertThat(missing("ean: 4 006381 333931, pencil", pencil)).isZero();
  }

  /**
   * "Max" names products ("Air Max 90", "iPhone 11 Pro Max 256") and "pound" a weight ("10 pound
   * dumbbell", as "pound" is no unit SpelledUnits reads, a currency too): the number after or
   * before them is the product's, not a price.
   */
  @Test
  void aNumberAfterMaxOrBeforePoundIsNoPrice() {
    assertThat(RankingFeatures.numbers("nike air max 90")).containsExactly("90");
    assertThat(RankingFeatures.numbers("iphone 11 pro max 256")).containsExactly("11", "256");
    assertThat(RankingFeatures.numbers("10 pound dumbbell")).containsExactly("10");
    assertThat(missing("nike air max 90", product("Nike Air Max 270 React", ""))).isEqualTo(1);
    // a price stays one
    assertThat(RankingFeatures.numbers("air max under 90 £ 80 70 gbp")).isEmpty();
  }

  @Test
  void aQuerysBareNumbersAreItsWordsOfOneToFourDigits() {
    assertThat(RankingFeatures.numbers("Eaton Protection Box 6")).containsExactly("6");
    assertThat(RankingFeatures.numbers("HP Photosmart 7660 (1024)"))
        .containsExactly("7660", "1024");
    // a quantity spaced from its unit, abbreviated or spelled out, is a length or a size
    assertThat(RankingFeatures.numbers("cable 25 ft 16 GB 3 feet 17 inches 2 metres")).isEmpty();
    // a decimal, a code, a number glued to a unit and a part number are read by other features
    assertThat(RankingFeatures.numbers("USB 2.0 hp 5y nbd 6in hook OKI 43872305")).isEmpty();
    // a price is no number of the product
    assertThat(RankingFeatures.numbers("hp cf280a $80 toner 80€ € 70 60 eur under 50")).isEmpty();
    assertThat(RankingFeatures.numbers("tripp lite less than 30 power strip 20"))
        .containsExactly("20");
    assertThat(RankingFeatures.numbers("hp cf280a 80 € toner 2")).containsExactly("2");
    // a number before a word that opens with a digit is no quantity ("4307th" is no unit)
    assertThat(RankingFeatures.numbers("hp probook 430 7th gen")).containsExactly("430");
  }

  @Test
  void aNumberIsHeldAsAWholeNumberNotAsPartOfAnother() {
    assertThat(RankingFeatures.holdsNumber("eaton protection box 6 din", "6")).isTrue();
    assertThat(RankingFeatures.holdsNumber("hp 110-volt maintenance kit", "110")).isTrue();
    assertThat(RankingFeatures.holdsNumber("memory 1024mb", "1024")).isTrue();
    assertThat(RankingFeatures.holdsNumber("canon ir c-exv14 original", "14")).isFalse();
    assertThat(RankingFeatures.holdsNumber("box 16", "6")).isFalse();
    assertThat(RankingFeatures.holdsNumber("box 61", "6")).isFalse();
    assertThat(RankingFeatures.holdsNumber("cable 1.6 m", "6")).isFalse();
    assertThat(RankingFeatures.holdsNumber("cable 1.6 m", "1")).isFalse();
    assertThat(RankingFeatures.holdsNumber("cable 1,6 m", "6")).isFalse();
    assertThat(RankingFeatures.holdsNumber("page 1, 6 copies", "6")).isTrue();
    // a generation written before its number
    assertThat(RankingFeatures.holdsNumber("hp probook 455r g6 notebook", "6")).isTrue();
    assertThat(RankingFeatures.holdsNumber("lenovo p330 tower gen2", "2")).isTrue();
    assertThat(RankingFeatures.holdsNumber("hp 455r g6", "55")).isFalse();
    assertThat(RankingFeatures.holdsNumber("moto eg6", "6")).isFalse();
    // a series' letters before a number of 3 or more digits, which shoppers drop
    assertThat(RankingFeatures.holdsNumber("canon laserbase mf3110 laser", "3110")).isTrue();
    assertThat(RankingFeatures.holdsNumber("intel q6600 processor", "6600")).isTrue();
    assertThat(RankingFeatures.holdsNumber("targus tcg200 notebook case", "200")).isTrue();
    // not inside a longer code, nor after a word of more than four letters
    assertThat(RankingFeatures.holdsNumber("intel bx80562q6600", "6600")).isFalse();
    assertThat(RankingFeatures.holdsNumber("toner cartridge6600", "6600")).isFalse();
  }

  @Test
  void theFeatureIsTheShareOfTheQuerysNumbersTheProductDoesNotHold() {
    assertThat(missing("Eaton Protection Box 6", product("Eaton Protection Box 1 FR", "")))
        .isEqualTo(1.0);
    assertThat(missing("Eaton Protection Box 6", product("Eaton Protection Box 6 DIN", "")))
        .isZero();
    // the model field counts as the title does
    assertThat(missing("Eaton Protection Box 6", product("Eaton Protection Box", "PB 6 DIN")))
        .isZero();
    assertThat(missing("Photosmart 7660 1024", product("HP Photosmart 7660 printer", "")))
        .isEqualTo(0.5);
    // no bare number, no signal
    assertThat(missing("Eaton Protection Box", product("Eaton Protection Box 1 FR", ""))).isZero();
  }

  @Test
  void aFitNeverRewardsAMissingNumber() {
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.DENSE_X_CODE] = -0.5;
    w[RankingFeatures.NUMBER_MISSING] = 0.01;
    assertThat(RankingFeatures.admissible(w)).isFalse();
    w[RankingFeatures.NUMBER_MISSING] = -0.01;
    assertThat(RankingFeatures.admissible(w)).isTrue();
  }
}
