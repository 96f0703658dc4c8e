/**
 * Building and compacting index artifacts, as Flink batch jobs around client-side steps: each
 * writes an immutable, versioned artifact, its manifest last (a directory with a manifest is
 * complete), and then points {@code LATEST} at it, so a running search job that follows the index
 * root swaps it in. {@link IndexBuildJob} embeds the catalogue in parallel ({@link
 * EmbedCatalogBatch}), trains the gate and writes the shared files on the client, then writes one
 * HNSW index per expert ({@link WriteExpertIndex}). {@link IndexCompactJob} folds the live
 * catalogue's updates from the catalogue-update topic into a new version with the base's gate,
 * settings and expert layout, embedding only new or re-worded products. Both take their execution
 * environment as an argument; {@code bin/moe-search index build} and {@code index compact} run them
 * on a local MiniCluster.
 */
package io.moesearch.jobs.index;
