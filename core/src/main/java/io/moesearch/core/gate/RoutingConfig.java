package io.moesearch.core.gate;

import java.io.Serializable;

/**
 * The gate part of the routing settings: gate temperature and the dynamic activation rule. Routing
 * itself always takes the whole {@link LoadAwareRoutingConfig}, of which this is {@code base}.
 */
public record RoutingConfig(double temperature, ActivationRule activation) implements Serializable {
  public RoutingConfig {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("routing.temperature must be > 0, got " + temperature);
    }
    if (activation == null) {
      throw new IllegalArgumentException("routing activation rule is required");
    }
  }
}
