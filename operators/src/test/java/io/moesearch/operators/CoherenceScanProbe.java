package io.moesearch.operators;

import io.moesearch.state.CachedResult;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Measurement, not a test (its name keeps it out of the suite; run it with {@code
 * -Dtest=CoherenceScanProbe}): what one cache check ({@link CatalogCoherence#coherentAsOf}) costs
 * while a shop's catalogue feed streams in, with 4,096 kept upserts of Icecat products all newer
 * than the cached answer. Prints the median and worst time per check and how many upserts each
 * scored with the ranking features ({@code keptNewProductBelowCut}).
 */
class CoherenceScanProbe {
  private static final int KEPT = CacheLookup.UPSERTS_KEPT;

  @Test
  void printTheCostOfACheckDuringAFeed() throws Exception {
    UpsertFlood flood = new UpsertFlood(KEPT);
    long first = System.currentTimeMillis() - 1_500;
    // Worst case: every upsert joined an expert the answer searched, whose dense list was cut
    // short (floor -1): each enters its candidates and must be ranked against its entry cut.
    run("all enter (dense floor -1), none reach", flood, first, true, -1f, List.of("usb cable"));
    // A full feed of unrelated products into their own experts, real BM25 floors.
    flood = new UpsertFlood(KEPT);
    run(
        "realistic floors (dense 0.5)",
        flood,
        first,
        false,
        0.5f,
        List.of("usb cable", "hp toner", "samsung monitor", "notebook", "cable", "black"));
  }

  private static void run(
      String name,
      UpsertFlood flood,
      long first,
      boolean intoAnswerExperts,
      float denseFloor,
      List<String> queries)
      throws Exception {
    CatalogCoherence coherence = flood.coherence();
    // 3,000 upserts a second: 4,096 within 1.4 s.
    flood.record(coherence, first, 333, intoAnswerExperts);
    CatalogCoherence.Views views = flood.views();
    long now = first + 1_500;
    for (String q : queries) {
      CachedResult r = flood.answer(q, first - 100, denseFloor, 100f);
      float[] vector = UpsertFlood.embed(q);
      long before = coherence.keptBelowCut.getCount();
      long asOf = coherence.coherentAsOf(r, q, views, () -> vector, now);
      long scored = coherence.keptBelowCut.getCount() - before;
      for (int i = 0; i < 20; i++) {
        coherence.coherentAsOf(r, q, views, () -> vector, now);
      }
      long[] t = new long[40];
      for (int i = 0; i < t.length; i++) {
        long s = System.nanoTime();
        coherence.coherentAsOf(r, q, views, () -> vector, now);
        t[i] = System.nanoTime() - s;
      }
      Arrays.sort(t);
      System.out.printf(
          "PROBE %-40s %-16s kept=%d scored=%d verdict=%s median=%.3f ms max=%.3f ms%n",
          name,
          "'" + q + "'",
          views.upserts().get(flood.feed.get(0).id()) == null ? -1 : KEPT,
          scored,
          asOf == CatalogCoherence.INCOHERENT ? "stale" : "served",
          t[t.length / 2] / 1e6,
          t[t.length - 1] / 1e6);
    }
  }
}
