/**
 * The mixture-of-experts gate and routing, plain Java (no Flink).
 *
 * <p>{@link io.moesearch.core.gate.Gate} scores a query against one weight vector per expert.
 * {@link io.moesearch.core.gate.ExpertRouter} is the one routing contract and {@link
 * io.moesearch.core.gate.LoadAwareRouter} its one implementation, configured by {@link
 * io.moesearch.core.gate.LoadAwareRoutingConfig}: the streaming job, {@code eval} and {@code bench
 * routing} all route through it, so every figure measures what is served. Its load state (an {@link
 * io.moesearch.core.gate.ExpertLoadTracker} of decayed activations per serving slot) is injected
 * and advances on event time only, so a replay routes identically.
 *
 * <p>{@link io.moesearch.core.gate.ExpertPlacement} is the serving layout (which slots hold which
 * expert's replicas, the live replica choice, the file format); {@link
 * io.moesearch.core.gate.ExpertPlacementPlanner} plans it from a query log. {@link
 * io.moesearch.core.gate.GateTrainer} re-learns the gate, {@link
 * io.moesearch.core.gate.ExpertAssigner} assigns products to experts at index time.
 */
package io.moesearch.core.gate;
