package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.eval.PairedBootstrap;
import io.moesearch.core.eval.RelevanceEvaluation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvalRelevanceMarkdownTest {

  /**
   * Each set's table is followed by its served − BM25 difference with the interval and the sign the
   * sample supports, and each query type's row carries its own interval: a type "below BM25" by
   * less than its queries can show reads as no difference.
   */
  @Test
  void eachSetAndTypeShowsItsServedMinusBm25Interval() {
    RelevanceEvaluation.Report r = new RelevanceEvaluation.Report();
    Map<String, RelevanceEvaluation.Figures> figures = new LinkedHashMap<>();
    for (String v : RelevanceEvaluation.VARIANTS) {
      RelevanceEvaluation.Figures f = new RelevanceEvaluation.Figures();
      f.queries = 150;
      f.ndcgAt10 = v.equals("served") ? 0.9665 : 0.9668;
      figures.put(v, f);
    }
    r.sets.put("brand_type", figures);
    r.byType.put("brand_type", Map.of("brand_type", figures));
    r.refitMethod.put("brand_type", "weights fit on the training sets");
    r.servedMinusBm25.put(
        "brand_type",
        new PairedBootstrap.Interval(150, -0.0003, -0.0121, 0.0113, 0.95, 11, 20, 119));
    r.servedMinusBm25ByType.put(
        "brand_type",
        Map.of(
            "brand_type",
            new PairedBootstrap.Interval(150, -0.0003, -0.0121, 0.0113, 0.95, 11, 20, 119)));
    r.hybridLatencyMs.put("p50", 1.0);
    r.hybridLatencyMs.put("p99", 2.0);

    String md = EvalCommand.relevanceMarkdown(r);

    assertThat(md)
        .contains(
            "Served − BM25 nDCG@10: -0.0003 (-0.0121 … +0.0113), 95% paired bootstrap interval"
                + " over the queries (no difference shown); 11 queries won, 20 lost, 119 tied.")
        .contains("| served − bm25 (95% CI) |")
        .contains("| 0.967 | -0.0003 (-0.0121 … +0.0113) |");
  }
}
