/**
 * Routed dense retrieval in one process: {@link io.moesearch.core.retrieval.Retriever} routes a
 * query through an {@link io.moesearch.core.gate.ExpertRouter}, searches the chosen experts' HNSW
 * indexes and reranks exactly ({@link io.moesearch.core.retrieval.ExactReranker}); the per-expert
 * step is shared with the streaming job's retrieval operator. Used by {@code eval} and the tests to
 * measure what the job serves.
 */
package io.moesearch.core.retrieval;
