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

  /** How a query picks among an expert's replicas. */
  public enum ReplicaChoice {
    /** The replica whose slot has the fewest recent activations (live balancing). */
    LEAST_LOADED,
    /** A hash of the query's salt (load-unaware; the contrast). */
    HASHED
  }

  /**
   * Routes over replicated experts. The tracker counts activations per <em>slot</em>; an expert's
   * load for the balancing term is its least-loaded replica's ({@link
   * ExpertPlacement#expertLoads}); each activated expert is then served by the replica {@code
   * choice} picks, and the slots' activations are recorded. With {@link ExpertPlacement#identity}
   * and {@code LEAST_LOADED} this is {@link #route(float[], ExpertLoadTracker, long)}.
   *
   * @param salt the hashed choice's key (for example the query id's hash); unused otherwise
   */
  public Route route(
      float[] query,
      ExpertPlacement placement,
      ExpertLoadTracker slots,
      long timestampMs,
      ReplicaChoice choice,
      long salt) {
    if (placement.experts() != gate.experts()) {
      throw new IllegalArgumentException(
          "the placement has " + placement.experts() + " experts, the gate " + gate.experts());
    }
    if (slots.experts() != placement.slots()) {
      throw new IllegalArgumentException(
          "the tracker has " + slots.experts() + " slots, the placement " + placement.slots());
    }
    double[] counts = slots.activations(timestampMs);
    double[] expertLoads =
        config.balanceAlpha() > 0 ? placement.expertLoads(LoadStats.relativeLoads(counts)) : null;
    Route r = route(query, expertLoads);
    int[] chosen =
        choice == ReplicaChoice.LEAST_LOADED
            ? placement.leastLoaded(r.experts(), counts)
            : placement.hashed(r.experts(), salt);
    slots.recordActivations(chosen, timestampMs);
    return r.withSlots(chosen);
  }

  public Gate gate() {
    return gate;
  }

  public LoadAwareRoutingConfig config() {
    return config;
  }
}
