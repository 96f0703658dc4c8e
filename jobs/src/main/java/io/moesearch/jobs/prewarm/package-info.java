/**
 * The cache-prewarm batch job: {@link PrewarmJob} computes the results of a query log's most
 * popular queries with the streaming job's own path ({@code SearchJob.compute}: embed, route,
 * retrieve, rank) and writes them, with their embeddings, as cache fills to the sink it is given. A
 * running search job consumes the fills into its caches, so it answers those queries from cache the
 * first time they are asked. {@link QueryLog} reads the log (JSONL, CSV or plain text, {@code .gz}
 * allowed) and counts it by cache key (normalised text, {@code top_k} and filters), reporting and
 * skipping bad lines. {@code bin/moe-search prewarm} runs it on a local MiniCluster.
 */
package io.moesearch.jobs.prewarm;
