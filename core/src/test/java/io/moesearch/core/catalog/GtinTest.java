package io.moesearch.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A GTIN typed in the digit groups printed under its bars reads as the one number it is. */
class GtinTest {
  @Test
  void printedDigitGroupsOfAValidGtinAreJoined() {
    assertThat(Gtin.joinPrintedGroups("0 882780 756373")).isEqualTo("0882780756373");
    assertThat(Gtin.joinPrintedGroups("ean 0 95205 60321 7 hp")).isEqualTo("ean 095205603217 hp");
    // the longest valid run from the left: a number before the groups stays a word of its own
    assertThat(Gtin.joinPrintedGroups("2 x 0 882780 756373")).isEqualTo("2 x 0882780756373");
  }

  @Test
  void groupsFailingTheCheckDigitOrTooLongStayAndTheTextIsReturnedAsIs() {
    String text = "0  882780 756374"; // wrong check digit, two spaces kept
    assertThat(Gtin.joinPrintedGroups(text)).isSameAs(text);
    assertThat(Gtin.joinPrintedGroups("12345 67890 12345")).isEqualTo("12345 67890 12345");
    assertThat(Gtin.joinPrintedGroups("")).isEmpty();
  }

  /**
   * The query's analysis joins the groups whatever punctuation surrounds them ({@code
   * SpacedGtinFilter} reads tokens, which the tokenizer and the word-delimiter filter strip of it):
   * the ranking's text must read the same number, or the barcode's own product misses its groups'
   * numbers ({@code number_missing}) while BM25 finds it by the joined one.
   */
  @Test
  void groupsWithinPunctuationAreJoinedAsTheQuerysAnalysisJoinsThem() {
    assertThat(Gtin.joinPrintedGroups("4 006381 333931.")).isEqualTo("4006381333931.");
    assertThat(Gtin.joinPrintedGroups("(4 006381 333931)")).isEqualTo("(4006381333931)");
    assertThat(Gtin.joinPrintedGroups("ean: 4 006381 333931, pencil"))
        .isEqualTo("ean: 4006381333931, pencil");
    // a decimal is no group
    String decimal = "4 006381 333931.5";
    assertThat(Gtin.joinPrintedGroups(decimal)).isSameAs(decimal);
  }
}
