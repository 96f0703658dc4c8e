package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.index.Candidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EntryCutTest {
  private static final String[] WORDS =
      ("hoover black cable usb 16gb adapter white dxoc67c3 dxoc47c3 hdmi charger 2m samsung"
              + " case blue memory card washer mouse red 6 914 for")
          .split(" ");
  private static final String[] BRANDS = {"", "Hoover", "Samsung", "Belkin"};
  private static final String[] MODELS = {"", "DXOC67C3", "DXOC47C3", "EVO-16", "DXOC67C3-UK"};

  /**
   * Models of which none is a query's code ("dxoc67c3" names DXOC67C3-UK in part): the fusion then
   * weighs {@code code_partial} and {@code code_near} is 0.
   */
  private static final String[] MODELS_PARTIAL = {"", "DXOC47C3", "EVO-16", "DXOC67C3-UK"};

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
    return candidate(r, MODELS, id, score);
  }

  private static Candidate candidate(Random r, String[] models, String id, float score) {
    return new Candidate(
        -1,
        id,
        title(r),
        BRANDS[r.nextInt(BRANDS.length)],
        models[r.nextInt(models.length)],
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
              -0.036, -0.0045, -0.015, 0.024, -0.015, -0.01, 0.03
            });
      }
      default -> {}
    }
    double[] w = new double[RankingFeatures.NAMES.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextDouble() * 0.7 - 0.1;
    }
    if (r.nextInt(4) == 0) {
      // Rank features weighing against a candidate: one the new product pushes down gains.
      w[r.nextBoolean() ? RankingFeatures.DENSE_RR : RankingFeatures.BM25_RR] = -0.5;
    }
    return new LinearFusion(w);
  }

  private static Candidate hit(String id, String title, float score) {
    return new Candidate(-1, id, title, "", "", score);
  }

  /**
   * A full BM25 list for the query "abc1234 xyz789": ten plain hits (10.00 .. 9.91), y at rank 10
   * carrying 6/26 of the query's codes, plain hits from 5.00 down by 0.04, and {@code tail} last.
   */
  private static List<Candidate> codeQueryHits(Candidate... tail) {
    List<Candidate> hits = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hits.add(hit("a" + i, "plain gadget", 10f - 0.01f * i));
    }
    hits.add(hit("y", "xyz789 gadget", 9.45f));
    for (int i = 11; i < LEXICAL_DEPTH - tail.length; i++) {
      hits.add(hit("b" + i, "plain gadget", 5f - 0.04f * (i - 11)));
    }
    hits.addAll(List.of(tail));
    return hits;
  }

  static List<String> ids(List<HybridRanker.Scored> list) {
    return list.stream().map(HybridRanker.Scored::productId).toList();
  }

  /**
   * The contract the query cache relies on, against the fusion itself: for random answers (random
   * titles, brands, model codes, scores and fusion weights) and random new products that may enter
   * the BM25 hits, the dense candidates, both or neither, whenever {@link EntryCut#mayReach} says
   * the product cannot reach the top k, fusing with it inserted where its scores put it gives the
   * same top k in the same order; and the cut does keep many answers (it is not {@code true}
   * everywhere) while the products that did change a top k test it.
   */
  static Stream<Arguments> modelSets() {
    return Stream.of(
        Arguments.of("models carrying a query's code", MODELS),
        Arguments.of("models carrying a query's code in part only", MODELS_PARTIAL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modelSets")
  void aNewProductTheCutRejectsLeavesTheFusedTopKAsItWas(String name, String[] models) {
    Random r = new Random(42);
    int kept = 0;
    int keptDense = 0;
    int changedTopK = 0;
    int voided = 0;
    int accessories = 0; // new products that are the accessory the query asks for of its device
    for (int scenario = 0; scenario < 400; scenario++) {
      String query = title(r);
      LinearFusion fusion = randomFusion(r);
      List<Candidate> hits = new ArrayList<>();
      for (int i = 0; i < LEXICAL_DEPTH; i++) {
        hits.add(candidate(r, models, "l" + i, 1 + r.nextFloat() * 20));
      }
      hits.sort(Comparator.comparingDouble(c -> -c.score()));
      double[] cosines = new double[LEXICAL_DEPTH];
      for (int i = 0; i < cosines.length; i++) {
        cosines[i] = (float) (r.nextDouble() * 0.8);
      }
      List<Candidate> denseCandidates = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        if (r.nextInt(3) == 0) {
          // A BM25 hit that is a dense candidate too: the same product, the same cosine.
          Candidate hit = hits.get(r.nextInt(LEXICAL_DEPTH));
          int at = Integer.parseInt(hit.productId().substring(1));
          denseCandidates.add(
              new Candidate(
                  -1, hit.productId(), hit.title(), hit.brand(), hit.model(), (float) cosines[at]));
        } else {
          denseCandidates.add(candidate(r, models, "d" + i, 0.3f + r.nextFloat() * 0.6f));
        }
      }
      List<HybridRanker.Scored> dense = ranker.denseTop(query, denseCandidates, DENSE_DEPTH);
      double denseCut =
          dense.stream().mapToDouble(s -> s.features()[RankingFeatures.DENSE]).min().orElse(0);
      List<HybridRanker.Scored> lexical =
          ranker.lexical(query, hits, c -> cosines[Integer.parseInt(c.productId().substring(1))]);
      List<HybridRanker.Scored> top =
          HybridRanker.fuse(query, dense, lexical, fusion, DENSE_DEPTH, K);
      float floor = hits.get(hits.size() - 1).score();
      EntryCut cut = EntryCut.of(query, dense, DENSE_DEPTH, lexical, floor, top, fusion, K);
      if (cut == null) {
        // A list's last candidate carries a code share: no cut, every new product may reach.
        voided++;
        continue;
      }
      for (int n = 0; n < 6; n++) {
        // Mostly near the bars and the floors, titled as the query half the time: the boundary.
        float bm25 =
            r.nextInt(3) == 0
                ? floor * r.nextFloat()
                : floor + (float) Math.sqrt(r.nextDouble()) * (cut.bm25Bar() - floor) * 0.999f;
        double cosine =
            r.nextInt(3) == 0
                ? r.nextDouble() * denseCut
                : denseCut + Math.sqrt(r.nextDouble()) * (cut.denseBar() - denseCut) * 0.999;
        if (n == 0) {
          bm25 = floor + r.nextFloat() * (hits.get(0).score() - floor);
          cosine = r.nextDouble() * 0.95;
        }
        boolean inDense = cosine >= denseCut;
        boolean inLexical = bm25 >= floor;
        Candidate drawn = candidate(r, models, "new" + n, bm25);
        String title = r.nextBoolean() ? drawn.title() : query;
        Candidate u =
            new Candidate(-1, drawn.productId(), title, drawn.brand(), drawn.model(), bm25);
        Candidate uDense =
            new Candidate(-1, u.productId(), title, u.brand(), u.model(), (float) cosine);
        boolean mayReach =
            cut.mayReach(
                fusion,
                HybridRanker.features(),
                HybridRanker.features().query(query),
                HybridRanker.rankedProduct(u.productId(), u.title(), u.brand(), u.model()),
                uDense.score(),
                0,
                inDense,
                bm25,
                0,
                inLexical);
        List<Candidate> withNew = new ArrayList<>(hits);
        if (inLexical) {
          withNew.add(u);
          withNew.sort(Comparator.comparingDouble(c -> -c.score()));
        }
        List<HybridRanker.Scored> lexical2 =
            ranker.lexical(
                query,
                withNew.subList(0, LEXICAL_DEPTH),
                c ->
                    c == u
                        ? uDense.score()
                        : cosines[Integer.parseInt(c.productId().substring(1))]);
        List<Candidate> denseWithNew = new ArrayList<>(denseCandidates);
        if (inDense) {
          denseWithNew.add(uDense);
        }
        List<HybridRanker.Scored> dense2 = ranker.denseTop(query, denseWithNew, DENSE_DEPTH);
        List<HybridRanker.Scored> top2 =
            HybridRanker.fuse(query, dense2, lexical2, fusion, DENSE_DEPTH, K);
        if (!ids(top2).equals(ids(top))) {
          assertThat(mayReach)
              .as(
                  "scenario %d, new product %d (dense %s, lexical %s)",
                  scenario, n, inDense, inLexical)
              .isTrue();
          changedTopK++;
        }
        RankingFeatures.DeviceFit fit = HybridRanker.features().deviceFit(query);
        if (fit != null && HybridRanker.features().fitsDevice(fit, title)) {
          accessories++;
        }
        if (!mayReach && inDense) {
          keptDense++;
        }
        if (!mayReach && (inDense || inLexical)) {
          kept++;
        }
      }
    }
    // The cut keeps many answers a new product would enter, and the products that did change a
    // top k tested it.
    assertThat(kept).isGreaterThan(500);
    assertThat(keptDense).isGreaterThan(200);
    assertThat(changedTopK).isGreaterThan(50);
    // About a third of the answers have none: a code carrier below a bar (97 of 400 before ranking
    // revision 15), or, since it, accessories of what a query of words asks for whose lowering a
    // new product may change (the words' cable, adapter, charger and case; about 40 more).
    assertThat(voided).as("answers without a cut").isLessThan(160);
    assertThat(accessories).as("accessories of a device the query names").isGreaterThan(20);
  }

  /**
   * A new product naming the query's code in part ({@code code_partial} positive) may always reach
   * while that feature weighs, whatever the sign: in a list where a candidate carries the query's
   * code its {@code code_partial} is 0, and where none does the nearest partial match rescales the
   * others' ({@link RankingFeatures#normaliseCodeShare}): "Hoover DXOC67C3-UK" for "hoover
   * dxoc67c3" reaches a k-th score of 0.5 by its brand alone.
   */
  /**
   * A new product nearer the query's code than the answer's partial matches lowers their scaled
   * {@code code_partial}, a change its own bound does not see: it may reach though its score is far
   * below the k-th ("PET723/12" beside an answer whose best partial match was PET723).
   */
  @Test
  void aNearerPartialCodeMatchMayAlwaysReach() {
    EntryCut cut = new EntryCut(0.1f, 20f, 10f, 9, 5f, 0.8f, 9);
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.CODE_PARTIAL] = 0.02;
    RankingFeatures f = HybridRanker.features();
    var q = f.query("Philips PET723/12#ABA");
    var nearer = HybridRanker.rankedProduct("n", "Philips DVD player", "Philips", "PET723/12");
    assertThat(f.of(q, nearer, 0, 0, -1, -1)[RankingFeatures.CODE_PARTIAL]).isPositive();
    assertThat(cut.mayReach(new LinearFusion(w), f, q, nearer, 0, 0, false, 1, 0, true)).isTrue();
  }

  @Test
  void aNegativePartialCodeWeightDoesNotLowerTheBound() {
    EntryCut cut = new EntryCut(0.1f, 20f, 10f, 9, 0.5f, 0.8f, 9);
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.BRAND_MATCH] = 1;
    w[RankingFeatures.CODE_PARTIAL] = -1;
    RankingFeatures f = HybridRanker.features();
    var q = f.query("hoover dxoc67c3");
    var suffixed = HybridRanker.rankedProduct("s", "hoover washer", "Hoover", "DXOC67C3-UK");
    assertThat(f.of(q, suffixed, 0, 0, -1, -1)[RankingFeatures.CODE_PARTIAL]).isPositive();
    assertThat(cut.mayReach(new LinearFusion(w), f, q, suffixed, 0, 0, false, 1, 0, true)).isTrue();
  }

  /**
   * A new product whose BM25 score or cosine reaches the bar of a list it enters (it could be among
   * the 10 the query signals read, or above an item of the answer) may always reach the top k, as
   * one carrying the query's model code does (the code_exact normalisation moves other candidates);
   * one that enters neither list cannot.
   */
  /**
   * A unit spelled out after a number names no device ("90watt" is 90 W): the fusion reads the
   * query's device fit as the features and the bound do, so a power supply titled "Dell 90watt" is
   * not promoted to {@code code_exact} 1 by a fit the bound never sees.
   */
  @Test
  void theFusionAndTheBoundReadTheSameDeviceFit() {
    String query = "power supply for dell 90watt";
    EntryCut cut = new EntryCut(0.1f, 20f, 10f, 9, 0.5f, 0.8f, 9);
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.CODE_EXACT] = 1;
    LinearFusion fusion = new LinearFusion(w);
    RankingFeatures f = HybridRanker.features();
    var q = f.query(query);
    var supply = HybridRanker.rankedProduct("u", "Dell 90watt Power Supply", "Dell", "");
    boolean mayReach = cut.mayReach(fusion, f, q, supply, 0, 0, false, 1, 0, true);
    List<HybridRanker.Scored> fused =
        HybridRanker.fuse(
            query,
            List.of(),
            List.of(new HybridRanker.Scored("u", supply.title(), f.of(q, supply, 0, 1, -1, -1))),
            fusion,
            5,
            5);
    double score = fusion.score(fused.get(0).features());
    assertThat(mayReach || score < cut.kthScore())
        .as("fused score %s, k-th %s, may reach %s", score, cut.kthScore(), mayReach)
        .isTrue();
    assertThat(f.deviceFit(query)).isEqualTo(q.deviceFit());
  }

  @Test
  void aHitAtTheBarOrCarryingTheQuerysCodeMayAlwaysReach() {
    EntryCut cut = new EntryCut(0.1f, 20f, 10f, 9, 100f, 0.8f, 9);
    LinearFusion rrf = LinearFusion.rrf();
    RankingFeatures f = HybridRanker.features();
    var plain = HybridRanker.rankedProduct("u", "usb cable", "", "");
    var q = f.query("usb cable");
    assertThat(cut.mayReach(rrf, f, q, plain, 0, 0, false, 9.9, 0, true)).isFalse();
    assertThat(cut.mayReach(rrf, f, q, plain, 0, 0, false, 10, 0, true)).isTrue();
    assertThat(cut.mayReach(rrf, f, q, plain, 0, 0, false, 9.995, 1e-3, true)).isTrue();
    assertThat(cut.mayReach(rrf, f, q, plain, 0.79, 0, true, 0, 0, false)).isFalse();
    assertThat(cut.mayReach(rrf, f, q, plain, 0.79, 0.02, true, 0, 0, false)).isTrue();
    assertThat(cut.mayReach(rrf, f, q, plain, 0.9, 0, false, 20, 0, false))
        .as("in neither list")
        .isFalse();
    var coded = HybridRanker.rankedProduct("u", "hoover washer", "Hoover", "DXOC67C3");
    assertThat(cut.mayReach(rrf, f, f.query("hoover dxoc67c3"), coded, 0, 0, false, 1, 0, true))
        .isTrue();
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
        HybridRanker.fuse("usb cable", List.of(), lexical, LinearFusion.rrf(), DENSE_DEPTH, K);
    LinearFusion rrf = LinearFusion.rrf();
    assertThat(EntryCut.of("usb cable", List.of(), DENSE_DEPTH, lexical, 9f, top, rrf, K))
        .isNotNull();
    assertThat(EntryCut.of("usb cable", List.of(), DENSE_DEPTH, lexical, 9f, top, rrf, 13))
        .isNull();
    assertThat(
            EntryCut.of(
                "usb cable", List.of(), DENSE_DEPTH, lexical.subList(0, 9), 12f, top, rrf, K))
        .isNull();
    assertThat(EntryCut.of("usb cable", List.of(), DENSE_DEPTH, lexical, 0f, top, rrf, K)).isNull();
    EntryCut cut = EntryCut.of("usb cable", List.of(), DENSE_DEPTH, lexical, 9f, top, rrf, K);
    assertThat(cut.denseBar()).as("fewer than 10 dense candidates: no bar").isEqualTo(-1f);
    assertThat(cut.barRank()).isEqualTo(9); // every item is among the first 10 hits
    assertThat(cut.bm25Top()).isCloseTo(20f, org.assertj.core.data.Offset.offset(1e-4f));
    assertThat(cut.bm25Bar()).isCloseTo(11f, org.assertj.core.data.Offset.offset(1e-4f));
  }

  @Test
  void rejectsValuesNoFusionGives() {
    assertThatThrownBy(() -> new EntryCut(Float.NaN, 1, 1, 9, 0, 0, 9))
        .hasMessageContaining("dense_weight");
    assertThatThrownBy(() -> new EntryCut(0, 0, 0, 9, 0, 0, 9)).hasMessageContaining("bm25_top");
    assertThatThrownBy(() -> new EntryCut(0, 1, 2, 9, 0, 0, 9)).hasMessageContaining("bm25_bar");
    assertThatThrownBy(() -> new EntryCut(0, 1, 1, 8, 0, 0, 9)).hasMessageContaining("bar_rank");
    assertThatThrownBy(() -> new EntryCut(0, 1, 1, 9, 0, 1.5f, 9))
        .hasMessageContaining("dense_bar");
    assertThatThrownBy(() -> new EntryCut(0, 1, 1, 9, 0, 0, 3))
        .hasMessageContaining("dense_bar_rank");
  }

  /**
   * A new product entering the full BM25 list below the bar pushes its last hit X off the list, and
   * so out of the fused candidates (X is no dense candidate). X carried the largest share of the
   * query's codes (an offer without a model field), the normaliser of every other candidate's
   * code_exact: once X is gone, Y's rises from 6/7 to 1 and Y enters the top k. The cut must not
   * keep such an answer (found by an adversarial review; the random scenarios above never pushed
   * off the unique code carrier).
   */
  @Test
  void aPushedOffHitCarryingTheLargestCodeShareRaisesTheOthers() {
    String query = "abc1234 xyz789";
    List<Candidate> hits =
        codeQueryHits(hit("x", "abc1234 gadget", 1f)); // rank 99, the floor: carries 7/26
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.BM25] = 1;
    w[RankingFeatures.CODE_EXACT] = 0.05;
    LinearFusion fusion = new LinearFusion(w);

    List<HybridRanker.Scored> dense = List.of();
    List<HybridRanker.Scored> lexical = ranker.lexical(query, hits, c -> 0.5);
    List<HybridRanker.Scored> top =
        HybridRanker.fuse(query, dense, lexical, fusion, DENSE_DEPTH, K);
    EntryCut cut = EntryCut.of(query, dense, DENSE_DEPTH, lexical, 1f, top, fusion, K);
    assertThat(ids(top)).doesNotContain("y");

    // A new product with no code, BM25 2.0: above the floor (1.0), far below the bar (9.91).
    Candidate u = hit("new", "plain gadget", 2f);
    boolean mayReach =
        cut == null
            || cut.mayReach(
                fusion,
                HybridRanker.features(),
                HybridRanker.features().query(query),
                HybridRanker.rankedProduct("new", u.title(), "", ""),
                0.5,
                0,
                false,
                2.0,
                0,
                true);

    List<Candidate> withNew = new ArrayList<>(hits);
    withNew.add(u);
    withNew.sort(Comparator.comparingDouble(c -> -c.score()));
    List<HybridRanker.Scored> lexical2 =
        ranker.lexical(query, withNew.subList(0, LEXICAL_DEPTH), c -> 0.5);
    List<HybridRanker.Scored> top2 =
        HybridRanker.fuse(query, dense, lexical2, fusion, DENSE_DEPTH, K);

    assertThat(ids(top2)).as("the recomputed top k").isNotEqualTo(ids(top));
    assertThat(mayReach).as("the product may change the answer").isTrue();
  }

  /**
   * A title of another brand carrying the query's code clears the brand named beside it for every
   * candidate ({@link RankingFeatures#TITLE_HELD}), as a few offers carrying it do: a fusion
   * weighing {@code brand_match} and no code feature keeps no cut while such a title sits below a
   * full list's bar either (new products pushing it off would give the others their brand back).
   */
  @Test
  void aTitleCarryingTheCodeBelowTheBarKeepsNoCutWhenOnlyTheBrandWeighs() {
    String query = "hp q5952a";
    List<Candidate> hits = new ArrayList<>();
    for (int i = 0; i < LEXICAL_DEPTH - 1; i++) {
      hits.add(new Candidate(-1, "h" + i, "HP media " + i, "HP", "M" + i + "X", 10f - 0.01f * i));
    }
    hits.add(
        new Candidate(-1, "x", "Xerox toner. Equivalent to HP Q5952A", "Xerox", "006R01331", 1f));
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.BM25] = 1;
    w[RankingFeatures.BRAND_MATCH] = 0.05;
    LinearFusion fusion = new LinearFusion(w);
    List<HybridRanker.Scored> lexical = ranker.lexical(query, hits, c -> 0.5);
    List<HybridRanker.Scored> top =
        HybridRanker.fuse(query, List.of(), lexical, fusion, DENSE_DEPTH, K);
    assertThat(top.get(0).features()[RankingFeatures.BRAND_MATCH]).isZero();
    assertThat(EntryCut.of(query, List.of(), DENSE_DEPTH, lexical, 1f, top, fusion, K)).isNull();
  }

  /**
   * The same pushed off by two new products together, each of which alone pushes off only a
   * candidate without codes: the cache checks upserts one at a time, so no answer may keep a cut
   * while a code carrier sits anywhere below a full list's bar (found in review).
   */
  @Test
  void twoNewProductsTogetherPushingOffTheCodeCarrierAreNotKept() throws Exception {
    String query = "abc1234 xyz789";
    List<Candidate> hits =
        codeQueryHits(
            hit("x", "abc1234 gadget", 1.1f), // rank 98: 7/26, the largest share
            hit("z", "plain gadget", 1f)); // rank 99, the floor
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.BM25] = 1;
    w[RankingFeatures.CODE_EXACT] = 0.05;
    LinearFusion fusion = new LinearFusion(w);
    List<HybridRanker.Scored> dense = List.of();
    List<HybridRanker.Scored> lexical = ranker.lexical(query, hits, c -> 0.5);
    List<HybridRanker.Scored> top =
        HybridRanker.fuse(query, dense, lexical, fusion, DENSE_DEPTH, K);
    EntryCut cut = EntryCut.of(query, dense, DENSE_DEPTH, lexical, 1f, top, fusion, K);

    List<Candidate> withNew = new ArrayList<>(hits);
    withNew.add(hit("new1", "plain gadget", 2f));
    withNew.add(hit("new2", "plain gadget", 2.1f));
    withNew.sort(Comparator.comparingDouble(c -> -c.score()));
    List<HybridRanker.Scored> lexical2 =
        ranker.lexical(query, withNew.subList(0, LEXICAL_DEPTH), c -> 0.5);
    List<HybridRanker.Scored> top2 =
        HybridRanker.fuse(query, dense, lexical2, fusion, DENSE_DEPTH, K);
    assertThat(ids(top2)).as("the recomputed top k").isNotEqualTo(ids(top));
    assertThat(cut).as("no cut: a code carrier sits below the bar of the full BM25 list").isNull();
  }

  /**
   * An accessory fitting the device the query names, pushed off a full BM25 list, takes with it the
   * lowering of the device lacking the word the accessory is named by ({@link
   * RankingFeatures#lowerUnaskedCarriers}): without it the printer carries the code again and ranks
   * first. No cut is drawn while such an accessory sits below the bar.
   */
  @Test
  void aPushedOffAccessoryRaisesTheDeviceItLowered() {
    String query = "hp p1505 toner";
    List<Candidate> hits = new ArrayList<>();
    for (int i = 0; i < LEXICAL_DEPTH - 1; i++) {
      hits.add(new Candidate(-1, "h" + i, "HP toner " + i, "HP", "Q" + i + "A", 10f - 0.01f * i));
    }
    hits.add(
        new Candidate(
            -1,
            "x",
            "Xerox Black toner cartridge. Equivalent to HP CB436A. Compatible with HP LaserJet"
                + " P1505",
            "Xerox",
            "006R01234",
            1f));
    // The printer only among the dense candidates, a list not full: no bar below which it sits.
    List<HybridRanker.Scored> dense =
        ranker.denseTop(
            query,
            List.of(
                new Candidate(
                    -1, "p", "HP LaserJet P1505 Printer 600 x 600 DPI A4", "HP", "P1505", 0.2f)),
            DENSE_DEPTH);
    List<HybridRanker.Scored> lexical = ranker.lexical(query, hits, c -> 0.5);
    List<HybridRanker.Scored> top =
        HybridRanker.fuse(query, dense, lexical, SERVED, DENSE_DEPTH, K);
    assertThat(ids(top)).doesNotContain("x", "p");

    List<Candidate> withNew = new ArrayList<>(hits);
    withNew.add(hit("new", "plain gadget", 2f));
    withNew.sort(Comparator.comparingDouble(c -> -c.score()));
    List<HybridRanker.Scored> top2 =
        HybridRanker.fuse(
            query,
            dense,
            ranker.lexical(query, withNew.subList(0, LEXICAL_DEPTH), c -> 0.5),
            SERVED,
            DENSE_DEPTH,
            K);
    assertThat(ids(top2)).as("the recomputed top k").contains("p");
    assertThat(EntryCut.of(query, dense, DENSE_DEPTH, lexical, 1f, top, SERVED, K))
        .as("no cut: an accessory of the device sits below the bar of the full BM25 list")
        .isNull();
  }

  /**
   * A new product of the kind a query of words names, below every bar, lowers the accessories of
   * that kind the answer holds ({@link RankingFeatures#lowerAccessoriesOf}) and so ranks above
   * them: a change the bound on its own score does not see. No cut is drawn where a candidate is
   * such an accessory.
   */
  @Test
  void aNewProductOfTheKindLowersTheAccessoriesAboveIt() {
    assertANewProductLeadsAndVoidsTheCut(
        "monitor",
        i -> "Brand" + i + " Monitor Stand",
        "Acme L1950 LCD monitor 48 cm Black",
        "no cut: the answer's candidates are accessories of what the query names");
  }

  @Test
  void aNewPlainProductLowersTheVariantsAboveIt() {
    assertANewProductLeadsAndVoidsTheCut(
        "acme smartfit solemate",
        i -> "Acme SmartFit SoleMate Plus Footrest",
        "Acme SmartFit SoleMate Footrest",
        "no cut: the answer's candidates are variants of what the query names");
  }

  /**
   * An answer of 12 BM25 hits titled {@code title}, none ranking "new" in its top k, where a new
   * product titled {@code newTitle} (a BM25 score below every hit's) leads the recomputed top k:
   * the answer has no cut.
   */
  private void assertANewProductLeadsAndVoidsTheCut(
      String query, IntFunction<String> title, String newTitle, String why) {
    List<Candidate> hits = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      hits.add(hit("s" + i, title.apply(i), 10f - 0.01f * i));
    }
    List<HybridRanker.Scored> lexical = ranker.lexical(query, hits, c -> 0.5);
    List<HybridRanker.Scored> top =
        HybridRanker.fuse(query, List.of(), lexical, SERVED, DENSE_DEPTH, K);
    assertThat(ids(top)).doesNotContain("new");

    List<Candidate> withNew = new ArrayList<>(hits);
    withNew.add(hit("new", newTitle, 9.85f));
    List<HybridRanker.Scored> top2 =
        HybridRanker.fuse(
            query, List.of(), ranker.lexical(query, withNew, c -> 0.5), SERVED, DENSE_DEPTH, K);
    assertThat(ids(top2)).as("the recomputed top k").startsWith("new");
    assertThat(EntryCut.of(query, List.of(), DENSE_DEPTH, lexical, 1f, top, SERVED, K))
        .as(why)
        .isNull();
  }

  /** The served weights (conf, docs/eval/eval.md); other tests of the package read them here. */
  static final LinearFusion SERVED =
      new LinearFusion(
          new double[] {
            0.006092, 0.03289, -0.007817, 0.02931, 0.04186, 0.03332, 0.4889, -0.01749, -0.03341,
            0.06707, 0.1167, 0.004634, -0.01884, -0.02013, 0.0305, -0.01779, -0.03, 0.03
          });

  /**
   * The same with the served weights and the query of RankingFeatures#normaliseCodeShare's own
   * example, over each rank Y may hold in the BM25 list, and X pushed off either list: off the BM25
   * list (X its last hit) or off the dense list (X its 20th candidate, no BM25 hit).
   */
  @Test
  void withTheServedWeightsNoAnswerIsKeptThatAPushedOffCodeCarrierChanges() {
    String query = "origin hp-nc8200 bti battery";
    List<String> broken = new ArrayList<>();
    int changed = 0;
    for (boolean viaDense : new boolean[] {false, true}) {
      for (int yRank = 10; yRank < 99; yRank++) {
        List<Candidate> hits = new ArrayList<>();
        for (int i = 0; i < LEXICAL_DEPTH; i++) {
          String title =
              i == yRank
                  ? "NC8200 compatible battery"
                  : !viaDense && i == LEXICAL_DEPTH - 1 ? "HP NC8200 battery" : "origin battery";
          hits.add(hit((i == yRank ? "y" : "h") + i, title, 20f - 0.19f * i));
        }
        float floor = hits.get(LEXICAL_DEPTH - 1).score();
        List<Candidate> denseCands = new ArrayList<>();
        for (int i = 0; i < DENSE_DEPTH; i++) {
          String title = viaDense && i == DENSE_DEPTH - 1 ? "HP NC8200 battery" : "laptop battery";
          denseCands.add(new Candidate(-1, "d" + i, title, "", "", 0.9f - 0.02f * i));
        }
        List<HybridRanker.Scored> dense = ranker.denseTop(query, denseCands, DENSE_DEPTH);
        List<HybridRanker.Scored> lexical = ranker.lexical(query, hits, c -> 0.6);
        List<HybridRanker.Scored> top =
            HybridRanker.fuse(query, dense, lexical, SERVED, DENSE_DEPTH, K);
        EntryCut cut = EntryCut.of(query, dense, DENSE_DEPTH, lexical, floor, top, SERVED, K);
        // The new product: no code; via the BM25 list just above its floor, or via the dense list
        // just above its 20th cosine (0.52), far below either bar.
        float bm25 = viaDense ? 0f : floor + 0.05f;
        double cosine = viaDense ? 0.53 : 0.3;
        boolean mayReach =
            cut == null
                || cut.mayReach(
                    SERVED,
                    HybridRanker.features(),
                    HybridRanker.features().query(query),
                    HybridRanker.rankedProduct("new", "plain laptop battery", "", ""),
                    cosine,
                    0,
                    viaDense,
                    bm25,
                    0,
                    !viaDense);
        List<HybridRanker.Scored> lexical2 = lexical;
        List<HybridRanker.Scored> dense2 = dense;
        if (viaDense) {
          List<Candidate> d2 = new ArrayList<>(denseCands);
          d2.add(new Candidate(-1, "new", "plain laptop battery", "", "", (float) cosine));
          dense2 = ranker.denseTop(query, d2, DENSE_DEPTH);
        } else {
          List<Candidate> withNew = new ArrayList<>(hits);
          withNew.add(hit("new", "plain laptop battery", bm25));
          withNew.sort(Comparator.comparingDouble(c -> -c.score()));
          lexical2 =
              ranker.lexical(
                  query,
                  withNew.subList(0, LEXICAL_DEPTH),
                  c -> c.productId().equals("new") ? cosine : 0.6);
        }
        List<HybridRanker.Scored> top2 =
            HybridRanker.fuse(query, dense2, lexical2, SERVED, DENSE_DEPTH, K);
        if (!ids(top2).equals(ids(top))) {
          changed++;
        }
        if (!mayReach && !ids(top2).equals(ids(top))) {
          broken.add(
              (viaDense ? "dense" : "bm25")
                  + " yRank="
                  + yRank
                  + " "
                  + ids(top)
                  + " -> "
                  + ids(top2));
        }
      }
    }
    assertThat(changed).as("answers the pushed-off code carrier changed").isGreaterThan(100);
    assertThat(broken).as("kept by the cut although the top k changed").isEmpty();
  }
}
