package io.moesearch.operators;

import io.moesearch.core.rank.LinearFusion;
import java.io.Serializable;

/**
 * How the streaming job ranks: {@code hybrid} fuses each expert's top {@code denseDepth} dense
 * candidates with a BM25 branch's top {@code lexicalDepth} by {@code fusion}; otherwise results are
 * ranked by exact cosine alone.
 */
public record RankingSettings(boolean hybrid, int denseDepth, int lexicalDepth, LinearFusion fusion)
    implements Serializable {
  public RankingSettings {
    if (denseDepth < 1 || lexicalDepth < 1) {
      throw new IllegalArgumentException(
          "ranking.dense-depth and ranking.lexical-depth must be >= 1");
    }
    if (fusion == null) {
      throw new IllegalArgumentException("ranking.weights are required");
    }
  }

  public static RankingSettings denseOnly() {
    return new RankingSettings(false, 10, 100, LinearFusion.rrf());
  }
}
