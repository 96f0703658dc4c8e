package io.moesearch.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartsTest {

  @Test
  void barChartLabelsEveryVariantWithItsValue() {
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("bm25", 0.747);
    v.put("hybrid <learned>", 0.788);
    String svg = Charts.bars("nDCG@10", v);
    assertThat(svg)
        .startsWith("<svg")
        .endsWith("</svg>\n")
        .contains(">bm25<")
        .contains(">0.747<")
        .contains("hybrid &lt;learned&gt;");
    assertThat(svg.split("fill=\"#4878a8\"", -1)).hasSize(3);
  }

  @Test
  void winLossCountsWinsTiesAndLosses() {
    String svg = Charts.winLoss("t", List.of(0.2, 0.0, -0.1, 0.5, 0.0));
    assertThat(svg).contains("5 queries: 2 wins, 2 ties, 1 losses");
    assertThat(svg.split("#3a9a4a", -1))
        .hasSize(5); // two wins and two zero-height ties are drawn green
    assertThat(svg.split("#c0392b", -1)).hasSize(2);
  }
}
