/**
 * Sentence embeddings with DJL and ONNX Runtime, offline: the bundled all-MiniLM-L6-v2 model (384
 * dimensions, L2-normalised) from a Maven Central jar, or a model directory. {@link EmbeddingModel}
 * owns the native model; {@link Embedder} is one thread's predictor, to be closed after use.
 */
package io.moesearch.core.embed;
