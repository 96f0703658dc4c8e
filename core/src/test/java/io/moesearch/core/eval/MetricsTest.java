package io.moesearch.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void ndcgMatchesAHandComputedCase() {
    // ranked: a(3), x(unjudged), b(1); ideal: a(3), c(2), b(1)
    Map<String, Integer> r = Map.of("a", 3, "b", 1, "c", 2);
    double dcg = 7 / log2(2) + 0 + 1 / log2(4);
    double idcg = 7 / log2(2) + 3 / log2(3) + 1 / log2(4);
    assertThat(Metrics.ndcg(List.of("a", "x", "b"), r, 10)).isCloseTo(dcg / idcg, within(1e-12));
    assertThat(Metrics.ndcg(List.of("a", "c", "b"), r, 10)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void ndcgCutsAtKAndIsZeroWithoutRelevantJudgements() {
    Map<String, Integer> r = Map.of("a", 1);
    assertThat(Metrics.ndcg(List.of("x", "a"), r, 1)).isZero();
    assertThat(Metrics.ndcg(List.of("a"), Map.of("a", 0), 10)).isZero();
  }

  /** nDCG is finite at the largest grade, and a grade beyond it is refused rather than NaN. */
  @Test
  void ndcgIsFiniteForEveryValidGradeAndRefusesOthers() {
    Map<String, Integer> top = Map.of("a", Judgements.MAX_RATING, "b", Judgements.MAX_RATING);
    assertThat(Metrics.ndcg(List.of("b", "x", "a"), top, 10)).isFinite().isBetween(0.0, 1.0);
    assertThatThrownBy(() -> Metrics.ndcg(List.of("a"), Map.of("a", 1024), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from 0 to 30, got 1024");
  }

  @Test
  void recallAndJudgedFractions() {
    assertThat(Metrics.recall(List.of("a", "b", "c"), List.of("a", "c", "d", "e"), 3))
        .isEqualTo(0.5);
    assertThat(Metrics.recall(List.of("a", "b", "c"), List.of("c"), 2)).isZero();
    assertThat(Metrics.judgedAtK(List.of("a", "b", "c", "d"), Map.of("a", 0, "d", 2), 4))
        .isEqualTo(0.5);
  }

  @Test
  void percentilesUseNearestRank() {
    LatencyStats s = new LatencyStats();
    for (int i = 1; i <= 100; i++) {
      s.add(i);
    }
    assertThat(s.percentile(50)).isEqualTo(50);
    assertThat(s.percentile(99)).isEqualTo(99);
    assertThat(s.percentile(100)).isEqualTo(100);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
