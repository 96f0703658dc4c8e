package io.moesearch.operators;

import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.retrieval.QueryExpansion;
import java.io.Serializable;

/**
 * How the streaming job ranks: {@code hybrid} fuses each expert's top {@code denseDepth} dense
 * candidates with a BM25 branch's top {@code lexicalDepth} by {@code fusion}; otherwise results are
 * ranked by exact cosine alone.
 *
 * <p>{@code minSimilarity} defines "no match": a query whose BM25 branch finds nothing and whose
 * best candidate's cosine similarity is below it is answered with no items ({@code no_match:
 * true}). The default 0.30 comes from all-MiniLM-L6-v2 on Icecat: against 4,000 sampled products,
 * texts with no content ("the", "***", "-", emoji, "lorem ipsum") reach a best cosine of 0.19–0.29,
 * while every judged Chorus query reaches 0.31 or more (measured 2026-11-30).
 *
 * @param minSimilarity cosine floor in [-1, 1]; -1 never answers "no match" unless nothing is found
 * @param expansion how the BM25 branch widens a query: synonyms ({@code ranking.synonyms-path}) and
 *     typo tolerance ({@code ranking.typo-min-chars}); {@link QueryExpansion#NONE} for neither
 */
public record RankingSettings(
    boolean hybrid,
    int denseDepth,
    int lexicalDepth,
    LinearFusion fusion,
    double minSimilarity,
    QueryExpansion expansion)
    implements Serializable {
  /** The default {@code ranking.min-similarity}. */
  public static final double DEFAULT_MIN_SIMILARITY = 0.30;

  public RankingSettings(boolean hybrid, int denseDepth, int lexicalDepth, LinearFusion fusion) {
    this(hybrid, denseDepth, lexicalDepth, fusion, DEFAULT_MIN_SIMILARITY);
  }

  public RankingSettings(
      boolean hybrid, int denseDepth, int lexicalDepth, LinearFusion fusion, double minSimilarity) {
    this(hybrid, denseDepth, lexicalDepth, fusion, minSimilarity, QueryExpansion.NONE);
  }

  public RankingSettings {
    if (!(minSimilarity >= -1 && minSimilarity <= 1)) {
      throw new IllegalArgumentException(
          "ranking.min-similarity must be in [-1, 1], got " + minSimilarity);
    }
    if (denseDepth < 1 || denseDepth > 1000) {
      throw new IllegalArgumentException(
          "ranking.dense-depth must be in 1..1000, got " + denseDepth);
    }
    if (lexicalDepth < 1 || lexicalDepth > 10_000) {
      throw new IllegalArgumentException(
          "ranking.lexical-depth must be in 1..10000, got " + lexicalDepth);
    }
    if (fusion == null) {
      throw new IllegalArgumentException("ranking.weights are required");
    }
    if (expansion == null) {
      throw new IllegalArgumentException("expansion is required (QueryExpansion.NONE for none)");
    }
  }

  public static RankingSettings denseOnly() {
    return new RankingSettings(false, 10, 100, LinearFusion.rrf());
  }
}
