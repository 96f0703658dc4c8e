/**
 * Graceful overload, plain Java (no Flink): when the queries waiting for the embedding model pile
 * up, the job does less work per query in documented steps ({@link DegradationLevel}) instead of
 * queueing without limit, and as the last step answers at once with an explicit "overloaded"
 * result. {@link DegradationPolicy} maps the backlog to a level (with hysteresis); {@link
 * DegradationLevel#apply} is what a level does to a routing decision.
 */
package io.moesearch.core.overload;
