/**
 * Index artifacts: an immutable, versioned directory per index build (manifest with SHA-256 of
 * every file, gate weights, product ids, full-precision vectors, one Lucene HNSW index per expert
 * and a BM25 index over the whole catalogue) and the {@code LATEST} pointer that names the served
 * version. {@link IndexArtifact} loads and verifies one; {@link ServingVersions} decides which
 * version an operator serves on start, restart and swap, so every operator agrees. Loading fails
 * with an {@link ArtifactException} that says what is wrong.
 */
package io.moesearch.core.artifact;
