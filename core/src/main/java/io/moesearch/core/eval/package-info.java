/**
 * Offline evaluation of an index artifact ({@code bin/moe-search eval}): {@link Evaluator} measures
 * nDCG, recall against exact search, experts activated and latency of routed retrieval (through the
 * job's router) against a single HNSW, exact search and BM25; {@link RelevanceEvaluation} fits and
 * measures the hybrid ranking. Deterministic for a seed.
 */
package io.moesearch.core.eval;
