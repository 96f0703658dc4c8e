/**
 * Routed dense retrieval in one process: {@link Retriever} routes a query through an {@link
 * ExpertRouter}, searches the chosen experts' HNSW indexes and reranks exactly ({@link
 * ExactReranker}); the per-expert step is shared with the streaming job's retrieval operator. Used
 * by {@code eval} and the tests to measure what the job serves.
 */
package io.moesearch.core.retrieval;

import io.moesearch.core.gate.ExpertRouter;
