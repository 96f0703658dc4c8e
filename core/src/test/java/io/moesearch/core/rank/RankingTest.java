package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class RankingTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());
  private final Product toner =
      new Product(
          "1",
          "Xerox 006R90321 toner cartridge Original Black",
          "Xerox",
          "006R90321",
          "Toner for copiers",
          49.0,
          null);

  @Test
  void lexicalFeaturesSeeModelNumbersAndBrands() {
    double[] f = features.of(features.query("xerox 006r90321"), toner, 0.4, 0.8, 3, 0);
    RankingFeatures.normaliseCodeShare(List.of(f)); // as the fusion does
    assertThat(f[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(f[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
    assertThat(f[RankingFeatures.TITLE_COVERAGE]).isEqualTo(1);
    assertThat(f[RankingFeatures.DENSE]).isEqualTo(0.4);
    assertThat(f[RankingFeatures.DENSE_RR]).isEqualTo(1.0 / 64);
    assertThat(f[RankingFeatures.BM25_RR]).isEqualTo(1.0 / 61);

    double[] g = features.of(features.query("black toner cartridges"), toner, 0.6, 0.5, -1, -1);
    assertThat(g[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(g[RankingFeatures.BRAND_MATCH]).isZero();
    assertThat(g[RankingFeatures.TITLE_COVERAGE])
        .as("stemmed: cartridges ~ cartridge")
        .isEqualTo(1);
    assertThat(g[RankingFeatures.DENSE_RR]).isZero();
  }

  /**
   * The features read a title's first {@link RankingFeatures#MAX_TITLE_CHARS} characters only, as
   * many as a result item carries: a product's features are those of its title cut there (an expert
   * computes them from the index, the merge from a partial's cut item), and a code or word beyond
   * it counts for nothing.
   */
  @Test
  void featuresReadTheTitleAsAResultItemCarriesIt() {
    String head = "Hoover washing machine " + "white ".repeat(100);
    assertThat(head.length()).isGreaterThan(RankingFeatures.MAX_TITLE_CHARS);
    Product offer = new Product("3", head + "DXOC67C3 spinner", "", "", "", null, null);
    Product cut =
        new Product(
            "3", head.substring(0, RankingFeatures.MAX_TITLE_CHARS), "", "", "", null, null);
    for (String q : List.of("hoover dxoc67c3", "spinner", "hoover washing machine white")) {
      assertThat(features.of(features.query(q), offer, 0.5, 0.5, 0, 0))
          .as(q)
          .containsExactly(features.of(features.query(q), cut, 0.5, 0.5, 0, 0));
    }
    assertThat(
            features
                .of(features.query("spinner"), offer, 0.5, 0.5, 0, 0)[
                RankingFeatures.TITLE_COVERAGE])
        .isZero();

    // Brand and model likewise: what an expert sends the merge, cut, ranks as the whole.
    String brand = "Acme " + "b".repeat(400);
    String model = "DXOC67C3 " + "m".repeat(400);
    Product long1 = new Product("4", "Acme DXOC67C3 washer", brand, model, "", null, null);
    Product cut1 =
        new Product(
            "4",
            "Acme DXOC67C3 washer",
            brand.substring(0, RankingFeatures.MAX_FIELD_CHARS),
            model.substring(0, RankingFeatures.MAX_FIELD_CHARS),
            "",
            null,
            null);
    for (String q : List.of("acme dxoc67c3", "acme " + "b".repeat(300), "dxoc67c3 washer")) {
      assertThat(features.of(features.query(q), long1, 0.5, 0.5, 0, 0))
          .as(q)
          .containsExactly(features.of(features.query(q), cut1, 0.5, 0.5, 0, 0));
    }
  }

  @Test
  void aModelNumberPrefixWithDigitsIsAPartialMatchButShortTokensAreNone() {
    double[] f = features.of(features.query("006r903"), toner, 0, 0, -1, -1);
    assertThat(f[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(f[RankingFeatures.CODE_NEAR]).isEqualTo(1);
    double[] g = features.of(features.query("00"), toner, 0, 0, -1, -1);
    assertThat(g[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(g[RankingFeatures.CODE_NEAR]).isZero();
  }

  @Test
  void anExactModelMatchHoldsAcrossCaseAndSeparatorsButNotForANeighbouringCode() {
    Product washer =
        new Product("2", "Hoover DXOC67C3 washing machine", "Hoover", "DXOC67C3", "", null, null);
    for (String q :
        List.of("Hoover DXOC67C3", "dxoc-67c3", "hoover dxoc 67c3 washer", "DXOC67C3")) {
      double[] f = features.of(features.query(q), washer, 0, 0, -1, -1);
      RankingFeatures.normaliseCodeShare(List.of(f)); // as the fusion does
      assertThat(f[RankingFeatures.CODE_EXACT]).as(q).isEqualTo(1);
    }
    double[] near = features.of(features.query("Hoover DXOC47C3"), washer, 0, 0, -1, -1);
    assertThat(near[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(near[RankingFeatures.CODE_NEAR]).as("a neighbouring code").isEqualTo(1);
  }

  @Test
  void modelCodesAreToldFromUnitsAndWords() {
    assertThat(RankingFeatures.hasModelCode("Hoover DXOC67C3")).isTrue();
    assertThat(RankingFeatures.hasModelCode("intel i9-7940X")).isTrue();
    assertThat(RankingFeatures.hasModelCode("hp q2610d toner")).isTrue();
    assertThat(RankingFeatures.hasModelCode("moto g5 16gb")).isFalse();
    assertThat(RankingFeatures.hasModelCode("usb cable 3m")).isFalse();
    assertThat(RankingFeatures.hasModelCode("washing machine")).isFalse();
  }

  @Test
  void theAdaptiveTermsScaleTheDenseCosineByTheQuerySignals() {
    double[] code = features.of(features.query("xerox 006r90321"), toner, 0.5, 0, -1, -1);
    assertThat(code[RankingFeatures.DENSE_X_CODE]).isEqualTo(0.5);
    assertThat(code[RankingFeatures.DENSE_X_LENGTH])
        .as("a code query is full length")
        .isEqualTo(0.5);
    double[] words = features.of(features.query("black toner"), toner, 0.5, 0, -1, -1);
    assertThat(words[RankingFeatures.DENSE_X_CODE]).isZero();
    RankingFeatures.setListSignals(words, 0.4, 0.2);
    assertThat(RankingFeatures.signals(words))
        .isEqualTo(new RankingFeatures.QuerySignals(0, 0.25, 0.4, 0.2));
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.DENSE] = 2;
    w[RankingFeatures.DENSE_X_CODE] = -1.5;
    LinearFusion fusion = new LinearFusion(w);
    assertThat(fusion.denseWeight(RankingFeatures.signals(code))).isEqualTo(0.5);
    assertThat(fusion.denseWeight(RankingFeatures.signals(words))).isEqualTo(2);
    assertThat(fusion.score(code))
        .isEqualTo(fusion.denseWeight(RankingFeatures.signals(code)) * 0.5);
  }

  @Test
  void weightedCoordinateAscentFitsTheWeightedQueries() {
    RankedQuery q1 = query("r1", new double[][] {{0.9, 0.1}, {0.1, 0.9}}, Map.of("r1-1", 3));
    RankedQuery q2 = query("r2", new double[][] {{0.8, 0.2}, {0.3, 0.7}}, Map.of("r2-0", 2));
    // q1 wants bm25 above dense, q2 dense: a weighted fit still ranks q2's relevant first.
    LinearFusion fit = new CoordinateAscent(2, 20, 1).fit(List.of(q1, q2), new double[] {1, 5});
    assertThat(CoordinateAscent.rank(fit, q2).get(0)).isEqualTo("r2-0");
  }

  /**
   * A rating beyond the judgement files' range fails the fit naming the rating; its infinite gain
   * made every score NaN and the fit end in "a fusion needs 16 weights".
   */
  @Test
  void aFitRefusesARatingBeyondTheRangeByName() {
    RankedQuery q = query("r1", new double[][] {{0.9, 0.1}, {0.1, 0.9}}, Map.of("r1-1", 1024));
    assertThatThrownBy(() -> new CoordinateAscent(2, 20, 1).fit(List.of(q)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 1024");
  }

  @Test
  void rrfRanksByReciprocalRanks() {
    RankedQuery q =
        new RankedQuery(
            "q",
            List.of("a", "b", "c"),
            List.of(
                features.of(features.query("q"), toner, 0, 0, 0, -1), // dense #1 only
                features.of(features.query("q"), toner, 0, 0, 1, 1), // #2 in both
                features.of(features.query("q"), toner, 0, 0, -1, 0)), // bm25 #1 only
            Map.of());
    assertThat(CoordinateAscent.rank(LinearFusion.rrf(), q)).containsExactly("b", "a", "c");
  }

  @Test
  void coordinateAscentLearnsWhichFeaturePredictsRelevance() {
    // Feature "bm25" orders the relevant product first; "dense" orders it last.
    RankedQuery q1 = query("r1", new double[][] {{0.9, 0.1}, {0.1, 0.9}}, Map.of("r1-1", 3));
    RankedQuery q2 = query("r2", new double[][] {{0.8, 0.2}, {0.3, 0.7}}, Map.of("r2-1", 2));
    LinearFusion fit = new CoordinateAscent(2, 20, 1).fit(List.of(q1, q2));
    assertThat(CoordinateAscent.meanNdcg(fit, List.of(q1, q2))).isEqualTo(1.0);
    assertThat(fit.weights()[RankingFeatures.BM25])
        .isGreaterThan(fit.weights()[RankingFeatures.DENSE]);
  }

  @Test
  void aBaggedFitAveragesFitsOfResamplesTheSameOnAnyNumberOfThreads() throws Exception {
    // Three queries want bm25 above dense, one the reverse. The bagged fit is a different model
    // from the one fit on all four (its resamples leave queries out), admissible, and the same
    // bits whether its bags are fit on one thread or on four (summed in bag order either way).
    RankedQuery q1 = query("r1", new double[][] {{0.9, 0.1}, {0.1, 0.9}}, Map.of("r1-1", 3));
    RankedQuery q2 = query("r2", new double[][] {{0.8, 0.2}, {0.3, 0.7}}, Map.of("r2-1", 2));
    RankedQuery q3 = query("r3", new double[][] {{0.7, 0.4}, {0.2, 0.6}}, Map.of("r3-1", 1));
    RankedQuery q4 = query("r4", new double[][] {{0.8, 0.2}, {0.3, 0.7}}, Map.of("r4-0", 1));
    List<RankedQuery> training = List.of(q1, q2, q3, q4);
    CoordinateAscent bagging = new CoordinateAscent(2, 20, 1, 16);
    double[] oneThread = fitIn(new ForkJoinPool(1), bagging, training);
    double[] fourThreads = fitIn(new ForkJoinPool(4), bagging, training);
    assertThat(fourThreads).containsExactly(oneThread);
    assertThat(oneThread).isNotEqualTo(new CoordinateAscent(2, 20, 1).fit(training).weights());
    assertThat(RankingFeatures.admissible(oneThread)).isTrue();
    assertThat(oneThread[RankingFeatures.BM25]).isGreaterThan(oneThread[RankingFeatures.DENSE]);
    assertThatThrownBy(() -> new CoordinateAscent(2, 20, 1, 0)).hasMessageContaining("bags");
    assertThatThrownBy(() -> bagging.fit(training, new double[] {1, 1, 0, 1}))
        .hasMessageContaining("positive");
  }

  private static double[] fitIn(
      ForkJoinPool pool, CoordinateAscent trainer, List<RankedQuery> training) throws Exception {
    try {
      return pool.submit(() -> trainer.fit(training).weights()).get();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void fusionNeedsOneWeightPerFeature() {
    assertThatThrownBy(() -> new LinearFusion(new double[2])).hasMessageContaining("weights");
  }

  /** Two candidates with features {dense, bm25}; the second one is the relevant one. */
  @Test
  void aFitNeverRewardsANearIdenticalCodeNorTrustsTheCosineMoreForACodeQuery() {
    // Training data where only code_near and dense_x_code tell the relevant product: an
    // unconstrained fit would give both a positive weight.
    double[] relevant = new double[RankingFeatures.NAMES.size()];
    relevant[RankingFeatures.CODE_NEAR] = 1;
    relevant[RankingFeatures.DENSE_X_CODE] = 0.9;
    double[] other = new double[RankingFeatures.NAMES.size()];
    RankedQuery q =
        new RankedQuery("q", List.of("a", "b"), List.of(other, relevant), Map.of("b", 1));
    LinearFusion fit = new CoordinateAscent(3, 20, 1).fit(List.of(q));
    assertThat(fit.weights()[RankingFeatures.CODE_NEAR]).isLessThanOrEqualTo(0);
    assertThat(fit.weights()[RankingFeatures.DENSE_X_CODE]).isLessThanOrEqualTo(0);
    assertThat(CoordinateAscent.rank(fit, q).get(0)).isEqualTo("a");
  }

  @Test
  void aFitNeverLetsTheLengthSignalOutweighTheCodeSignal() {
    // Training data that the first admissible start ranks wrong and that the length weight alone
    // (visited before quantity_conflict's) would put right by a step of 1 or more: past
    // |dense_x_code|. A fit free to take that step would leave the weights inadmissible.
    int n = RankingFeatures.NAMES.size();
    double[] longRelevant = new double[n];
    longRelevant[RankingFeatures.DENSE_X_LENGTH] = 0.9; // cosine 0.9 × length 1
    double[] longOther = new double[n];
    longOther[RankingFeatures.QUANTITY_CONFLICT] = -9; // its weight ≤ 0 makes this a bonus
    RankedQuery q =
        new RankedQuery("q", List.of("a", "b"), List.of(longOther, longRelevant), Map.of("b", 1));
    LinearFusion fit = new CoordinateAscent(3, 20, 1).fit(List.of(q));
    assertThat(RankingFeatures.admissible(fit.weights())).isTrue();
    assertThat(
            fit.weights()[RankingFeatures.DENSE_X_CODE]
                + Math.max(0, fit.weights()[RankingFeatures.DENSE_X_LENGTH]))
        .isNegative();
  }

  @Test
  void theLengthSignalCountsWordsAndIsFullForAModelCode() {
    assertThat(features.query("front loader washer").length()).isEqualTo(3.0 / 8);
    assertThat(features.query("usb cable black 3 m long for laptops and tablets").length())
        .isEqualTo(1.0);
    assertThat(features.query("dxoc-67c3").code()).isEqualTo(1.0);
    assertThat(features.query("dxoc-67c3").length()).isEqualTo(1.0);
  }

  @Test
  void admissibleWeightsKeepTheNonPositiveSignsAndTheCodeAboveTheLength() {
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.DENSE_X_CODE] = -0.5;
    w[RankingFeatures.DENSE_X_LENGTH] = 0.4;
    assertThat(RankingFeatures.admissible(w)).isTrue();
    w[RankingFeatures.DENSE_X_LENGTH] = -0.6; // a long query trusts BM25 more: any amount
    assertThat(RankingFeatures.admissible(w)).isTrue();
    w[RankingFeatures.DENSE_X_LENGTH] = 0.6;
    assertThat(RankingFeatures.admissible(w)).isFalse();
    w[RankingFeatures.DENSE_X_LENGTH] = 0;
    w[RankingFeatures.COLOUR_CONFLICT] = 0.1;
    assertThat(RankingFeatures.admissible(w)).isFalse();
    assertThatThrownBy(() -> RankingFeatures.admissible(new double[2]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static RankedQuery query(
      String name, double[][] denseBm25, Map<String, Integer> ratings) {
    List<double[]> fs =
        List.of(vector(denseBm25[0][0], denseBm25[1][0]), vector(denseBm25[0][1], denseBm25[1][1]));
    return new RankedQuery(name, List.of(name + "-0", name + "-1"), fs, ratings);
  }

  private static double[] vector(double dense, double bm25) {
    double[] f = new double[RankingFeatures.NAMES.size()];
    f[RankingFeatures.DENSE] = dense;
    f[RankingFeatures.BM25] = bm25;
    return f;
  }
}
