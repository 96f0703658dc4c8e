package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
    List<HybridRanker.Scored> all = HybridRanker.fuse(dense, lexical, LinearFusion.rrf(), 2, 10);

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
    assertThat(HybridRanker.fuse(dense, List.of(), LinearFusion.rrf(), 2, 10))
        .extracting(HybridRanker.Scored::productId)
        .containsExactly("a", "b");
    assertThat(HybridRanker.fuse(dense, List.of(), LinearFusion.rrf(), 3, 1))
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
        HybridRanker.fuse(List.of(other), List.of(named), new LinearFusion(w), 5, 5);
    assertThat(all.get(0).productId()).isEqualTo("named");
    assertThat(all.get(0).features()[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(named.features()[RankingFeatures.CODE_EXACT]).as("input kept").isEqualTo(1.0 / 3);
  }

  @Test
  void inputFeaturesAreNotModified() {
    HybridRanker.Scored a = scored("a", 0.9, 0);
    HybridRanker.fuse(List.of(a), List.of(scored("a", 0.9, 0.4)), LinearFusion.rrf(), 5, 5);
    assertThat(a.features()[RankingFeatures.DENSE_RR]).isZero();
    assertThat(a.features()[RankingFeatures.BM25]).isZero();
  }
}
