package io.moesearch.core.rank;

import io.moesearch.core.eval.Metrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Fits a {@link LinearFusion} by coordinate ascent on mean nDCG@10 (as RankLib's CoordinateAscent
 * does): one weight at a time is moved along a grid of step sizes while the metric improves, from a
 * few seeded random restarts. Direct metric optimisation suits a handful of features and a small
 * judged set. Deterministic for a seed.
 */
public final class CoordinateAscent {
  private static final double[] STEPS = {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
  private final int restarts;
  private final int rounds;
  private final long seed;

  public CoordinateAscent(int restarts, int rounds, long seed) {
    if (restarts < 1 || rounds < 1) {
      throw new IllegalArgumentException("restarts and rounds must be >= 1");
    }
    this.restarts = restarts;
    this.rounds = rounds;
    this.seed = seed;
  }

  public LinearFusion fit(List<RankedQuery> training) {
    if (training.isEmpty()) {
      throw new IllegalArgumentException("no training queries");
    }
    Random rnd = new Random(seed);
    int n = RankingFeatures.NAMES.size();
    double[] best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int r = 0; r < restarts; r++) {
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        w[i] = r == 0 ? 1.0 / n : rnd.nextDouble();
      }
      double score = meanNdcg(new LinearFusion(w), training);
      for (int round = 0; round < rounds; round++) {
        boolean improved = false;
        for (int i = 0; i < n; i++) {
          for (double step : STEPS) {
            for (int dir : new int[] {1, -1}) {
              double[] c = w.clone();
              c[i] += dir * step;
              double s = meanNdcg(new LinearFusion(c), training);
              if (s > score + 1e-9) {
                w = c;
                score = s;
                improved = true;
              }
            }
          }
        }
        if (!improved) {
          break;
        }
      }
      if (score > bestScore) {
        bestScore = score;
        best = w;
      }
    }
    return new LinearFusion(best);
  }

  /** Mean nDCG@10 of a model over queries. */
  public static double meanNdcg(LinearFusion model, List<RankedQuery> queries) {
    double s = 0;
    for (RankedQuery q : queries) {
      s += Metrics.ndcg(rank(model, q), q.ratings(), 10);
    }
    return s / queries.size();
  }

  /** Candidate ids ordered by model score (ties by id). */
  public static List<String> rank(LinearFusion model, RankedQuery q) {
    List<Integer> order = new ArrayList<>();
    double[] scores = new double[q.ids().size()];
    for (int i = 0; i < scores.length; i++) {
      order.add(i);
      scores[i] = model.score(q.features().get(i));
    }
    order.sort(
        Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparing(i -> q.ids().get(i)));
    List<String> out = new ArrayList<>(order.size());
    for (int i : order) {
      out.add(q.ids().get(i));
    }
    return out;
  }
}
