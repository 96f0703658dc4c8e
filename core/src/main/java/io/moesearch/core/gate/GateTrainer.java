package io.moesearch.core.gate;

import io.moesearch.core.util.Vectors;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Re-learns the gate from a query log ("routing update"): softmax regression {@code p = softmax(x·W
 * / T)} initialised from the current gate, trained by mini-batch Adam on the cross-entropy to a
 * target distribution per query, plus an L2 pull {@code λ‖W − W₀‖²} towards the initial weights.
 * The target of a query is where its exact top-k neighbours live: each expert's share of the
 * neighbours it holds ({@link #neighbourTargets}). Seeded and deterministic.
 */
public final class GateTrainer {

  /**
   * Training settings.
   *
   * @param temperature the serving temperature {@code T} the gate is trained for
   * @param epochs passes over the query log, at least 1
   * @param learningRate Adam step size, in (0, 1]
   * @param l2 weight of the pull towards the initial gate, at least 0
   * @param batchSize queries per step, at least 1
   * @param seed shuffling seed
   */
  public record Settings(
      double temperature, int epochs, double learningRate, double l2, int batchSize, long seed) {
    public Settings {
      if (!(temperature > 0)) {
        throw new IllegalArgumentException("routing.temperature must be > 0, got " + temperature);
      }
      if (epochs < 1 || epochs > 10_000) {
        throw new IllegalArgumentException(
            "routing.update-epochs must be in 1..10000, got " + epochs);
      }
      if (!(learningRate > 0 && learningRate <= 1)) {
        throw new IllegalArgumentException(
            "routing.update-learning-rate must be in (0, 1], got " + learningRate);
      }
      if (!(l2 >= 0) || Double.isInfinite(l2)) {
        throw new IllegalArgumentException("routing.update-l2 must be >= 0, got " + l2);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
      }
    }
  }

  /** The trained gate and the mean cross-entropy before and after training. */
  public record Result(Gate gate, double initialLoss, double finalLoss, int steps) {}

  private final Settings settings;

  public GateTrainer(Settings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("settings are required");
    }
    this.settings = settings;
  }

  /**
   * Trains a new gate.
   *
   * @param queries the logged query vectors (unit length, the gate's dimension)
   * @param targets per query, a non-negative weight per expert (normalised here; not all zero)
   * @param progress told one line per epoch
   */
  public Result train(
      Gate initial, float[][] queries, double[][] targets, Consumer<String> progress) {
    if (initial == null || queries == null || targets == null) {
      throw new IllegalArgumentException("gate, queries and targets are required");
    }
    if (queries.length == 0 || queries.length != targets.length) {
      throw new IllegalArgumentException(
          "need one target per query and at least one query, got "
              + queries.length
              + " queries and "
              + targets.length
              + " targets");
    }
    int n = initial.experts();
    int dim = initial.dimension();
    double[][] t = new double[queries.length][];
    for (int q = 0; q < queries.length; q++) {
      Vectors.checkDimension(queries[q], dim, "query " + q);
      if (targets[q] == null || targets[q].length != n) {
        throw new IllegalArgumentException("target " + q + " must have " + n + " entries");
      }
      double sum = 0;
      for (double v : targets[q]) {
        if (!(v >= 0)) {
          throw new IllegalArgumentException("target " + q + " has a negative or NaN entry");
        }
        sum += v;
      }
      if (!(sum > 0)) {
        throw new IllegalArgumentException("target " + q + " is all zero");
      }
      t[q] = new double[n];
      for (int e = 0; e < n; e++) {
        t[q][e] = targets[q][e] / sum;
      }
    }
    double temp = settings.temperature();
    float[][] w0 = new float[n][];
    float[][] w = new float[n][];
    for (int e = 0; e < n; e++) {
      w0[e] = initial.weights(e);
      w[e] = w0[e].clone();
    }
    double[][] m = new double[n][dim];
    double[][] v = new double[n][dim];
    double[][] grad = new double[n][dim];
    double beta1 = 0.9;
    double beta2 = 0.999;
    double initialLoss = loss(new Gate(w), queries, t);
    progress.accept(String.format(Locale.ROOT, "initial loss %.4f", initialLoss));
    int[] order = new int[queries.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(settings.seed());
    int step = 0;
    for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      for (int from = 0; from < order.length; from += settings.batchSize()) {
        int to = Math.min(order.length, from + settings.batchSize());
        for (double[] g : grad) {
          Arrays.fill(g, 0);
        }
        Gate current = new Gate(w);
        for (int b = from; b < to; b++) {
          int q = order[b];
          double[] p = current.probabilities(queries[q], temp);
          float[] x = queries[q];
          for (int e = 0; e < n; e++) {
            double d = (p[e] - t[q][e]) / temp / (to - from);
            if (Math.abs(d) > 1e-9) {
              double[] g = grad[e];
              for (int k = 0; k < dim; k++) {
                g[k] += d * x[k];
              }
            }
          }
        }
        step++;
        double lr = settings.learningRate();
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        for (int e = 0; e < n; e++) {
          for (int k = 0; k < dim; k++) {
            double g = grad[e][k] + 2 * settings.l2() * (w[e][k] - w0[e][k]);
            m[e][k] = beta1 * m[e][k] + (1 - beta1) * g;
            v[e][k] = beta2 * v[e][k] + (1 - beta2) * g * g;
            w[e][k] -= (float) (lr * (m[e][k] / c1) / (Math.sqrt(v[e][k] / c2) + 1e-8));
          }
        }
      }
      progress.accept(
          String.format(
              Locale.ROOT,
              "epoch %d/%d: loss %.4f",
              epoch,
              settings.epochs(),
              loss(new Gate(w), queries, t)));
    }
    Gate trained = new Gate(w);
    return new Result(trained, initialLoss, loss(trained, queries, t), step);
  }

  /** Mean cross-entropy {@code −Σ t log p} of the gate on normalised targets. */
  private double loss(Gate gate, float[][] queries, double[][] t) {
    double sum = 0;
    for (int q = 0; q < queries.length; q++) {
      double[] p = gate.probabilities(queries[q], settings.temperature());
      for (int e = 0; e < p.length; e++) {
        if (t[q][e] > 0) {
          sum -= t[q][e] * Math.log(Math.max(p[e], 1e-300));
        }
      }
    }
    return sum / queries.length;
  }

  /**
   * Training targets: for each query, each expert's count of the query's neighbours it holds (a
   * replicated neighbour counts for every expert holding it).
   *
   * @param neighbours per query, product ordinals of its exact top-k
   * @param expertsOfProduct per product ordinal, the experts holding it ({@link #expertsOfProduct})
   */
  public static double[][] neighbourTargets(
      int[][] neighbours, int[][] expertsOfProduct, int experts) {
    double[][] out = new double[neighbours.length][experts];
    for (int q = 0; q < neighbours.length; q++) {
      for (int o : neighbours[q]) {
        for (int e : expertsOfProduct[o]) {
          out[q][e] += 1;
        }
      }
    }
    return out;
  }

  /** Inverts expert membership lists ({@code members.bin}): per product, its experts. */
  public static int[][] expertsOfProduct(int[][] members, int products) {
    int[] count = new int[products];
    for (int[] m : members) {
      for (int o : m) {
        count[o]++;
      }
    }
    int[][] out = new int[products][];
    for (int o = 0; o < products; o++) {
      out[o] = new int[count[o]];
    }
    int[] fill = new int[products];
    for (int e = 0; e < members.length; e++) {
      for (int o : members[e]) {
        out[o][fill[o]++] = e;
      }
    }
    return out;
  }

  /**
   * How many experts, taken in the gate's order, a query needs so that at least {@code fraction} of
   * its neighbours are held by one of them.
   */
  public static int expertsToCover(
      Gate gate, float[] query, int[] neighbours, int[][] expertsOfProduct, double fraction) {
    double[] logits = gate.logits(query);
    int[] order = new ActivationRule(1.0, logits.length, logits.length).select(logits);
    boolean[] chosen = new boolean[logits.length];
    int need = (int) Math.ceil(fraction * neighbours.length - 1e-9);
    for (int i = 0; i < order.length; i++) {
      chosen[order[i]] = true;
      int covered = 0;
      for (int o : neighbours) {
        for (int e : expertsOfProduct[o]) {
          if (chosen[e]) {
            covered++;
            break;
          }
        }
      }
      if (covered >= need) {
        return i + 1;
      }
    }
    return order.length;
  }
}
