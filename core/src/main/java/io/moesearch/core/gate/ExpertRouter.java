package io.moesearch.core.gate;

/**
 * Routes a query embedding to the experts that search it: the one routing contract of the project.
 * The streaming job, {@code eval} and {@code bench routing} all route through it, with the one
 * implementation {@link LoadAwareRouter}, so every figure measures what is served.
 *
 * <p>A router may keep load state (activations per serving slot): {@link #route} then depends on
 * the queries routed before, and records its own activations. Event time is the caller's, never the
 * wall clock, so a replay of the same queries at the same timestamps routes the same way.
 */
public interface ExpertRouter {

  /** The number of experts routed over. */
  int experts();

  /**
   * Routes one query at event time {@code timestampMs} and counts its activations in the router's
   * load state.
   */
  Route route(float[] query, long timestampMs);

  /**
   * Every expert, most probable first by the gate alone (no balancing, no load recorded): the order
   * in which a filtered query is widened to further experts.
   */
  int[] expansionOrder(float[] query);
}
