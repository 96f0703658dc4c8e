package io.moesearch.core.gate;

import java.util.LinkedHashSet;

/**
 * The {@link ExpertRouter}: load-aware, complexity-aware routing over an expert layout. For a query
 * x with gate logits {@code l = x·W}:
 *
 * <ol>
 *   <li>complexity: the normalised entropy {@code H(softmax(l/T)) / ln N}; below {@code
 *       complexityThreshold} the query is confident and takes the fast path (its own activation
 *       rule and a smaller HNSW oversample), otherwise the normal path;
 *   <li>balancing: scores {@code l_e − α · load_e} (load = the expert's share of recent activations
 *       relative to uniform, the least-loaded replica's for a replicated expert, see {@link
 *       ExpertPlacement#expertLoads}), then {@code softmax(·/T)} and the path's activation rule;
 *   <li>replicas: each activated expert is served by the slot {@link ReplicaChoice} picks, and the
 *       slots' activations are recorded in the load tracker.
 * </ol>
 *
 * <p>With α = 0 and the fast path off it chooses the gate's own top experts by the activation rule.
 * The load state is injected: the streaming job passes its per-subtask tracker (kept in operator
 * state), {@code eval} and {@code bench routing} a fresh one replayed in query order ({@link
 * #fresh}). {@link #route(float[], double[])} is the pure step underneath: a function of (query,
 * loads). Thread-safe: routing with load state is serialised on the router.
 */
public final class LoadAwareRouter implements ExpertRouter {
  private final Gate gate;
  private final LoadAwareRoutingConfig config;
  private final ExpertPlacement placement;
  private final ExpertLoadTracker slots;
  private final ReplicaChoice choice;

  /** How a query picks among an expert's replicas. */
  public enum ReplicaChoice {
    /** The replica whose slot has the fewest recent activations (live balancing). */
    LEAST_LOADED,
    /** A hash of the query's salt (load-unaware; the contrast). */
    HASHED
  }

  /**
   * @param placement the serving layout: which slots hold which expert
   * @param slots decayed activation counts per slot of {@code placement}: the load state, updated
   *     by every routed query
   * @param choice how an activated expert's replica is picked
   */
  public LoadAwareRouter(
      Gate gate,
      LoadAwareRoutingConfig config,
      ExpertPlacement placement,
      ExpertLoadTracker slots,
      ReplicaChoice choice) {
    if (gate == null || config == null || placement == null || slots == null || choice == null) {
      throw new IllegalArgumentException(
          "gate, config, placement, load tracker and replica choice are required");
    }
    if (placement.experts() != gate.experts()) {
      throw new IllegalArgumentException(
          "the placement has " + placement.experts() + " experts, the gate " + gate.experts());
    }
    if (slots.experts() != placement.slots()) {
      throw new IllegalArgumentException(
          "the tracker has " + slots.experts() + " slots, the placement " + placement.slots());
    }
    this.gate = gate;
    this.config = config;
    this.placement = placement;
    this.slots = slots;
    this.choice = choice;
  }

  /** The unreplicated layout (slot e = expert e) with empty loads. */
  public LoadAwareRouter(Gate gate, LoadAwareRoutingConfig config) {
    this(gate, config, ExpertPlacement.identity(gate.experts()));
  }

  private LoadAwareRouter(Gate gate, LoadAwareRoutingConfig config, ExpertPlacement placement) {
    this(
        gate,
        config,
        placement,
        new ExpertLoadTracker(placement.slots(), config.loadHalfLifeMs()),
        ReplicaChoice.LEAST_LOADED);
  }

  /**
   * What the streaming job serves with: {@code placement}, the least-loaded replica and the given
   * load state (for example a tracker restored from a checkpoint).
   */
  public static LoadAwareRouter serving(
      Gate gate,
      LoadAwareRoutingConfig config,
      ExpertPlacement placement,
      ExpertLoadTracker slots) {
    return new LoadAwareRouter(gate, config, placement, slots, ReplicaChoice.LEAST_LOADED);
  }

  /**
   * The job's router as a freshly started subtask has it: empty loads. What {@code eval} and {@code
   * bench routing} replay their queries through.
   */
  public static LoadAwareRouter fresh(
      Gate gate, LoadAwareRoutingConfig config, ExpertPlacement placement) {
    return new LoadAwareRouter(gate, config, placement);
  }

  /**
   * The pure routing step with the given per-expert loads ({@code null} = no load information,
   * every expert at 1.0); records nothing.
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

  @Override
  public Route route(float[] query, long timestampMs) {
    return route(query, timestampMs, 0);
  }

  /**
   * Routes with the slot loads at {@code timestampMs}, picks each activated expert's replica and
   * records the slots' activations.
   *
   * @param salt the hashed choice's key (for example the query id's hash); unused otherwise
   */
  public synchronized Route route(float[] query, long timestampMs, long salt) {
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

  /**
   * Routes a query with a brand or price filter by how selective the filter is: the experts the
   * unfiltered route activates that hold a match, widened in gate order ({@link #expansionOrder})
   * by further experts holding matches until the chosen experts hold at least {@code k} matches
   * between them (or hold every match), each on its least-loaded replica; records the slots'
   * activations. A filter most products pass (say {@code price_min: 0}) costs what an unfiltered
   * query costs; a selective one reaches as far as its matches are. When nothing matches anywhere,
   * the route is the unfiltered route's top expert (which answers with nothing).
   *
   * @param matches products matching the filter, per expert ({@link #experts()} entries)
   * @param k the page size the filtered search must be able to fill
   */
  public synchronized Route routeFiltered(float[] query, long timestampMs, int[] matches, int k) {
    if (matches.length != gate.experts()) {
      throw new IllegalArgumentException(
          "matches has " + matches.length + " entries, the gate " + gate.experts() + " experts");
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    double[] counts = slots.activations(timestampMs);
    double[] expertLoads =
        config.balanceAlpha() > 0 ? placement.expertLoads(LoadStats.relativeLoads(counts)) : null;
    Route unfiltered = route(query, expertLoads);
    int[] chosen = filteredExperts(unfiltered.experts(), expansionOrder(query), matches, k);
    int[] replicas = placement.leastLoaded(chosen, counts);
    slots.recordActivations(replicas, timestampMs);
    return new Route(chosen, false, unfiltered.entropy(), config.oversample(), replicas);
  }

  /**
   * The rule of {@link #routeFiltered}: {@code routed} experts with a match, then {@code order}'s
   * experts with a match until {@code k} matches are covered; the first routed expert when none
   * matches.
   */
  static int[] filteredExperts(int[] routed, int[] order, int[] matches, int k) {
    LinkedHashSet<Integer> chosen = new LinkedHashSet<>();
    long covered = 0;
    for (int e : routed) {
      if (matches[e] > 0 && chosen.add(e)) {
        covered += matches[e];
      }
    }
    for (int e : order) {
      if (covered >= k) {
        break;
      }
      if (matches[e] > 0 && chosen.add(e)) {
        covered += matches[e];
      }
    }
    if (chosen.isEmpty()) {
      return new int[] {routed[0]};
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public int[] expansionOrder(float[] query) {
    return everyExpert(gate.probabilities(query, config.base().temperature()));
  }

  private static int[] everyExpert(double[] probabilities) {
    int n = probabilities.length;
    return new ActivationRule(1.0, n, n).select(probabilities);
  }

  @Override
  public int experts() {
    return gate.experts();
  }

  public Gate gate() {
    return gate;
  }

  public LoadAwareRoutingConfig config() {
    return config;
  }

  public ExpertPlacement placement() {
    return placement;
  }

  /** The load state: decayed activation counts per slot of {@link #placement}. */
  public ExpertLoadTracker slots() {
    return slots;
  }

  public ReplicaChoice choice() {
    return choice;
  }
}
