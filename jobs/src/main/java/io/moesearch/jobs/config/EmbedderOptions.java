package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import org.apache.flink.configuration.ConfigOption;

/** The {@code embedder.*} settings, checked by {@code EmbedderConfig}. */
public final class EmbedderOptions {
  private EmbedderOptions() {}

  public static final ConfigOption<String> MODEL_PATH =
      string("embedder.model-path", "", "An ONNX model; empty = bundled all-MiniLM-L6-v2.");

  public static final ConfigOption<String> TOKENIZER_PATH =
      string("embedder.tokenizer-path", "", "The model's tokenizer.json.");

  public static final ConfigOption<String> POOLING =
      string("embedder.pooling", "mean", "Pooling: mean, cls, max, mean_sqrt_len, weightedmean.");

  public static final ConfigOption<Boolean> NORMALIZE =
      bool(
          "embedder.normalize",
          true,
          "L2-normalise the embeddings; must be true: the index and every score assume unit"
              + " vectors.");

  public static final ConfigOption<Integer> MAX_TOKENS =
      integer("embedder.max-tokens", 128, "Truncation length in word pieces.");

  public static final ConfigOption<Integer> INTRA_OP_THREADS =
      integer("embedder.intra-op-threads", 1, "ONNX Runtime threads per inference call.");
}
