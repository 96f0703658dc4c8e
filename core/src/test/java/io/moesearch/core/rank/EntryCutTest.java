package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.index.Candidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryCutTest {
  private static final String[] WORDS = {
    "hoover", "black", "cable", "usb", "16gb", "adapter", "white", "dxoc67c3", "dxoc47c3", "hdmi",
    "charger", "2m", "samsung", "case", "blue", "memory", "card", "washer", "mouse", "red"
  };
  private static final String[] BRANDS = {"", "Hoover", "Samsung", "Belkin"};
  private static final String[] MODELS = {"", "DXOC67C3", "DXOC47C3", "EVO-16"};
  private static final int K = 10;
  private static final int DENSE_DEPTH = 20;
  private static final int LEXICAL_DEPTH = 100;

  private final HybridRanker ranker = new HybridRanker();

  private static String title(Random r) {
    int n = 2 + r.nextInt(5);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  private static Candidate candidate(Random r, String id, float score) {
    return new Candidate(
        -1,
        id,
        title(r),
        BRANDS[r.nextInt(BRANDS.length)],
        MODELS[r.nextInt(MODELS.length)],
        score);
  }

  private static LinearFusion randomFusion(Random r) {
    switch (r.nextInt(4)) {
      case 0 -> {
        return LinearFusion.rrf();
      }
      case 1 -> {
        // Of the shape a fit gives (ranking.weights): bm25_rr weighs most.
        return new LinearFusion(
            new double[] {
              0.0085, 0.021, -0.0064, 0.015, 0.024, 0.11, 0.59, -0.012, -0.0005, 0.054, 0.099,
              -0.036, -0.0045, -0.015
            });
      }
      default -> {}
    }
    double[] w = new double[RankingFeatures.NAMES.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextDouble() * 0.7 - 0.1;
    }
    return new LinearFusion(w);
  }

  private static List<String> ids(List<HybridRanker.Scored> list) {
    return list.stream().map(HybridRanker.Scored::productId).toList();
  }

  /**
   * The contract the query cache relies on, against the fusion itself: for random answers (random
   * titles, brands, model codes, scores and fusion weights), whenever {@link EntryCut#mayReach}
   * says a new BM25 hit outside the dense list cannot reach the top k, fusing with it inserted in
   * the BM25 list at its score's rank gives the same top k in the same order; and the cut does keep
   * many answers (it is not {@code true} everywhere).
   */
  @Test
  void aNewHitTheCutRejectsLeavesTheFusedTopKAsItWas() {
    Random r = new Random(42);
    int kept = 0;
    int reached = 0;
    int changedTopK = 0;
    for (int scenario = 0; scenario < 400; scenario++) {
      String query = title(r);
      LinearFusion fusion = randomFusion(r);
      List<Candidate> hits = new ArrayList<>();
      for (int i = 0; i < LEXICAL_DEPTH; i++) {
        hits.add(candidate(r, "l" + i, 1 + r.nextFloat() * 20));
      }
      hits.sort(Comparator.comparingDouble(c -> -c.score()));
      List<Candidate> denseCandidates = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        // Some dense candidates are BM25 hits too.
        String id = r.nextInt(3) == 0 ? "l" + r.nextInt(LEXICAL_DEPTH) : "d" + i;
        denseCandidates.add(candidate(r, id, 0.3f + r.nextFloat() * 0.6f));
      }
      List<HybridRanker.Scored> dense = ranker.denseTop(query, denseCandidates, DENSE_DEPTH);
      double denseCut =
          dense.stream().mapToDouble(s -> s.features()[RankingFeatures.DENSE]).min().orElse(0);
      double[] cosines = new double[LEXICAL_DEPTH];
      for (int i = 0; i < cosines.length; i++) {
        cosines[i] = r.nextDouble() * 0.8;
      }
      List<HybridRanker.Scored> lexical =
          ranker.lexical(query, hits, c -> cosines[Integer.parseInt(c.productId().substring(1))]);
      List<HybridRanker.Scored> top = HybridRanker.fuse(dense, lexical, fusion, DENSE_DEPTH, K);
      float floor = hits.get(hits.size() - 1).score();
      EntryCut cut = EntryCut.of(lexical, floor, top, fusion, K);
      assertThat(cut).isNotNull();
      for (int n = 0; n < 5; n++) {
        // Mostly just below the bar and the dense cut, titled as the query: near the boundary.
        float below = n == 0 ? hits.get(0).score() : cut.bm25Bar();
        float bm25 = floor + (float) Math.sqrt(r.nextDouble()) * (below - floor) * 0.999f;
        double cosine = Math.sqrt(r.nextDouble()) * denseCut; // not a dense candidate
        Candidate drawn = candidate(r, "new" + n, bm25);
        Candidate u =
            r.nextBoolean()
                ? drawn
                : new Candidate(-1, drawn.productId(), query, drawn.brand(), drawn.model(), bm25);
        boolean mayReach =
            cut.mayReach(
                fusion,
                HybridRanker.features(),
                HybridRanker.features().query(query),
                HybridRanker.rankedProduct(u.productId(), u.title(), u.brand(), u.model()),
                cosine,
                0,
                bm25,
                0);
        List<Candidate> withNew = new ArrayList<>(hits);
        withNew.add(u);
        withNew.sort(Comparator.comparingDouble(c -> -c.score()));
        List<HybridRanker.Scored> lexical2 =
            ranker.lexical(
                query,
                withNew.subList(0, LEXICAL_DEPTH),
                c -> c == u ? cosine : cosines[Integer.parseInt(c.productId().substring(1))]);
        List<HybridRanker.Scored> top2 = HybridRanker.fuse(dense, lexical2, fusion, DENSE_DEPTH, K);
        boolean changed = !ids(top2).equals(ids(top));
        if (changed) {
          assertThat(mayReach).as("scenario %d, new hit %d", scenario, n).isTrue();
          changedTopK++;
        }
        if (mayReach) {
          reached++;
        } else {
          kept++;
        }
      }
    }
    // The cut keeps most answers, and the hits that did change a top k tested it.
    assertThat(kept).isGreaterThan(1000);
    assertThat(changedTopK).isGreaterThan(50);
  }

  /**
   * A new hit whose BM25 score reaches the bar (it could be among the 10 hits the query signals
   * read, or above an item of the answer) may always reach the top k, as one carrying the query's
   * model code does (the code_exact normalisation moves other candidates).
   */
  @Test
  void aHitAtTheBarOrCarryingTheQuerysCodeMayAlwaysReach() {
    EntryCut cut = new EntryCut(0.1f, 20f, 10f, 9, 100f);
    LinearFusion rrf = LinearFusion.rrf();
    RankingFeatures f = HybridRanker.features();
    var plain = HybridRanker.rankedProduct("u", "usb cable", "", "");
    assertThat(cut.mayReach(rrf, f, f.query("usb cable"), plain, 0, 0, 9.9, 0)).isFalse();
    assertThat(cut.mayReach(rrf, f, f.query("usb cable"), plain, 0, 0, 10, 0)).isTrue();
    assertThat(cut.mayReach(rrf, f, f.query("usb cable"), plain, 0, 0, 9.995, 1e-3)).isTrue();
    var coded = HybridRanker.rankedProduct("u", "hoover washer", "Hoover", "DXOC67C3");
    assertThat(cut.mayReach(rrf, f, f.query("hoover dxoc67c3"), coded, 0, 0, 1, 0)).isTrue();
  }

  /**
   * No cut is drawn where it could not bound a new hit: fewer items than asked, a BM25 list of
   * fewer than 10 hits, or an unknown floor.
   */
  @Test
  void noCutWithoutAFullAnswerOrAKnownBm25Scale() {
    Random r = new Random(7);
    List<Candidate> hits = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      hits.add(candidate(r, "l" + i, 20 - i));
    }
    List<HybridRanker.Scored> lexical = ranker.lexical("usb cable", hits, c -> 0.5);
    List<HybridRanker.Scored> top =
        HybridRanker.fuse(List.of(), lexical, LinearFusion.rrf(), DENSE_DEPTH, K);
    assertThat(EntryCut.of(lexical, 9f, top, LinearFusion.rrf(), K)).isNotNull();
    assertThat(EntryCut.of(lexical, 9f, top, LinearFusion.rrf(), 13)).isNull();
    assertThat(EntryCut.of(lexical.subList(0, 9), 12f, top, LinearFusion.rrf(), K)).isNull();
    assertThat(EntryCut.of(lexical, 0f, top, LinearFusion.rrf(), K)).isNull();
    EntryCut cut = EntryCut.of(lexical, 9f, top, LinearFusion.rrf(), K);
    assertThat(cut.barRank()).isEqualTo(9); // every item is among the first 10 hits
    assertThat(cut.bm25Top()).isCloseTo(20f, org.assertj.core.data.Offset.offset(1e-4f));
    assertThat(cut.bm25Bar()).isCloseTo(11f, org.assertj.core.data.Offset.offset(1e-4f));
  }

  @Test
  void rejectsValuesNoFusionGives() {
    assertThatThrownBy(() -> new EntryCut(Float.NaN, 1, 1, 9, 0))
        .hasMessageContaining("dense_weight");
    assertThatThrownBy(() -> new EntryCut(0, 0, 0, 9, 0)).hasMessageContaining("bm25_top");
    assertThatThrownBy(() -> new EntryCut(0, 1, 2, 9, 0)).hasMessageContaining("bm25_bar");
    assertThatThrownBy(() -> new EntryCut(0, 1, 1, 8, 0)).hasMessageContaining("bar_rank");
  }
}
