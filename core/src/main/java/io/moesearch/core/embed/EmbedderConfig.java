package io.moesearch.core.embed;

import java.io.Serializable;
import java.util.Set;

/**
 * How to load the sentence-embedding model.
 *
 * @param modelPath an ONNX file, or {@code null} for the bundled all-MiniLM-L6-v2
 * @param tokenizerPath a Hugging Face {@code tokenizer.json}; {@code null} only with the bundled
 *     model
 * @param pooling {@code mean}, {@code cls}, {@code max} (DJL pooling modes)
 * @param normalize L2-normalise the output; must be true: the index and every score assume unit
 *     vectors
 * @param maxTokens truncation length in word pieces
 * @param intraOpThreads ONNX Runtime threads per inference call
 */
public record EmbedderConfig(
    String modelPath,
    String tokenizerPath,
    String pooling,
    boolean normalize,
    int maxTokens,
    int intraOpThreads)
    implements Serializable {

  public static final String BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2";

  public EmbedderConfig {
    if ((modelPath == null) != (tokenizerPath == null)) {
      throw new IllegalArgumentException(
          "embedder.model-path and embedder.tokenizer-path must be set together");
    }
    if (!Set.of("mean", "cls", "max", "mean_sqrt_len", "weightedmean").contains(pooling)) {
      throw new IllegalArgumentException(
          "embedder.pooling must be one of mean, cls, max, mean_sqrt_len, weightedmean; got "
              + pooling);
    }
    if (!normalize) {
      // Cosine is read as a dot product everywhere: the HNSW graphs, the exact rescoring,
      // ranking.min-similarity's -1..1, the fitted fusion weights and the cache-fill check.
      throw new IllegalArgumentException(
          "embedder.normalize must be true: the index and every score assume unit vectors"
              + " (cosine computed as a dot product, ranking.min-similarity in -1..1, fusion"
              + " weights fitted on cosines)");
    }
    if (maxTokens < 8 || maxTokens > 8192) {
      throw new IllegalArgumentException(
          "embedder.max-tokens must be in 8..8192, got " + maxTokens);
    }
    if (intraOpThreads < 1 || intraOpThreads > 256) {
      throw new IllegalArgumentException(
          "embedder.intra-op-threads must be in 1..256, got " + intraOpThreads);
    }
  }

  /** The bundled all-MiniLM-L6-v2: mean pooling, L2-normalised, 128 tokens, one thread. */
  public static EmbedderConfig bundled() {
    return new EmbedderConfig(null, null, "mean", true, 128, 1);
  }

  public EmbedderConfig withIntraOpThreads(int threads) {
    return new EmbedderConfig(modelPath, tokenizerPath, pooling, normalize, maxTokens, threads);
  }

  /**
   * A stable identifier of the model and everything that changes its vectors (pooling, truncation),
   * recorded in index manifests and keying cached embeddings: vectors of different ids are never
   * compared.
   */
  public String modelId() {
    return (modelPath == null ? BUNDLED_MODEL_ID : modelPath) + "|" + pooling + "|" + maxTokens;
  }
}
