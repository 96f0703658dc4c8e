package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moesearch.tools.bench.Ceiling;
import io.moesearch.tools.demo.PipelineDriver;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code bench pipeline} orders and combines its cache-on and cache-off runs. */
class BenchPipelineCommandTest {
  /**
   * Both modes sit at the same mean position (1.5 of 0..3), so a drift over the process's life (the
   * JIT warming up) favours neither; a single mode runs once.
   */
  @Test
  void bothModesRunInAbbaOrder() {
    assertThat(BenchPipelineCommand.cacheOrder(List.of(true, false)))
        .containsExactly(true, false, false, true);
    assertThat(BenchPipelineCommand.cacheOrder(List.of(false))).containsExactly(false);
  }

  /** A mode's figures are the means of its runs; the ratio to the ceiling uses the mean. */
  @Test
  void aModesFiguresAreTheMeansOfItsRuns() {
    Ceiling.Figures ceiling = new Ceiling.Figures();
    ceiling.combinedPerSec = 200;
    var run =
        new BenchPipelineCommand.Run(List.of(figures(60, 100, 20), figures(80, 300, 0)), ceiling);
    assertThat(run.fullAnswersPerSec).isEqualTo(70);
    assertThat(run.inJobP99Ms).isEqualTo(200);
    assertThat(run.e2eP50Ms).as("every figure printed is a mean").isEqualTo(100);
    assertThat(run.avgExperts).isEqualTo(7);
    assertThat(run.ratioToCeiling).isEqualTo(0.35);
    assertThat(run.degradedShare).isCloseTo(0.1, within(1e-12));
    assertThat(run.runs).hasSize(2);
  }

  private static PipelineDriver.Figures figures(double perSec, double p99, int degraded) {
    PipelineDriver.Figures f = new PipelineDriver.Figures();
    f.throughputPerSec = perSec;
    f.fullAnswersPerSec = perSec;
    f.inJobP99Ms = p99;
    f.e2eP50Ms = p99 / 2;
    f.avgExperts = perSec / 10;
    f.resultsReceived = 100;
    f.degraded.put("none", 100 - degraded);
    f.degraded.put("overloaded", degraded);
    return f;
  }
}
