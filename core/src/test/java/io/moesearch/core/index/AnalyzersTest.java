package io.moesearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.retrieval.Bm25Queries;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.jupiter.api.Test;

/** The BM25 field's e-commerce analysis: each case of issue #17 item 3 as input → terms. */
class AnalyzersTest {
  private final Analyzer analyzer = Analyzers.allText();

  private Set<String> terms(String text) {
    return Bm25Queries.terms(analyzer, text);
  }

  @Test
  void aModelCodeIsOneTermWhateverItsCaseAndSeparators() {
    assertThat(terms("DXOC67C3")).contains("dxoc67c3");
    assertThat(terms("dxoc-67c3")).contains("dxoc67c3");
    assertThat(terms("Hoover DXOC67C3 washing machine")).contains("dxoc67c3", "hoover");
    assertThat(terms("dxoc67c3/dxoc67c3")).contains("dxoc67c3").doesNotContain("dxoc67c3dxoc67c3");
    assertThat(terms("i9-7940X")).contains("i97940x", "7940");
    assertThat(terms("I9-7940x")).isEqualTo(terms("i9-7940X"));
  }

  @Test
  void aCodeWithASlashedSuffixAlsoGivesItsPartsJoined() {
    // Typed without the slash, the code finds the product (issue #17: "HP635000" for Philips'
    // HP6350/00 found nothing in either ranking).
    assertThat(terms("Philips HP6350/00 shaver")).contains("hp6350", "00", "hp635000", "shaver");
    assertThat(terms("HP635000")).contains("hp635000");
    assertThat(terms("Senseo HD7820/60")).contains("hd782060");
    assertThat(terms("HP 15/78 Original")).contains("1578");
    assertThat(terms("HX432S20IBK2/64")).contains("hx432s20ibk264");
    assertThat(terms("Ansmann CR1/3N")).contains("cr13n");
    // Left whole by the word-delimiter filter: no parts of the joined term are added.
    assertThat(terms("HD7820/60")).doesNotContain("782060");
    // Not a suffix: fractions, hours, alternatives, lists, a spaced slash.
    assertThat(terms("1/4 inch jack")).doesNotContain("14");
    assertThat(terms("24/7 support")).doesNotContain("247");
    assertThat(terms("HP CP2020/CP2025")).doesNotContain("cp2020cp2025");
    assertThat(terms("dell r640/t140/r74")).doesNotContain("t140r74", "r640t140");
    assertThat(terms("USB / PS2")).doesNotContain("usbps2");
    assertThat(terms("USB/PS2")).contains("usbps2");
  }

  @Test
  void aTradeItemNumberIsOneTermInEachOfItsLengths() {
    // UPC-A, EAN-13 and GTIN-14 of one item; an EAN-8 padded alike
    assertThat(terms("882780756373")).containsExactly("00882780756373");
    assertThat(terms("0882780756373")).containsExactly("00882780756373");
    assertThat(terms("00882780756373")).containsExactly("00882780756373");
    assertThat(terms("96385074")).containsExactly("00000096385074");
    // A wrong check digit, or a length no GTIN has, leaves the number as typed
    assertThat(terms("882780756374")).containsExactly("882780756374");
    assertThat(terms("12345")).containsExactly("12345");
    // A barcode written with separators is caught by its catenation
    assertThat(terms("0-882780-75637-3")).contains("00882780756373");
  }

  @Test
  void aPlusSignEndingAWordOrStandingAloneIsTheWordPlus() {
    assertThat(terms("Sonicare FlexCare+ toothbrush")).contains("flexcare", "plus");
    assertThat(terms("flexcare plus")).isEqualTo(Set.of("flexcare", "plus"));
    assertThat(terms("CHERRY G84-4100, USB + PS/2")).contains("usb", "plus", "ps");
    assertThat(terms("Galaxy S10+")).contains("s10", "plus");
    // a plus inside a name or before a number is no word
    assertThat(terms("Verbatim DVD+R 16x")).doesNotContain("plus");
    assertThat(terms("+5V rail")).doesNotContain("plus");
  }

  @Test
  void aTradeItemNumberTypedInItsPrintedDigitGroupsIsJoinedInQueries() {
    // EAN-13 as printed under its bars (1 + 6 + 6), UPC-A (1 + 5 + 5 + 1), words around them
    assertThat(terms("0 882780 756373")).contains("0", "882780", "756373", "00882780756373");
    assertThat(terms("epson 0 88278 07563 73 ink")).contains("00882780756373", "epson", "ink");
    assertThat(terms("0 95205 60321 7")).contains("00095205603217");
    // groups whose digits fail the check digit, or are more than a GTIN's 14, stay apart
    assertThat(terms("0 882780 756374")).containsExactly("0", "882780", "756374");
    assertThat(terms("123 0 882780 756373"))
        .contains("00882780756373")
        .doesNotContain("1230882780756373");
    // the index keeps the text's own tokens: a product's digits are not joined
    assertThat(Bm25Queries.terms(Analyzers.allTextIndexed(), "0 882780 756373"))
        .doesNotContain("00882780756373");
  }

  /**
   * The indexing analysis stacks trade item numbers (no part of a document's length) and keeps a
   * valid token stream whatever surrounds them: separated barcodes (a graph of parts), a barcode
   * first, stop words before it, long lists.
   */
  @Test
  void theIndexedStreamStacksTradeItemNumbersAndStaysValid() throws Exception {
    Analyzer indexed = Analyzers.allTextIndexed();
    java.util.Random random = new java.util.Random(17);
    List<String> texts =
        new ArrayList<>(
            List.of(
                "Epson ink 0882780756373",
                "0882780756373 Epson ink",
                "the 0882780756373",
                "Epson 0-882780-75637-3 ink",
                "0-882780-75637-3",
                "ink 882780756373/0882780756373 96385074 12345670",
                "HD7820/60 HD7820/60/61 /60 60/ a/b/ 1/23 ab/c12 x/ /",
                "0882780756373/12 the/123 123/the"));
    for (int i = 0; i < 200; i++) {
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < 1 + random.nextInt(8); w++) {
        sb.append(
                random.nextBoolean()
                    ? "0882780756373"
                    : random.nextBoolean() ? "the" : random.nextBoolean() ? "ink" : "hd7820")
            .append("- /.".charAt(random.nextInt(4)));
      }
      texts.add(sb.toString());
    }
    for (String text : texts) {
      int length = 0;
      int stacked = 0;
      int position = -1;
      try (TokenStream ts = indexed.tokenStream(IndexFields.ALL_TEXT, text)) {
        PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
        ts.reset();
        while (ts.incrementToken()) {
          assertThat(position + inc.getPositionIncrement()).as(text).isGreaterThanOrEqualTo(0);
          position += inc.getPositionIncrement();
          length++;
          if (inc.getPositionIncrement() == 0) {
            stacked++;
          }
        }
        ts.end();
      }
      assertThat(terms(text)).as(text).isEqualTo(Bm25Queries.terms(indexed, text));
      if (text.equals("Epson ink 0882780756373")) {
        assertThat(length - stacked).as("counted in the length: epson, ink").isEqualTo(2);
      }
    }
    // Lucene's indexer accepts every one of them (it refuses a stream whose positions go back).
    try (var dir = new org.apache.lucene.store.ByteBuffersDirectory();
        var w =
            new org.apache.lucene.index.IndexWriter(
                dir, new org.apache.lucene.index.IndexWriterConfig(Analyzers.forIndexing()))) {
      for (String text : texts) {
        var doc = new org.apache.lucene.document.Document();
        doc.add(
            new org.apache.lucene.document.TextField(
                IndexFields.ALL_TEXT, text, org.apache.lucene.document.Field.Store.NO));
        w.addDocument(doc);
      }
    }
  }

  @Test
  void aNearbyModelCodeIsADifferentTerm() {
    assertThat(terms("DXOC47C3")).contains("dxoc47c3").doesNotContain("dxoc67c3");
  }

  @Test
  void aNumberGluedToAUnitEqualsTheNumberAndTheUnit() {
    assertThat(terms("16gb")).containsExactly("16", "gb");
    assertThat(terms("16 GB")).containsExactly("16", "gb");
    assertThat(terms("16GB")).containsExactly("16", "gb");
    assertThat(terms("3m")).containsExactly("3", "m");
    assertThat(terms("3 m")).containsExactly("3", "m");
    assertThat(terms("256GB/8GB")).containsExactly("256", "gb", "8");
  }

  @Test
  void aUnitIsNotSplitOffTheEndOfAModelCode() {
    assertThat(terms("AB12M")).contains("ab12m");
  }

  @Test
  void pluralsStemToTheSingularWithoutOverStemming() {
    assertThat(terms("watches")).containsExactly("watch");
    assertThat(terms("boxes")).containsExactly("box");
    assertThat(terms("loafers")).containsExactly("loafer");
    assertThat(terms("speakers")).containsExactly("speaker");
    // Porter maps both of these to "gener" / "organ"; the light stemmer keeps them apart.
    assertThat(terms("general")).doesNotContainAnyElementsOf(terms("generator"));
    assertThat(terms("organic")).doesNotContainAnyElementsOf(terms("organ"));
  }

  @Test
  void possessivesStopWordsAndAccentsAreRemoved() {
    assertThat(terms("Men's watch for the café")).containsExactly("men", "watch", "cafe");
  }
}
