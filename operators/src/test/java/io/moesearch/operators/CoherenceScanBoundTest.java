package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.live.UpsertSignature;
import io.moesearch.state.CachedResult;
import org.junit.jupiter.api.Test;

/**
 * A cache check ranks at most {@value #BOUND} kept upserts against an answer's entry cut, whatever
 * a catalogue feed leaves kept: past that the answer is recomputed (never served on a partial
 * check), and below it the check decides as before. Counted, not timed.
 */
class CoherenceScanBoundTest {
  private static final int BOUND = CatalogCoherence.MAX_RANKED_PER_CHECK;

  private static long ranked(CatalogCoherence c) {
    return c.keptBelowCut.getCount() + c.staleNewDense.getCount() + c.staleNewLexical.getCount();
  }

  /**
   * 4,096 upserts newer than the answer, each entering its candidates (an expert it searched, its
   * dense list cut short) and none reaching its top k: the check ranks at most the bound of them,
   * and does not serve the answer it could not finish checking.
   */
  @Test
  void aFeedOfCandidatesIsRankedAtMostToTheBoundAndTheAnswerIsNotServed() throws Exception {
    UpsertFlood flood = new UpsertFlood(CacheLookup.UPSERTS_KEPT);
    CatalogCoherence coherence = flood.coherence();
    long first = System.currentTimeMillis() - 1_500;
    flood.record(coherence, first, 333, true);
    CachedResult r = flood.answer("usb cable", first - 100, -1f, 100f);
    float[] vector = UpsertFlood.embed("usb cable");
    long asOf = coherence.coherentAsOf(r, "usb cable", flood.views(), () -> vector, first + 1_500);
    assertThat(ranked(coherence)).isLessThanOrEqualTo(BOUND);
    assertThat(asOf).isEqualTo(CatalogCoherence.INCOHERENT);
    assertThat(coherence.staleByRankingBudget.getCount()).isEqualTo(1);
  }

  /** Fewer candidates than the bound, none reaching: ranked every one, and served as before. */
  @Test
  void underTheBoundEveryCandidateIsRankedAndTheAnswerServed() throws Exception {
    UpsertFlood flood = new UpsertFlood(BOUND);
    CatalogCoherence coherence = flood.coherence();
    long first = System.currentTimeMillis() - 1_500;
    flood.record(coherence, first, 333, true);
    CachedResult r = flood.answer("usb cable", first - 100, -1f, 100f);
    float[] vector = UpsertFlood.embed("usb cable");
    long asOf = coherence.coherentAsOf(r, "usb cable", flood.views(), () -> vector, first + 1_500);
    assertThat(coherence.keptBelowCut.getCount()).isEqualTo(BOUND);
    assertThat(asOf).isNotEqualTo(CatalogCoherence.INCOHERENT);
  }

  /**
   * Exactness: among a feed of candidates that cannot reach the top k, one product that can (its
   * cut's last score is 0: anything entering reaches it) still makes the answer stale, wherever it
   * is in the state, with the bound or without.
   */
  @Test
  void aProductThatCanReachTheTopKStillMakesTheAnswerStale() throws Exception {
    for (int n : new int[] {10, BOUND, CacheLookup.UPSERTS_KEPT}) {
      UpsertFlood flood = new UpsertFlood(n);
      CatalogCoherence coherence = flood.coherence();
      long first = System.currentTimeMillis() - 1_500;
      flood.record(coherence, first, 333, true);
      // The answer's experts did not take the feed (expert 0 is not among them)...
      CachedResult high = flood.answer("usb cable", first - 100, 0.99f, 100f);
      CachedResult r =
          new CachedResult(
              high.version(),
              high.items(),
              new int[] {0, 1},
              high.createdAt(),
              -1f,
              high.lexicalFloor(),
              new io.moesearch.core.rank.EntryCut(0.1f, 20f, 20f, 9, -100f, 1f, 9));
      float[] vector = UpsertFlood.embed("usb cable");
      long asOf =
          coherence.coherentAsOf(r, "usb cable", flood.views(), () -> vector, first + 1_500);
      assertThat(asOf).as("%d upserts", n).isEqualTo(CatalogCoherence.INCOHERENT);
      assertThat(ranked(coherence)).as("%d upserts", n).isBetween(1L, (long) BOUND + 1);
    }
  }

  /** The signatures the fixture signs are the apply operator's (scored, ranked fields kept). */
  @Test
  void theFeedIsSignedAsTheApplyOperatorSignsIt() throws Exception {
    UpsertFlood flood = new UpsertFlood(4);
    UpsertSignature s = flood.signature(0, 1, new int[] {0});
    assertThat(s.bm25Version()).isEqualTo(UpsertFlood.VERSION);
    assertThat(s.title()).isNotNull();
  }
}
