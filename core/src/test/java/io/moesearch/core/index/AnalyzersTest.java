package io.moesearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.retrieval.Bm25Queries;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
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
