package io.moesearch.core.gate;

/** Routes a query vector to experts: gate probabilities, then the activation rule. */
public final class Router {
  private final Gate gate;
  private final RoutingConfig config;

  public Router(Gate gate, RoutingConfig config) {
    if (gate == null || config == null) {
      throw new IllegalArgumentException("gate and config are required");
    }
    this.gate = gate;
    this.config = config;
  }

  /** The chosen experts, most probable first. */
  public int[] route(float[] query) {
    return config.activation().select(gate.probabilities(query, config.temperature()));
  }

  public Gate gate() {
    return gate;
  }

  public RoutingConfig config() {
    return config;
  }
}
