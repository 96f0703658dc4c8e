package io.moesearch.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.index.Analyzers;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.rank.RankingFeatures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped fusion weights ({@code ranking.weights}) make the dense weight query-adaptive. */
class AdaptiveFusionTest {
  private final LinearFusion shipped = MoeSearchConfig.defaultsWith(Map.of()).ranking().fusion();
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private double denseWeight(String query, double agreement, double gap) {
    RankingFeatures.QueryTerms q = features.query(query);
    return shipped.denseWeight(
        new RankingFeatures.QuerySignals(q.code(), q.length(), agreement, gap));
  }

  @Test
  void aModelCodeQueryGetsALowerDenseWeightThanACategoryQuery() {
    // The same list signals for both: only what the text says differs.
    for (double agreement : new double[] {0, 0.3, 0.7}) {
      for (double gap : new double[] {0.1, 0.5, 1}) {
        assertThat(denseWeight("Hoover DXOC67C3", agreement, gap))
            .as("agreement %s, gap %s", agreement, gap)
            .isLessThan(denseWeight("washing machine", agreement, gap));
        assertThat(denseWeight("dxoc-67c3", agreement, gap))
            .isLessThan(denseWeight("front loader washer", agreement, gap));
      }
    }
  }

  @Test
  void theShippedWeightsAreTheConfigExampleAndUseTheAdaptiveTerms() throws Exception {
    MoeSearchConfig example =
        MoeSearchConfig.load(java.nio.file.Path.of("../conf/moe-search.yaml"), Map.of());
    assertThat(example.ranking().fusion()).isEqualTo(shipped);
    assertThat(shipped.weights()[RankingFeatures.DENSE_X_CODE]).isNotZero();
  }
}
