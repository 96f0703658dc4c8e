package io.moesearch.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.synth.BruteForce;
import io.moesearch.core.synth.SyntheticCatalog;
import org.junit.jupiter.api.Test;

class GateTrainerTest {
  private static final int EXPERTS = 16;
  private static final double T = 0.05;
  private static final double COVER = 1.0; // every neighbour held by an activated expert
  private static final double NOISE = 0.6;
  private static final double LR = 0.003;

  @Test
  void theTrainedGateNeedsFewerExpertsForTheSameNeighbourCoverage() {
    SyntheticCatalog cat =
        new SyntheticCatalog(
            new SyntheticCatalog.Spec(6000, 64, 60, 16, 4, 1.0, 0.3, 0.6, 0.35, 5));
    float[][] x = cat.generate();
    Gate initial = new Gate(new SphericalKMeans(EXPERTS, 10, 1).fit(x));
    ExpertAssigner assigner = new ExpertAssigner(initial, T, 0.5, 2);
    int[][] expertsOf = new int[x.length][];
    for (int i = 0; i < x.length; i++) {
      expertsOf[i] = assigner.assign(x[i]);
    }
    float[][] train = cat.queries(x, 1500, NOISE, 1);
    float[][] test = cat.queries(x, 300, NOISE, 2);
    int[][] trainTop = BruteForce.topK(x, train, 10);
    int[][] testTop = BruteForce.topK(x, test, 10);
    GateTrainer.Result r =
        new GateTrainer(new GateTrainer.Settings(T, 8, LR, 1e-3, 64, 7))
            .train(
                initial,
                train,
                GateTrainer.neighbourTargets(trainTop, expertsOf, EXPERTS),
                s -> {});
    assertThat(r.finalLoss()).isLessThan(r.initialLoss());
    double before = 0;
    double after = 0;
    for (int q = 0; q < test.length; q++) {
      before += GateTrainer.expertsToCover(initial, test[q], testTop[q], expertsOf, COVER);
      after += GateTrainer.expertsToCover(r.gate(), test[q], testTop[q], expertsOf, COVER);
    }
    assertThat(after).isLessThan(before);
  }

  @Test
  void trainingIsDeterministic() {
    Gate g = new Gate(new float[][] {{1, 0}, {0, 1}});
    float[][] q = {{0.6f, 0.8f}, {0.8f, 0.6f}};
    double[][] t = {{1, 0}, {0, 1}};
    GateTrainer trainer = new GateTrainer(new GateTrainer.Settings(0.1, 3, 0.01, 0, 1, 3));
    Gate a = trainer.train(g, q, t, s -> {}).gate();
    Gate b = trainer.train(g, q, t, s -> {}).gate();
    assertThat(a.weights(0)).containsExactly(b.weights(0));
  }

  @Test
  void argumentsAreCheckedUpFront() {
    assertThatThrownBy(() -> new GateTrainer.Settings(0.05, 0, 0.01, 0, 8, 1))
        .hasMessageContaining("routing.update-epochs");
    GateTrainer trainer = new GateTrainer(new GateTrainer.Settings(0.1, 1, 0.01, 0, 1, 3));
    Gate g = new Gate(new float[][] {{1, 0}, {0, 1}});
    assertThatThrownBy(
            () -> trainer.train(g, new float[][] {{1, 0}}, new double[][] {{0, 0}}, s -> {}))
        .hasMessageContaining("all zero");
    assertThatThrownBy(() -> trainer.train(g, new float[][] {{1, 0}}, new double[0][], s -> {}))
        .hasMessageContaining("one target per query");
  }
}
