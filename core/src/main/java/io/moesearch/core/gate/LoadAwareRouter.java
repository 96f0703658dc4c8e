package io.moesearch.core.gate;

/**
 * Load-aware, complexity-aware routing. For a query x with gate logits {@code l = x·W}:
 *
 * <ol>
 *   <li>complexity: the normalised entropy {@code H(softmax(l/T)) / ln N}; below {@code
 *       complexityThreshold} the query is confident and takes the fast path (its own activation
 *       rule and a smaller HNSW oversample), otherwise the normal path;
 *   <li>balancing: scores {@code l_e − α · load_e} (load = the expert's share of recent activations
 *       relative to uniform, see {@link ExpertLoadTracker#loads}), then {@code softmax(·/T)} and
 *       the path's activation rule.
 * </ol>
 *
 * With α = 0 and the fast path off it chooses exactly what {@link Router} chooses. Stateless and
 * thread-safe: the caller owns the loads (for example an {@link ExpertLoadTracker} in operator
 * state) and passes them in, which keeps routing a pure function of (query, loads).
 */
public final class LoadAwareRouter {
  private final Gate gate;
  private final LoadAwareRoutingConfig config;

  public LoadAwareRouter(Gate gate, LoadAwareRoutingConfig config) {
    if (gate == null || config == null) {
      throw new IllegalArgumentException("gate and config are required");
    }
    this.gate = gate;
    this.config = config;
  }

  /**
   * Routes with the given loads ({@code null} = no load information, every expert at 1.0).
   *
   * @param loads one entry per expert, 1.0 = an even share
   */
  public Route route(float[] query, double[] loads) {
    if (loads != null && loads.length != gate.experts()) {
      throw new IllegalArgumentException(
          "loads has " + loads.length + " entries, the gate " + gate.experts() + " experts");
    }
    double t = config.base().temperature();
    double[] logits = gate.logits(query);
    double[] p = Gate.softmax(logits, t);
    double entropy = LoadStats.normalisedEntropy(p);
    boolean fast = entropy < config.complexityThreshold();
    ActivationRule rule = fast ? config.fast() : config.base().activation();
    double alpha = config.balanceAlpha();
    if (alpha > 0 && loads != null) {
      double[] scores = new double[logits.length];
      for (int e = 0; e < scores.length; e++) {
        scores[e] = logits[e] - alpha * loads[e];
      }
      p = Gate.softmax(scores, t);
    }
    return new Route(
        rule.select(p), fast, entropy, fast ? config.fastOversample() : config.oversample());
  }

  /**
   * Routes with the tracker's loads at {@code timestampMs}, then records the activations in it: the
   * router-local way of keeping loads current.
   */
  public Route route(float[] query, ExpertLoadTracker tracker, long timestampMs) {
    if (tracker.experts() != gate.experts()) {
      throw new IllegalArgumentException(
          "the tracker has " + tracker.experts() + " experts, the gate " + gate.experts());
    }
    Route r = route(query, config.balanceAlpha() > 0 ? tracker.loads(timestampMs) : null);
    tracker.recordActivations(r.experts(), timestampMs);
    return r;
  }

  public Gate gate() {
    return gate;
  }

  public LoadAwareRoutingConfig config() {
    return config;
  }
}
