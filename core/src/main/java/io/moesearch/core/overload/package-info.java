/**
 * Graceful overload, plain Java (no Flink): when the queries waiting for the embedding model pile
 * up, the job does less work per query in documented steps ({@link DegradationLevel}) instead of
 * queueing without limit, and as the last step answers at once with an explicit "overloaded"
 * result. {@link QueueWaitEstimate} predicts the wait for the model; {@link DegradationPolicy} maps
 * a wait to a level (with hysteresis); {@link DegradationLevel#apply} is what a level does to a
 * routing decision. After the model, {@link Sojourn} is the time a query has waited since its
 * embedding and {@link StandingDelay} keeps only the part of it that stands (CoDel's rule); {@link
 * SojournBound} puts the two together for the stages that act on a backlog the model's queue does
 * not show. {@link ReplayWindow} serves a recovery in full.
 */
package io.moesearch.core.overload;
