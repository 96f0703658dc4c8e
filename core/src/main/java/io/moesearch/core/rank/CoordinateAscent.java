package io.moesearch.core.rank;

import io.moesearch.core.eval.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Fits a {@link LinearFusion} by coordinate ascent on mean nDCG@10 (as RankLib's CoordinateAscent
 * does): one weight at a time is moved along a grid of step sizes while the metric improves, from a
 * few seeded random restarts. Direct metric optimisation suits a handful of features and a small
 * judged set. Deterministic for a seed. Every start and every step is {@link
 * RankingFeatures#admissible}: the weights of {@link RankingFeatures#NON_POSITIVE} never turn
 * positive, and the code signal always outweighs the length signal in the dense weight.
 */
public final class CoordinateAscent {
  private static final double[] STEPS = {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
  private final int restarts;
  private final int rounds;
  private final long seed;
  private final int bags;

  public CoordinateAscent(int restarts, int rounds, long seed) {
    this(restarts, rounds, seed, 1);
  }

  /**
   * @param bags 1: one fit on the training queries; more: the mean of that many fits, each on a
   *     seeded bootstrap resample of the training list's entries (each drawn with replacement, an
   *     entry drawn twice weighing twice), every fit's weights scaled to unit L1 norm first
   *     (bagging, Breiman 1996: a linear model's average is linear, and admissible where its fits
   *     are, the admissible weights being a convex set)
   */
  public CoordinateAscent(int restarts, int rounds, long seed, int bags) {
    if (restarts < 1 || rounds < 1 || bags < 1) {
      throw new IllegalArgumentException("restarts, rounds and bags must be >= 1");
    }
    this.restarts = restarts;
    this.rounds = rounds;
    this.seed = seed;
    this.bags = bags;
  }

  public LinearFusion fit(List<RankedQuery> training) {
    double[] weights = new double[training.size()];
    java.util.Arrays.fill(weights, 1);
    return fit(training, weights);
  }

  /**
   * Fits on {@code training}, maximising the weighted mean nDCG@10 (a query's weight, e.g. 1 / its
   * set's size so that every judged set counts alike).
   */
  public LinearFusion fit(List<RankedQuery> training, double[] queryWeights) {
    if (training.isEmpty()) {
      throw new IllegalArgumentException("no training queries");
    }
    if (queryWeights.length != training.size()) {
      throw new IllegalArgumentException("one weight per training query");
    }
    for (double w : queryWeights) {
      if (!(w > 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("query weights must be positive and finite, got " + w);
      }
    }
    if (bags == 1) {
      return new LinearFusion(fitOnce(training, queryWeights, seed));
    }
    Random resample = new Random(seed ^ 0x5DEECE66DL);
    List<int[]> draws = new ArrayList<>(bags);
    for (int b = 0; b < bags; b++) {
      int[] d = new int[training.size()];
      for (int i = 0; i < d.length; i++) {
        d[resample.nextInt(d.length)]++;
      }
      draws.add(d);
    }
    // The bags are independent: fit them in parallel, then average in bag order (the same sum,
    // so the same weights, on any number of cores).
    List<double[]> fits =
        IntStream.range(0, bags)
            .parallel()
            .mapToObj(b -> fitBag(training, queryWeights, draws.get(b), seed + b))
            .toList();
    double[] mean = new double[RankingFeatures.NAMES.size()];
    for (double[] w : fits) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] += w[i] / bags;
      }
    }
    if (!RankingFeatures.admissible(mean)) {
      // The mean of admissible weights is admissible (a convex set); rounding could only break
      // that at the strict bound, which no fit reaches.
      throw new IllegalStateException("the bags' mean is not admissible: " + Arrays.toString(mean));
    }
    return new LinearFusion(mean);
  }

  /** One bag's fit: the queries drawn {@code draws[i]} times weigh that many times more. */
  private double[] fitBag(
      List<RankedQuery> training, double[] queryWeights, int[] draws, long bagSeed) {
    List<RankedQuery> bag = new ArrayList<>();
    double[] bagWeights = new double[draws.length];
    for (int i = 0; i < draws.length; i++) {
      if (draws[i] > 0) {
        bagWeights[bag.size()] = queryWeights[i] * draws[i];
        bag.add(training.get(i));
      }
    }
    double[] w = fitOnce(bag, Arrays.copyOf(bagWeights, bag.size()), bagSeed);
    normalise(w);
    return w;
  }

  private double[] fitOnce(List<RankedQuery> training, double[] queryWeights, long seed) {
    List<Compiled> queries = new ArrayList<>(training.size());
    double total = 0;
    for (int i = 0; i < training.size(); i++) {
      queries.add(new Compiled(training.get(i), queryWeights[i]));
      total += queryWeights[i];
    }
    Random rnd = new Random(seed);
    int n = RankingFeatures.NAMES.size();
    double[] best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int r = 0; r < restarts; r++) {
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        w[i] = r == 0 ? 1.0 / n : rnd.nextDouble();
        if (RankingFeatures.NON_POSITIVE.contains(i)) {
          w[i] = -w[i];
        }
      }
      // An admissible start: the code signal outweighs the length signal.
      w[RankingFeatures.DENSE_X_CODE] -= Math.max(0, w[RankingFeatures.DENSE_X_LENGTH]);
      rescore(w, queries);
      double score = objective(-1, 0, queries, total);
      for (int round = 0; round < rounds; round++) {
        boolean improved = false;
        for (int i = 0; i < n; i++) {
          for (double step : STEPS) {
            for (int dir : new int[] {1, -1}) {
              double[] c = w.clone();
              c[i] += dir * step;
              if (!RankingFeatures.admissible(c)) {
                continue;
              }
              double s = objective(i, dir * step, queries, total);
              if (s > score + 1e-9) {
                w = c;
                score = s;
                improved = true;
                rescore(w, queries);
              }
            }
          }
        }
        if (!improved) {
          break;
        }
        normalise(w); // the same ranking; the step grid stays relative to the weights' scale
        rescore(w, queries);
      }
      if (score > bestScore) {
        bestScore = score;
        best = w;
      }
    }
    if (best == null) {
      // Every restart scored NaN: gains and weights are finite, so only a broken invariant does.
      throw new IllegalStateException(
          "coordinate ascent: no restart scored a finite mean nDCG@10 on "
              + training.size()
              + " training queries");
    }
    return best;
  }

  /** Scales {@code w} to unit L1 norm (a linear model ranks alike at every positive scale). */
  private static void normalise(double[] w) {
    double norm = 0;
    for (double x : w) {
      norm += Math.abs(x);
    }
    if (norm > 0) {
      for (int i = 0; i < w.length; i++) {
        w[i] /= norm;
      }
    }
  }

  /** Every query's candidate scores under {@code w}. */
  private static void rescore(double[] w, List<Compiled> queries) {
    for (Compiled q : queries) {
      q.rescore(w);
    }
  }

  /**
   * The weighted mean nDCG@10 with weight {@code feature} moved by {@code delta} from the weights
   * last {@link #rescore rescored} ({@code feature} -1: unmoved).
   */
  private static double objective(int feature, double delta, List<Compiled> queries, double total) {
    double s = 0;
    for (Compiled q : queries) {
      s += q.weight * q.ndcg(feature, delta);
    }
    return s / total;
  }

  /**
   * A query prepared for fast scoring: its candidates' features by feature (one column each), their
   * scores under the current weights, gains by candidate, the ideal DCG. A one-weight move then
   * costs one multiply-add per candidate. Its nDCG@10 equals {@link Metrics#ndcg} of {@link #rank}
   * (same tie order: by product id).
   */
  private static final class Compiled {
    final double[][] features;
    final double[][] columns;
    final double[] scores;
    final double[] gains;
    final int[] idOrder; // candidate index → position in id order, for ties
    final double idcg;
    final double weight;

    Compiled(RankedQuery q, double weight) {
      int n = q.ids().size();
      features = q.features().toArray(new double[0][]);
      int width = RankingFeatures.NAMES.size();
      columns = new double[width][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < width; j++) {
          columns[j][i] = features[i][j];
        }
      }
      scores = new double[n];
      gains = new double[n];
      for (int i = 0; i < n; i++) {
        gains[i] = Metrics.gain(q.ratings().getOrDefault(q.ids().get(i), 0));
      }
      List<Integer> byId = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byId.add(i);
      }
      byId.sort(Comparator.comparing(q.ids()::get));
      idOrder = new int[n];
      for (int pos = 0; pos < n; pos++) {
        idOrder[byId.get(pos)] = pos;
      }
      int[] ideal = q.ratings().values().stream().mapToInt(Integer::intValue).sorted().toArray();
      double d = 0;
      for (int i = 0; i < Math.min(10, ideal.length); i++) {
        d += Metrics.gain(ideal[ideal.length - 1 - i]) / (Math.log(i + 2) / Math.log(2));
      }
      idcg = d;
      this.weight = weight;
    }

    void rescore(double[] w) {
      for (int i = 0; i < features.length; i++) {
        double s = 0;
        double[] f = features[i];
        for (int j = 0; j < w.length; j++) {
          s += w[j] * f[j];
        }
        scores[i] = s;
      }
    }

    /** nDCG@10 with weight {@code feature} moved by {@code delta} ({@code feature} -1: none). */
    double ndcg(int feature, double delta) {
      if (idcg == 0) {
        return 0;
      }
      int n = features.length;
      int k = Math.min(10, n);
      int[] top = new int[k];
      double[] topScore = new double[k];
      int size = 0;
      double[] column = feature < 0 ? null : columns[feature];
      for (int i = 0; i < n; i++) {
        double s = column == null ? scores[i] : scores[i] + delta * column[i];
        // insert into the sorted top k (descending score, ties by id order)
        int pos = size;
        while (pos > 0 && better(s, i, topScore[pos - 1], top[pos - 1])) {
          pos--;
        }
        if (pos >= k) {
          continue;
        }
        int last = Math.min(size, k - 1);
        for (int m = last; m > pos; m--) {
          top[m] = top[m - 1];
          topScore[m] = topScore[m - 1];
        }
        top[pos] = i;
        topScore[pos] = s;
        if (size < k) {
          size++;
        }
      }
      double dcg = 0;
      for (int r = 0; r < size; r++) {
        dcg += gains[top[r]] * DISCOUNT[r];
      }
      return dcg / idcg;
    }

    private boolean better(double s, int i, double s2, int i2) {
      return s > s2 || (s == s2 && idOrder[i] < idOrder[i2]);
    }
  }

  private static final double[] DISCOUNT = new double[10];

  static {
    for (int i = 0; i < 10; i++) {
      DISCOUNT[i] = 1 / (Math.log(i + 2) / Math.log(2));
    }
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
