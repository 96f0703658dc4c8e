package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.index.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HybridRankerTest {

  private static HybridRanker.Scored scored(String id, double dense, double bm25) {
    double[] f = new double[RankingFeatures.NAMES.size()];
    f[RankingFeatures.DENSE] = dense;
    f[RankingFeatures.BM25] = bm25;
    return new HybridRanker.Scored(id, id.toUpperCase(), f);
  }

  @Test
  void fusionUnionsBothListsAndFillsRankFeatures() {
    List<HybridRanker.Scored> dense =
        List.of(scored("b", 0.7, 0), scored("a", 0.9, 0), scored("a", 0.9, 0), scored("z", 0.1, 0));
    List<HybridRanker.Scored> lexical = List.of(scored("c", 0.2, 1.0), scored("b", 0.7, 0.5));
    List<HybridRanker.Scored> all =
        HybridRanker.fuse("", dense, lexical, LinearFusion.rrf(), 2, 10);

    assertThat(all).extracting(HybridRanker.Scored::productId).containsExactly("b", "a", "c");
    HybridRanker.Scored b = all.get(0);
    assertThat(b.features()[RankingFeatures.DENSE_RR]).as("b is dense #2").isEqualTo(1.0 / 62);
    assertThat(b.features()[RankingFeatures.BM25_RR]).as("b is BM25 #2").isEqualTo(1.0 / 62);
    assertThat(b.features()[RankingFeatures.BM25])
        .as("BM25 score taken from the lexical list")
        .isEqualTo(0.5);
    HybridRanker.Scored c = all.get(2);
    assertThat(c.features()[RankingFeatures.DENSE_RR]).isZero();
    assertThat(c.features()[RankingFeatures.BM25_RR]).isEqualTo(1.0 / 61);
  }

  @Test
  void denseDepthCutsTheDenseListAndKCutsTheResult() {
    List<HybridRanker.Scored> dense =
        List.of(scored("a", 0.9, 0), scored("b", 0.8, 0), scored("c", 0.7, 0));
    assertThat(HybridRanker.fuse("", dense, List.of(), LinearFusion.rrf(), 2, 10))
        .extracting(HybridRanker.Scored::productId)
        .containsExactly("a", "b");
    assertThat(HybridRanker.fuse("", dense, List.of(), LinearFusion.rrf(), 3, 1))
        .extracting(HybridRanker.Scored::productId)
        .containsExactly("a");
  }

  /** A k beyond the dense depth fuses k dense candidates, so few BM25 hits still fill it. */
  @Test
  void theDenseDepthOfAResultIsAtLeastK() {
    assertThat(HybridRanker.denseDepth(20, 10)).isEqualTo(20);
    assertThat(HybridRanker.denseDepth(20, 100)).isEqualTo(100);
  }

  /**
   * An offer's code share is relative to the list's best: the offer carrying the most of the
   * query's codes has code_exact 1 even when the query's word runs make its own share a third.
   */
  @Test
  void fusionScalesCodeExactToTheBestCandidate() {
    HybridRanker.Scored named = scored("named", 0.5, 1.0);
    named.features()[RankingFeatures.CODE_EXACT] = 1.0 / 3;
    HybridRanker.Scored other = scored("other", 0.9, 0.5);
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.CODE_EXACT] = 1;
    List<HybridRanker.Scored> all =
        HybridRanker.fuse("", List.of(other), List.of(named), new LinearFusion(w), 5, 5);
    assertThat(all.get(0).productId()).isEqualTo("named");
    assertThat(all.get(0).features()[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(named.features()[RankingFeatures.CODE_EXACT]).as("input kept").isEqualTo(1.0 / 3);
  }

  /**
   * A near-identical code is a sibling of the named product only while a candidate carries the
   * query's code: when none does (the shopper cut the code short, dropped a suffix, made a typo),
   * the near one is the likeliest answer and is not held back ("Lexmark C500S2": C500S2CG, the
   * product meant, ranked below products with no code at all; found by an adversarial review).
   */
  @Test
  void aNearCodeIsPenalisedOnlyWhileACandidateCarriesTheQuerysCode() {
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.BM25] = 1;
    w[RankingFeatures.CODE_EXACT] = 1;
    w[RankingFeatures.CODE_NEAR] = -1;
    HybridRanker.Scored near = scored("c500s2cg", 0.5, 1.0);
    near.features()[RankingFeatures.CODE_NEAR] = 1;
    HybridRanker.Scored other = scored("other", 0.5, 0.6);
    assertThat(
            HybridRanker.fuse("", List.of(), List.of(near, other), new LinearFusion(w), 5, 5)
                .stream()
                .map(HybridRanker.Scored::productId))
        .containsExactly("c500s2cg", "other");
    HybridRanker.Scored named = scored("c500s2", 0.5, 0.4);
    named.features()[RankingFeatures.CODE_EXACT] = 1;
    assertThat(
            HybridRanker.fuse("", List.of(), List.of(near, other, named), new LinearFusion(w), 5, 5)
                .stream()
                .map(HybridRanker.Scored::productId))
        .containsExactly("c500s2", "other", "c500s2cg");
    assertThat(near.features()[RankingFeatures.CODE_NEAR]).as("input kept").isEqualTo(1);
  }

  @Test
  void aPartialCodeCountsOnlyWhileNoCandidateCarriesTheQuerysCode() {
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.BM25] = 1;
    w[RankingFeatures.CODE_EXACT] = 1;
    w[RankingFeatures.CODE_PARTIAL] = 1;
    HybridRanker.Scored partial = scored("c500s2cg", 0.5, 0.4);
    partial.features()[RankingFeatures.CODE_PARTIAL] = 1;
    HybridRanker.Scored other = scored("other", 0.5, 1.0);
    assertThat(
            HybridRanker.fuse("", List.of(), List.of(other, partial), new LinearFusion(w), 5, 5)
                .stream()
                .map(HybridRanker.Scored::productId))
        .containsExactly("c500s2cg", "other");
    HybridRanker.Scored named = scored("c500s", 0.5, 0.2);
    named.features()[RankingFeatures.CODE_EXACT] = 1;
    assertThat(
            HybridRanker.fuse(
                    "", List.of(), List.of(other, partial, named), new LinearFusion(w), 5, 5)
                .stream()
                .map(HybridRanker.Scored::productId))
        .containsExactly("c500s", "other", "c500s2cg");
    assertThat(partial.features()[RankingFeatures.CODE_PARTIAL]).as("input kept").isEqualTo(1);
  }

  @Test
  void inputFeaturesAreNotModified() {
    HybridRanker.Scored a = scored("a", 0.9, 0);
    HybridRanker.fuse("", List.of(a), List.of(scored("a", 0.9, 0.4)), LinearFusion.rrf(), 5, 5);
    assertThat(a.features()[RankingFeatures.DENSE_RR]).isZero();
    assertThat(a.features()[RankingFeatures.BM25]).isZero();
  }

  /**
   * Features computed only for the dense candidates the fusion keeps ({@link
   * HybridRanker#denseTop}) rank exactly as features of every candidate: same products, same order,
   * same scores, for candidates from several experts (replicated products appear twice) under a
   * model that weighs every feature.
   */
  @Test
  void featuresOfTheKeptDenseCandidatesRankAsFeaturesOfAll() {
    HybridRanker hybrid = new HybridRanker();
    String[] brands = {"Hoover", "Canon", "HP", "Samsung"};
    String[] models = {"DXOC67C3", "DXOC47C3", "DXOC68C3B", "CLI-521", "CG-823A", "", "MW8014S"};
    String[] words = {"washing", "machine", "toner", "black", "ink", "cable", "white", "8kg"};
    Random rnd = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      List<Candidate> all = new ArrayList<>();
      int n = 5 + rnd.nextInt(60);
      for (int i = 0; i < n; i++) {
        String brand = brands[rnd.nextInt(brands.length)];
        String model = models[rnd.nextInt(models.length)];
        String title = brand + " " + model + " " + words[rnd.nextInt(words.length)];
        // Scores on a coarse grid, so that equal cosines (ties broken by id) occur.
        float cosine = rnd.nextInt(40) / 40f;
        Candidate c = new Candidate(i, "p" + i, title, brand, model, cosine);
        all.add(c);
        if (rnd.nextInt(5) == 0) {
          all.add(c); // replicated into a second expert
        }
      }
      java.util.Collections.shuffle(all, rnd);
      String text =
          brands[rnd.nextInt(brands.length)]
              + " "
              + models[rnd.nextInt(models.length)]
              + " "
              + words[rnd.nextInt(words.length)];
      List<HybridRanker.Scored> lexical =
          hybrid.lexical(
              text,
              List.of(
                  new Candidate(3, "p3", "Hoover DXOC67C3 washing", "Hoover", "DXOC67C3", 9f),
                  new Candidate(99, "l-1", "HP CG-823A ink", "HP", "CG-823A", 4f)),
              c -> 0.5);
      double[] w = new double[RankingFeatures.NAMES.size()];
      for (int i = 0; i < w.length; i++) {
        w[i] = rnd.nextDouble() * 2 - 0.5;
      }
      LinearFusion model = new LinearFusion(w);
      int depth = 1 + rnd.nextInt(25);
      int k = 1 + rnd.nextInt(30);

      List<HybridRanker.Scored> kept = hybrid.denseTop(text, all, depth);
      assertThat(kept.size()).as("features computed").isLessThanOrEqualTo(depth);
      assertThat(ranked(HybridRanker.fuse(text, kept, lexical, model, depth, k), model))
          .as("trial %d", trial)
          .isEqualTo(
              ranked(
                  HybridRanker.fuse(text, hybrid.dense(text, all), lexical, model, depth, k),
                  model));
    }
  }

  private static List<String> ranked(List<HybridRanker.Scored> list, LinearFusion model) {
    return list.stream().map(s -> s.productId() + "=" + model.score(s.features())).toList();
  }

  /**
   * A candidate whose title a result item's cut leaves blank (512 blanks, then words) still gets
   * features, as a title without words: the merge does not fail on it.
   */
  @Test
  void aTitleCutToBlanksIsATitleWithoutWords() {
    HybridRanker hybrid = new HybridRanker();
    String cut = " ".repeat(RankingFeatures.MAX_TITLE_CHARS);
    List<HybridRanker.Scored> s =
        hybrid.dense("usb cable", List.of(new Candidate(-1, "p", cut, "", "", 0.5f)));
    assertThat(s)
        .singleElement()
        .satisfies(x -> assertThat(x.features()[RankingFeatures.TITLE_COVERAGE]).isZero());
  }
}
