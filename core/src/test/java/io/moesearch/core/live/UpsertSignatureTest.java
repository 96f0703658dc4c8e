package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.LexicalStatistics;
import io.moesearch.core.index.ProductDocuments;
import io.moesearch.core.retrieval.Bm25Queries;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

class UpsertSignatureTest {
  /** A product of {@code n} distinct words that no ordinary query names. */
  private static Product manyWords(int n) {
    StringBuilder words = new StringBuilder();
    for (int i = 0; i < n; i++) {
      words.append(" word").append(Integer.toString(i, 26).replace('0', 'z'));
    }
    return new Product("huge", words.toString().trim(), "", "", "", 1.0, null);
  }

  /**
   * A text of more distinct terms than a signature keeps is bounded at the source: that many kept
   * exactly, the rest folded into a bit set, its experts and embedding kept.
   */
  @Test
  void aProductOfMoreTermsThanASignatureKeepsIsSignedWithTheRestFolded() {
    Product hostile = manyWords(UpsertSignature.MAX_TERMS + 1);
    assertThat(UpsertSignature.productTerms(hostile)).hasSizeGreaterThan(UpsertSignature.MAX_TERMS);
    UpsertSignature s = UpsertSignature.of(1L, new int[] {3}, X, hostile);
    assertThat(s.terms()).hasSize(UpsertSignature.MAX_TERMS);
    assertThat(s.folded()).isNotNull();
    assertThat(s.experts()).containsExactly(3);
    assertThat(s.vector()).containsExactly(X);
    Product small = new Product("s", "washing machine", "", "", "", 1.0, null);
    assertThat(UpsertSignature.of(1L, new int[] {3}, X, small).terms()).hasSize(2);
    assertThat(UpsertSignature.of(1L, new int[] {3}, X, small).folded()).isNull();
    // 64 KB of distinct words (some 15,000 terms): still bounded.
    UpsertSignature huge = UpsertSignature.of(1L, new int[] {3}, X, manyWords(12_000));
    assertThat(huge.terms()).hasSize(UpsertSignature.MAX_TERMS);
    assertThat(huge.folded()).hasSizeLessThanOrEqualTo(UpsertSignature.MAX_FOLDED_WORDS);
  }

  /**
   * A query's terms are those the lexical branch searches, its query analysis included: a barcode
   * typed in the digit groups printed under its bars ("0 95205 60321 7") is one GTIN there, and a
   * product upserted with that GTIN shares it (the index's analysis, which never joins groups, read
   * it as four numbers the product's terms lack).
   */
  @Test
  void aQueryTypingABarcodeInItsPrintedGroupsSharesItsTermWithTheProductCarryingIt() {
    Product p =
        new Product("g", "Some cable", "", "", "", 1.0, java.util.Map.of("ean", "0095205603217"));
    UpsertSignature s = UpsertSignature.of(1L, new int[] {3}, X, p);
    assertThat(s.sharesTerm(UpsertSignature.queryTerms("0 95205 60321 7"))).isTrue();
  }

  /**
   * Such a product does not share a term with a query naming none of its words (before, its terms
   * were dropped and it shared one with every query: every cached answer recomputed), and does with
   * one naming any of them, kept or folded.
   */
  @Test
  void aProductOfMoreTermsThanKeptSharesNoTermWithAQueryItDoesNotContain() {
    Product huge = manyWords(UpsertSignature.MAX_TERMS + 1);
    UpsertSignature s = UpsertSignature.of(1, new int[] {9}, X, huge);
    assertThat(s.sharesTerm(UpsertSignature.queryTerms("hdmi cable")))
        .as(
            "an upsert of %d words none of which is 'hdmi' or 'cable'",
            UpsertSignature.MAX_TERMS + 1)
        .isFalse();
    for (String word : huge.title().split(" ")) {
      assertThat(s.sharesTerm(UpsertSignature.queryTerms(word + " cable"))).as(word).isTrue();
    }
  }

  /** Likewise signed with the lexical index's statistics, as the apply operator signs it. */
  @Test
  void soSignedWithTheLexicalIndexStatisticsAsTheApplyOperatorSignsIt() throws Exception {
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing()))) {
      w.addDocument(
          ProductDocuments.toDocument(
              0, new Product("1", "hdmi cable", "Anker", "", "", 5.0, null), null));
    }
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      UpsertSignature s =
          UpsertSignature.of(
              1,
              new int[] {9},
              X,
              manyWords(UpsertSignature.MAX_TERMS + 1),
              new LexicalStatistics(reader),
              "v1");
      int[] query = UpsertSignature.queryTerms("hdmi cable");
      assertThat(s.sharesTerm(query)).isFalse();
      assertThat(s.mayEnterLexically(query, 0f, "v1")).isFalse();
    }
  }

  /**
   * A bounded signature is sound: it shares a term with every query the full one does, and scores
   * at least as high for it (so a cached answer the product could enter is still recomputed); it
   * keeps the highest-scoring terms exactly.
   */
  @Test
  void aBoundedSignatureSharesEveryTermOfTheFullOneAndScoresAtLeastAsHigh() {
    java.util.Random random = new java.util.Random(42);
    int n = 3_000;
    int[] terms = random.ints().distinct().limit(n).sorted().toArray();
    float[] bm25 = new float[n];
    for (int i = 0; i < n; i++) {
      bm25[i] = random.nextFloat() * 3;
    }
    UpsertSignature full = new UpsertSignature(1, new int[] {1}, X, terms, bm25, "v1");
    UpsertSignature bounded = full.bounded();
    assertThat(bounded.terms()).hasSize(UpsertSignature.MAX_TERMS);
    float[] sorted = bm25.clone();
    java.util.Arrays.sort(sorted);
    float lowestKept = sorted[n - UpsertSignature.MAX_TERMS];
    for (float kept : bounded.bm25()) {
      assertThat(kept).isGreaterThanOrEqualTo(lowestKept);
    }
    assertThat(bounded.foldedBm25()).isLessThanOrEqualTo(lowestKept);
    int misses = 0;
    for (int trial = 0; trial < 2_000; trial++) {
      int[] query =
          java.util.stream.IntStream.concat(
                  random.ints(2),
                  java.util.stream.IntStream.of(terms[random.nextInt(n)]).limit(trial % 2))
              .sorted()
              .distinct()
              .toArray();
      if (full.sharesTerm(query)) {
        assertThat(bounded.sharesTerm(query)).isTrue();
      } else if (!bounded.sharesTerm(query)) {
        misses++;
      }
      assertThat(bounded.lexicalScore(query))
          .isGreaterThanOrEqualTo(full.lexicalScore(query) * (1 - 1e-6));
    }
    // Most queries sharing no term with it are still told apart (a bit set of ~8 bits per hash).
    assertThat(misses).isGreaterThan(700);
    assertThat(bounded.bounded()).isSameAs(bounded);
    assertThat(new UpsertSignature(1, new int[] {1}, X, terms).bounded().sharesTerm(terms))
        .isTrue();
  }

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

  /**
   * The signature's lexical score is Lucene's: a product upserted into a live slot scores, for
   * every query, what the signature sums over the terms they share (to 0.01%), and a rare term
   * weighs more than a common one; a floor above the score keeps the answer, one at or below it
   * does not.
   */
  @Test
  void theLexicalScoreIsTheProductsBm25ScoreInTheLiveSlotForEveryQuery() throws Exception {
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing()))) {
      String[] titles = {
        "usb cable 2m", "usb charger 65w", "hdmi cable 3m", "washing machine 8kg", "usb hub 4 port"
      };
      for (int i = 0; i < titles.length; i++) {
        Product p =
            new Product("b" + i, titles[i], i % 2 == 0 ? "Anker" : "Hoover", "", "", 1.0, null);
        w.addDocument(ProductDocuments.toDocument(i, p, X));
      }
    }
    // Its trade item numbers are indexed stacked (no part of its BM25 length): the signature too.
    Product washer =
        new Product(
            "p1",
            "Hoover DXOC67C3 washing machines usb",
            "Hoover",
            "DXOC67C3",
            "",
            1.0,
            java.util.Map.of("ean", "0095205603217 4006381333931 8715946625836"));
    try (DirectoryReader reader = DirectoryReader.open(dir);
        LiveSlot slot = LiveSlot.lexicalOnly()) {
      ExpertIndex base = ExpertIndex.over(reader);
      slot.apply(DeltaEntry.live(washer, 1, true, X));
      UpsertSignature s = UpsertSignature.of(1, new int[] {2}, X, washer, base.statistics(), "v1");
      for (String q :
          new String[] {
            "usb",
            "hoover washing machine",
            "dxoc67c3",
            "dxoc-67c3 hoover",
            "usb cable",
            "hoover",
            "095205603217",
            "hoover 4006381333931"
          }) {
        Candidate c =
            slot.lexicalTopK(base, new Bm25Queries().query(q), 20, LiveFilter.NONE).stream()
                .filter(x -> x.productId().equals("p1"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("not found: " + q));
        int[] terms = UpsertSignature.queryTerms(q);
        assertThat(s.lexicalScore(terms)).as(q).isCloseTo(c.score(), withinPercentage(0.01));
        assertThat(s.mayEnterLexically(terms, c.score(), "v1")).as(q).isTrue();
        assertThat(s.mayEnterLexically(terms, c.score() * 1.01f, "v1")).as(q).isFalse();
        assertThat(s.mayEnterLexically(terms, Float.MAX_VALUE, "v2"))
            .as("another version's answer: as if the IDFs were unknown")
            .isTrue();
      }
      assertThat(s.lexicalScore(UpsertSignature.queryTerms("dxoc67c3")))
          .as("a term new to the artifact weighs more than one in most of its products")
          .isGreaterThan(s.lexicalScore(UpsertSignature.queryTerms("usb")));
      assertThat(s.mayEnterLexically(UpsertSignature.queryTerms("laptop bag"), 0f, "v1"))
          .as("no shared term: never")
          .isFalse();
      assertThat(
              washer(new int[] {2}, X)
                  .mayEnterLexically(UpsertSignature.queryTerms("hoover"), 99f, "v1"))
          .as("IDFs unknown: any shared term")
          .isTrue();
    }
  }

  /**
   * Over an artifact index without text the delta is scored with its own statistics, which the
   * signature cannot know: its BM25 scores are unknown (any shared term counts), not 0.
   */
  @Test
  void anArtifactWithoutTextLeavesTheScoresUnknown() throws Exception {
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing())).close();
    try (DirectoryReader reader = DirectoryReader.open(dir)) {
      UpsertSignature s =
          UpsertSignature.of(
              1,
              new int[] {2},
              X,
              new Product("p1", "Hoover washer", "Hoover", "", "", 1.0, null),
              ExpertIndex.over(reader).statistics(),
              "v1");
      assertThat(s.bm25()).isNull();
      assertThat(s.mayEnterLexically(UpsertSignature.queryTerms("hoover"), 99f, "v1")).isTrue();
    }
  }
}
