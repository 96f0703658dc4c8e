package io.moesearch.core.overload;

import io.moesearch.core.gate.Route;
import java.util.Arrays;
import java.util.Locale;

/**
 * How much a query's work was cut because the job was overloaded, in the order the job escalates.
 * Each level includes the cuts of the levels before it. The result message carries the level's
 * {@link #wireName()} in its {@code degraded} field.
 */
public enum DegradationLevel {
  /** Served as configured. */
  NONE,
  /** At most half of the routed experts (the highest-scoring ones), at least one. */
  FEWER_EXPERTS,
  /** As above, and each expert returns the fast path's smaller HNSW candidate count. */
  FEWER_CANDIDATES,
  /** Only the top expert, with the fast path's candidate count: what a confident query gets. */
  FAST_PATH,
  /** Not searched: answered at once with no items and the flag; the client may retry later. */
  OVERLOADED;

  /** The name on the wire and in metrics: {@code none}, {@code fewer_experts}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The level of a {@link #wireName()}; fails on an unknown name. */
  public static DegradationLevel ofWireName(String name) {
    for (DegradationLevel l : values()) {
      if (l.wireName().equals(name)) {
        return l;
      }
    }
    throw new IllegalArgumentException("unknown degradation level '" + name + "'");
  }

  /**
   * The route this level serves instead of {@code route}: fewer experts (the route lists them best
   * first) and, from {@link #FEWER_CANDIDATES}, {@code fastOversample} candidates per expert when
   * that is fewer than the route's own.
   *
   * @throws IllegalStateException for {@link #OVERLOADED}, which searches nothing
   */
  public Route apply(Route route, int fastOversample) {
    if (this == OVERLOADED) {
      throw new IllegalStateException("an overloaded query is not routed");
    }
    if (this == NONE) {
      return route;
    }
    int n = route.experts().length;
    int keep = this == FAST_PATH ? 1 : Math.max(1, n / 2);
    int oversample =
        this == FEWER_EXPERTS ? route.oversample() : Math.min(route.oversample(), fastOversample);
    return new Route(
        Arrays.copyOf(route.experts(), keep),
        route.fast() || this == FAST_PATH,
        route.entropy(),
        oversample,
        Arrays.copyOf(route.slots(), keep));
  }
}
