/**
 * Driving the embedded pipeline for the demo and the benchmarks: {@link PipelineDriver} streams
 * queries into a running {@code EmbeddedPipeline} (the search job on a MiniCluster against the
 * embedded broker) at a target rate while consuming the results, and measures end-to-end latency
 * (produce time to result consumed) and throughput. {@link QueryVocabulary} builds a seeded
 * vocabulary of distinct, shopper-like queries from catalogue titles, meant to be replayed with
 * Zipf frequencies. Runs on a laptop; never deployed.
 */
package io.moesearch.tools.demo;
