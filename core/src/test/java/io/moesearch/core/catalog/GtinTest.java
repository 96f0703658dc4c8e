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
}
