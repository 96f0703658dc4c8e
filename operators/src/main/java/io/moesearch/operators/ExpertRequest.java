package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.overload.DegradationLevel;

/**
 * One query's request to one activated expert, or to the lexical (BM25) branch.
 *
 * @param expert the expert to search; negative ids name the lexical branch ({@link #lexical}),
 *     spread over {@value #LEXICAL_SHARDS} keys so no single subtask serves every query's BM25
 *     search
 * @param experts every request of the query's fan-out (the merge waits for this many partials)
 * @param embeddingCached the query vector came from the embedding cache
 * @param artifactDir the index artifact version to search ({@code null}: the operator's default),
 *     chosen by the router so that every request of one query uses one version
 * @param indexVersion that artifact's version ({@code null} with a null dir)
 * @param oversample HNSW candidates per expert = k × this, for the routing path taken ({@code 0}:
 *     the operator's default)
 * @param slot the serving slot that answers it, the retrieval operator's key: one of the expert's
 *     replicas ({@link ExpertPlacement}); {@code expert} itself without a replicated layout and for
 *     the lexical branch
 * @param degradation the work cut applied to the query's route because the job was overloaded
 *     (never {@link DegradationLevel#OVERLOADED}: such a query is not searched)
 * @param cacheFill whether its answer (and embedding) should be written to the cache: the cache's
 *     doorkeeper says the text was asked before ({@link CacheLookup}); a one-off text is not cached
 */
public record ExpertRequest(
    SearchQuery query,
    float[] vector,
    int expert,
    int[] experts,
    long tsInMillis,
    double embedMs,
    double routeMs,
    boolean embeddingCached,
    String artifactDir,
    String indexVersion,
    int oversample,
    int slot,
    DegradationLevel degradation,
    boolean cacheFill) {
  public static final int LEXICAL_SHARDS = 16;

  public ExpertRequest {
    if (query == null || vector == null || experts == null || experts.length == 0) {
      throw new IllegalArgumentException("query, vector and experts are required");
    }
    if (degradation == null || degradation == DegradationLevel.OVERLOADED) {
      throw new IllegalArgumentException(
          "degradation is required, and an overloaded query is not searched");
    }
    if (oversample < 0) {
      throw new IllegalArgumentException("oversample must be >= 0, got " + oversample);
    }
    if (expert < -LEXICAL_SHARDS) {
      throw new IllegalArgumentException(
          "expert must be >= " + -LEXICAL_SHARDS + ", got " + expert);
    }
    if (expert < 0 ? slot != expert : slot < 0) {
      throw new IllegalArgumentException(
          "slot " + slot + " does not fit expert " + expert + " (lexical keys are their own slot)");
    }
  }

  /** A request of a query whose answer may be cached. */
  public ExpertRequest(
      SearchQuery query,
      float[] vector,
      int expert,
      int[] experts,
      long tsInMillis,
      double embedMs,
      double routeMs,
      boolean embeddingCached,
      String artifactDir,
      String indexVersion,
      int oversample,
      int slot,
      DegradationLevel degradation) {
    this(
        query,
        vector,
        expert,
        experts,
        tsInMillis,
        embedMs,
        routeMs,
        embeddingCached,
        artifactDir,
        indexVersion,
        oversample,
        slot,
        degradation,
        true);
  }

  /** A request served as configured ({@code degradation} {@link DegradationLevel#NONE}). */
  public ExpertRequest(
      SearchQuery query,
      float[] vector,
      int expert,
      int[] experts,
      long tsInMillis,
      double embedMs,
      double routeMs,
      boolean embeddingCached,
      String artifactDir,
      String indexVersion,
      int oversample,
      int slot) {
    this(
        query,
        vector,
        expert,
        experts,
        tsInMillis,
        embedMs,
        routeMs,
        embeddingCached,
        artifactDir,
        indexVersion,
        oversample,
        slot,
        DegradationLevel.NONE);
  }

  /** A request for a query embedded by the model. */
  public ExpertRequest(
      SearchQuery query,
      float[] vector,
      int expert,
      int[] experts,
      long tsInMillis,
      double embedMs,
      double routeMs) {
    this(
        query, vector, expert, experts, tsInMillis, embedMs, routeMs, false, null, null, 0, expert);
  }

  /** A lexical-branch key: negative, derived from {@code queryId}. */
  public static int lexical(String queryId) {
    return lexicalShard(queryId.hashCode());
  }

  /**
   * The lexical-branch key of a router's {@code turn}-th query: the router takes the shards in turn
   * (every shard searches the same BM25 index, so the choice changes no answer), so that no client
   * can send every BM25 search to one shard, as it could when the key came from the query id.
   */
  public static int lexicalShard(int turn) {
    return -1 - Math.floorMod(turn, LEXICAL_SHARDS);
  }

  public static boolean isLexical(int expert) {
    return expert < 0;
  }
}
