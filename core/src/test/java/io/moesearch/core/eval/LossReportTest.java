package io.moesearch.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.RankingFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LossReportTest {

  private static HybridRanker.Scored scored(String id, double dense) {
    double[] f = new double[RankingFeatures.NAMES.size()];
    f[RankingFeatures.DENSE] = dense;
    return new HybridRanker.Scored(id, "title " + id, f);
  }

  /**
   * A loss shows the first five of each list with grades and titles, and every shown item's served
   * rank and features by name (a BM25 hit too), so the product the fusion lifted, the one it pushed
   * down and the features that did both can be read.
   */
  @Test
  void aLossShowsBothListsTopFiveWithGradesTitlesAndServedFeatures() {
    List<HybridRanker.Scored> served = new ArrayList<>();
    List<String> bm25 = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      served.add(scored("s" + i, 0.9 - i / 10.0));
      bm25.add("b" + i);
    }
    served.add(scored("b0", 0.05)); // the judged BM25 hit, pushed down to rank 9
    var loss =
        RelevanceEvaluation.loss(
            "set",
            "hp q7456a print head",
            "label_name",
            Map.of("b0", 1, "s1", 2),
            1.0,
            0.61,
            served,
            bm25,
            Map.of("b0", "hp q7456a print head inkjet"));
    assertThat(loss.served())
        .extracting(RelevanceEvaluation.ShownItem::productId)
        .containsExactly("s0", "s1", "s2", "s3", "s4");
    assertThat(loss.served().get(1).rating()).isEqualTo(2);
    assertThat(loss.served().get(0).features())
        .containsKeys(RankingFeatures.NAMES.toArray(String[]::new))
        .containsEntry("dense", 0.9);
    assertThat(loss.served().get(0).servedRank()).isEqualTo(1);
    assertThat(loss.bm25()).hasSize(5);
    RelevanceEvaluation.ShownItem pushedDown = loss.bm25().get(0);
    assertThat(pushedDown.title()).isEqualTo("hp q7456a print head inkjet");
    assertThat(pushedDown.rating()).isEqualTo(1);
    assertThat(pushedDown.servedRank()).isEqualTo(9);
    assertThat(pushedDown.features()).containsEntry("dense", 0.05);
    // Not a candidate of the served fusion: no rank, no features.
    assertThat(loss.bm25().get(1).rating()).isZero();
    assertThat(loss.bm25().get(1).servedRank()).isZero();
    assertThat(loss.bm25().get(1).features()).isNull();
  }
}
