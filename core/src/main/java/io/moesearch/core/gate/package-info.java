/**
 * The mixture-of-experts gate and routing, plain Java (no Flink).
 *
 * <p>{@link Gate} scores a query against one weight vector per expert. {@link ExpertRouter} is the
 * one routing contract and {@link LoadAwareRouter} its one implementation, configured by {@link
 * LoadAwareRoutingConfig}: the streaming job, {@code eval} and {@code bench routing} all route
 * through it, so every figure measures what is served. Its load state (an {@link ExpertLoadTracker}
 * of decayed activations per serving slot) is injected and advances on event time only, so a replay
 * routes identically.
 *
 * <p>{@link ExpertPlacement} is the serving layout (which slots hold which expert's replicas, the
 * live replica choice, the file format); {@link ExpertPlacementPlanner} plans it from a query log.
 * {@link GateTrainer} re-learns the gate, {@link ExpertAssigner} assigns products to experts at
 * index time.
 */
package io.moesearch.core.gate;
