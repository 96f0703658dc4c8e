/**
 * The routing update, a batch step run on the client (no Flink job): {@link RoutingUpdateJob}
 * re-learns the MoE gate from a query log (each query's target: the experts of its exact nearest
 * neighbours), optionally plans a replicated expert layout, writes the result as a new artifact
 * version (its unchanged files hard links to the parent's) and then moves {@code LATEST}, so a
 * running search job swaps it in. The parent version is never modified, so the job keeps serving it
 * until it swaps. {@link RoutingData} holds the steps shared with {@code bench routing}: seeded
 * title queries, reading a query log in order with its repetitions, embedding and training. {@code
 * bin/moe-search routing update} runs it.
 */
package io.moesearch.jobs.routing;
