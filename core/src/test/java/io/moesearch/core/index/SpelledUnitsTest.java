package io.moesearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.core.retrieval.Bm25Queries;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.junit.jupiter.api.Test;

/**
 * Units spelled out after a number read as their symbols, in the BM25 analysis and the ranking's
 * quantities ({@link SpelledUnits}); a unit's name elsewhere stays a word; offsets point into the
 * text as written.
 */
class SpelledUnitsTest {
  private final Analyzer analyzer = Analyzers.allText();

  private Set<String> terms(String text) {
    return Bm25Queries.terms(analyzer, text);
  }

  @Test
  void aSpelledUnitAfterANumberIsAnalysedAsItsSymbol() {
    assertThat(terms("8 gig")).isEqualTo(terms("8GB"));
    assertThat(terms("512meg memory")).isEqualTo(terms("512 MB memory"));
    assertThat(terms("1 Terabyte")).isEqualTo(terms("1TB"));
    assertThat(terms("cable 3 metre")).isEqualTo(terms("cable 3m"));
    assertThat(terms("cable 3 meters")).isEqualTo(terms("cable 3 m"));
    assertThat(terms("20 meters, Red")).isEqualTo(terms("20m, Red"));
    assertThat(terms("6 feet")).isEqualTo(terms("6ft"));
    assertThat(terms("1,5 litre")).isEqualTo(terms("1,5 l"));
  }

  @Test
  void aUnitsNameElsewhereStaysAWord() {
    assertThat(terms("power meter")).contains("meter");
    assertThat(terms("gig bag for 2 guitars")).contains("gig");
    assertThat(terms("A4 metres")).contains("metre"); // "A4" is no number: a code
    assertThat(SpelledUnits.normalize("meters of cable")).isEqualTo("meters of cable");
  }

  /**
   * The pattern matches case-insensitively in Unicode ("LİTRE" of a Turkish keyboard, "lıtre",
   * "kiloſ", "Kilo" with the Kelvin sign): each such match reads as its symbol, never as "null".
   */
  @Test
  void aSpellingMatchedByUnicodeCaseReadsAsItsSymbol() {
    assertThat(SpelledUnits.normalize("5 L\u0130TRE")).isEqualTo("5 l");
    assertThat(SpelledUnits.normalize("5 l\u0131tre")).isEqualTo("5 l");
    assertThat(SpelledUnits.normalize("2 kilo\u017f")).isEqualTo("2 kg");
    assertThat(SpelledUnits.normalize("2 \u212ailo")).isEqualTo("2 kg");
    assertThat(terms("water 5 L\u0130TRE")).doesNotContain("null").isEqualTo(terms("water 5 l"));
  }

  @Test
  void theRankingReadsSpelledQuantitiesAndNoCodeInThem() {
    assertThat(RankingFeatures.quantities("3 metre cable")).isEqualTo(Map.of("m", Set.of("3")));
    assertThat(RankingFeatures.quantities("15 inches")).isEqualTo(Map.of("in", Set.of("15")));
    assertThat(RankingFeatures.quantities("4.7 gig")).isEqualTo(Map.of("gb", Set.of("4.7")));
    RankingFeatures features = new RankingFeatures(analyzer);
    assertThat(features.query("hp pc2-5300 512meg memory").code()).isEqualTo(1); // pc2-5300
    assertThat(RankingFeatures.codes(SpelledUnits.normalize("512meg memory"))).isEmpty();
    assertThat(RankingFeatures.codes("512meg memory")).contains("512meg"); // as written: a code
  }

  @Test
  void offsetsPointIntoTheTextAsWritten() throws Exception {
    String text = "kit 2 feet and 512meg ok";
    List<String> seen = termsAtOffsets(text);
    assertThat(seen).contains("kit@kit", "2@2", "512@512", "ok@ok");
    assertThat(seen).anyMatch(s -> s.startsWith("ft@") && s.endsWith("feet"));
  }

  /** A unit glued to its number: its symbol's offsets cover the unit as written, not part of it. */
  @Test
  void aGluedUnitsSymbolPointsAtTheUnit() throws Exception {
    String text = "ram 512meg 8gig 3mtr ok";
    List<String> seen = termsAtOffsets(text);
    assertThat(seen)
        .contains("512@512", "mb@meg", "8@8", "gb@gig", "3@3", "m@mtr", "ok@ok")
        .doesNotContain("mb@eg", "gb@ig", "m@tr");
  }

  /** Each term of the analysed text as "term@the text its offsets cover". */
  private List<String> termsAtOffsets(String text) throws Exception {
    List<String> seen = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("f", new StringReader(text))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        seen.add(term + "@" + text.substring(offset.startOffset(), offset.endOffset()));
      }
      ts.end();
    }
    return seen;
  }
}
