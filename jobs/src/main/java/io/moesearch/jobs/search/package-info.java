/**
 * The streaming search job, what a Flink cluster runs ({@code flink run -c
 * io.moesearch.jobs.search.SearchJob}): {@link SearchJob} wires Kafka queries through parsing, the
 * query cache, embedding, MoE routing, expert retrieval and the merge to Kafka results, with dead
 * letters, cache fills, expert statistics and the live catalogue's updates beside them. The
 * operators live in {@code io.moesearch.operators}; this package only wires them. Sources and sinks
 * are arguments ({@link SearchJob#buildForKafka} wires the configured ones), so the tests, the demo
 * and the benchmarks wire their own. {@link SearchJob#compute} is the path every computed result
 * takes, shared with the prewarm job, and {@link SearchJob#resolveArtifact} resolves the served
 * index version once, so every operator opens the same one.
 */
package io.moesearch.jobs.search;
