package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.catalog.Product;
import org.junit.jupiter.api.Test;

class UpsertSignatureTest {
  private static final float[] X = {1, 0, 0};
  private static final float[] Y = {0, 1, 0};
  private static final float[] XY = {0.6f, 0.8f, 0};

  private static UpsertSignature washer(int[] experts, float[] vector) {
    return UpsertSignature.of(
        1_000,
        experts,
        vector,
        new Product("p1", "Hoover DXOC67C3 washing machines", "Hoover", "DXOC67C3", "", 1.0, null));
  }

  @Test
  void aProductSharingAnAnalysedTermWithTheQueryMayEnterWhateverItsExperts() {
    UpsertSignature s = washer(new int[] {9}, Y);
    // Different case, separator and plural: the BM25 analysis matches them.
    for (String q : new String[] {"dxoc-67c3", "washing machine", "HOOVER"}) {
      assertThat(s.mayEnter(new int[] {1, 2}, 0.99f, X, UpsertSignature.queryTerms(q)))
          .as(q)
          .isTrue();
    }
  }

  @Test
  void withoutASharedTermOnlyAProductInASearchedExpertScoringAboveTheFloorMayEnter() {
    int[] none = UpsertSignature.queryTerms("laptop bag");
    // Not in a searched expert: cannot come in through the dense branch.
    assertThat(washer(new int[] {9}, X).mayEnter(new int[] {1, 2}, -1f, X, none)).isFalse();
    // In a searched expert, exact score 0.6 against floors 0.5 (enters) and 0.7 (does not).
    UpsertSignature s = washer(new int[] {2}, XY);
    assertThat(s.mayEnter(new int[] {1, 2}, 0.5f, X, none)).isTrue();
    assertThat(s.mayEnter(new int[] {1, 2}, 0.7f, X, none)).isFalse();
    // Within the slack below the floor it still counts as entering.
    assertThat(s.mayEnter(new int[] {1, 2}, 0.61f, X, none)).isTrue();
    // A list cut short admits anything its expert holds.
    assertThat(washer(new int[] {2}, Y).mayEnter(new int[] {2}, UpsertSignature.ANY, X, none))
        .isTrue();
  }

  @Test
  void anUnknownFloorOrQueryVectorFallsBackToTheExpertRule() {
    int[] none = UpsertSignature.queryTerms("laptop bag");
    UpsertSignature s = washer(new int[] {2}, Y);
    assertThat(s.mayEnter(new int[] {2}, Float.NaN, X, none)).isTrue();
    assertThat(s.mayEnter(new int[] {2}, 0.9f, null, none)).isTrue();
    assertThat(s.mayEnter(new int[] {3}, Float.NaN, null, none)).isFalse();
  }

  @Test
  void termsMustBeSortedAndDistinct() {
    assertThatThrownBy(() -> new UpsertSignature(0, new int[0], X, new int[] {2, 1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(UpsertSignature.termHashes(java.util.List.of("b", "a", "b"))).isSorted().hasSize(2);
  }
}
