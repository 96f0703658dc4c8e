package io.moesearch.operators;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.overload.DegradationLevel;
import java.util.Arrays;

/**
 * One expert's (or the lexical branch's) candidates for a query, best first. Items carry exact
 * cosine scores; with hybrid ranking, {@code features} holds each item's query–product ranking
 * features ({@code null} otherwise). {@code embeddingCached} says the query vector came from the
 * embedding cache; {@code indexVersion} is the index version that served it ({@code null}: the
 * merge's default); {@code degradation} is the work cut of the query's route (overload); {@code
 * cacheFill} says whether the merged answer is written to the cache (the cache's doorkeeper);
 * {@code deltaLagMs} is how long before the query's acceptance the answer may miss catalogue
 * updates: the longest delay the answering subtask saw lately (last minute) between an update being
 * applied and reaching its slots, less the time from the acceptance to this search (negative: the
 * answer reflects every update applied up to that long after the acceptance); the cache dates the
 * answer by it. {@code floor} is the lowest score a product needed to be among the partial's
 * candidates, in its branch's score: for an expert the exact cosine of its k-th candidate ({@code
 * -1} when it returned fewer than k: anything it holds would be), for the lexical branch the BM25
 * score of its last hit ({@code 0} when it returned fewer than its depth: anything matching a query
 * term would be); NaN when unknown. The cache decides with it which new products could enter the
 * answer ({@link io.moesearch.core.live.UpsertSignature}).
 *
 * <p>With hybrid ranking an expert's partial carries no features: {@code brands} and {@code models}
 * hold each item's brand and model (its score is the exact cosine), and the merge computes the
 * features of the dense candidates the fusion keeps ({@link
 * io.moesearch.core.rank.HybridRanker#denseTop}), a tenth of those the experts return. The lexical
 * branch's partial carries {@code features} (every BM25 hit is fused); {@code null} arrays where
 * unused.
 *
 * <p>{@code queryVector} is the query's embedding, carried by one partial of a query whose
 * embedding the model computed for it (not {@code embeddingCached}) and whose answer the cache
 * awaits ({@code cacheFill}), when the job writes cache fills ({@link
 * ExpertRetrieval#carryingQueryVectors}): the partial of the first request of its fan-out ({@link
 * ExpertRequest#experts}{@code [0]}), whatever it is (searched, failed or shed). The merge writes
 * it to the cache with the answer, in one fill ({@link MergePartials}). {@code null} on every other
 * partial, so the vector crosses the network once per query.
 */
public record PartialResult(
    SearchQuery query,
    int expert,
    int[] experts,
    RankedItem[] items,
    long tsInMillis,
    double embedMs,
    double routeMs,
    double retrieveMs,
    double[][] features,
    boolean embeddingCached,
    String indexVersion,
    DegradationLevel degradation,
    boolean cacheFill,
    long deltaLagMs,
    float floor,
    String[] brands,
    String[] models,
    float[] queryVector) {
  public PartialResult {
    if (query == null || experts == null || items == null) {
      throw new IllegalArgumentException("query, experts and items are required");
    }
    if (degradation == null) {
      throw new IllegalArgumentException("degradation is required");
    }
    if (features != null && features.length != items.length) {
      throw new IllegalArgumentException("one feature vector per item is required");
    }
    if ((brands == null) != (models == null)
        || brands != null && (brands.length != items.length || models.length != items.length)) {
      throw new IllegalArgumentException("brands and models: both or neither, one per item");
    }
    if (queryVector != null && queryVector.length == 0) {
      throw new IllegalArgumentException("a query vector carried is non-empty");
    }
  }

  /** A partial carrying no query vector. */
  public PartialResult(
      SearchQuery query,
      int expert,
      int[] experts,
      RankedItem[] items,
      long tsInMillis,
      double embedMs,
      double routeMs,
      double retrieveMs,
      double[][] features,
      boolean embeddingCached,
      String indexVersion,
      DegradationLevel degradation,
      boolean cacheFill,
      long deltaLagMs,
      float floor,
      String[] brands,
      String[] models) {
    this(
        query,
        expert,
        experts,
        items,
        tsInMillis,
        embedMs,
        routeMs,
        retrieveMs,
        features,
        embeddingCached,
        indexVersion,
        degradation,
        cacheFill,
        deltaLagMs,
        floor,
        brands,
        models,
        null);
  }

  /** A partial without brands and models (the lexical branch's, or with dense-only ranking). */
  public PartialResult(
      SearchQuery query,
      int expert,
      int[] experts,
      RankedItem[] items,
      long tsInMillis,
      double embedMs,
      double routeMs,
      double retrieveMs,
      double[][] features,
      boolean embeddingCached,
      String indexVersion,
      DegradationLevel degradation,
      boolean cacheFill,
      long deltaLagMs,
      float floor) {
    this(
        query,
        expert,
        experts,
        items,
        tsInMillis,
        embedMs,
        routeMs,
        retrieveMs,
        features,
        embeddingCached,
        indexVersion,
        degradation,
        cacheFill,
        deltaLagMs,
        floor,
        null,
        null);
  }

  /**
   * This partial with only the items {@code from[0..n)} (indexes into {@link #items}), as {@code
   * kept[0..n)} (each the item at its index, or that item changed), and their features, brands and
   * models.
   */
  public PartialResult keep(RankedItem[] kept, int[] from, int n) {
    double[][] f = features == null ? null : new double[n][];
    String[] b = brands == null ? null : new String[n];
    String[] m = models == null ? null : new String[n];
    for (int j = 0; j < n; j++) {
      if (f != null) {
        f[j] = features[from[j]];
      }
      if (b != null) {
        b[j] = brands[from[j]];
        m[j] = models[from[j]];
      }
    }
    return with(Arrays.copyOf(kept, n), f, b, m, queryVector);
  }

  /** This partial with other items, {@code features} one row per item ({@code null}: none). */
  public PartialResult withItems(RankedItem[] newItems, double[][] newFeatures) {
    return with(newItems, newFeatures, brands, models, queryVector);
  }

  private PartialResult with(
      RankedItem[] newItems,
      double[][] newFeatures,
      String[] newBrands,
      String[] newModels,
      float[] newQueryVector) {
    return new PartialResult(
        query,
        expert,
        experts,
        newItems,
        tsInMillis,
        embedMs,
        routeMs,
        retrieveMs,
        newFeatures,
        embeddingCached,
        indexVersion,
        degradation,
        cacheFill,
        deltaLagMs,
        floor,
        newBrands,
        newModels,
        newQueryVector);
  }

  /** This partial carrying {@code vector}, the query's embedding ({@code null}: none). */
  public PartialResult carrying(float[] vector) {
    return vector == queryVector ? this : with(items, features, brands, models, vector);
  }

  /**
   * The partial of a request whose search failed (an error of the expert's index, a vector it
   * cannot search): no items, its {@code retrieveMs} NaN ({@link #failed()}). Sent instead of
   * nothing so that the merge hears from every request it waits for: a query whose only request
   * failed would otherwise never be answered (the merge learns of a query from its first partial).
   * The merge answers such a query {@code partial}, without the failed expert, and caches nothing
   * (it keeps the request's {@code cacheFill}: the cache's waiting queries are then released).
   */
  static PartialResult failed(ExpertRequest req) {
    return empty(req, Double.NaN, req.degradation(), Float.NaN);
  }

  /**
   * A partial of {@code req} without items: a failed or a shed request's ({@code level}
   * overloaded), keeping the request's {@code cacheFill} so that the merge releases the identical
   * queries the cache holds back.
   */
  static PartialResult empty(
      ExpertRequest req, double retrieveMs, DegradationLevel level, float floor) {
    return new PartialResult(
        req.query(),
        req.expert(),
        req.experts(),
        new RankedItem[0],
        req.tsInMillis(),
        req.embedMs(),
        req.routeMs(),
        retrieveMs,
        null,
        req.embeddingCached(),
        req.indexVersion(),
        level,
        req.cacheFill(),
        0,
        floor);
  }

  /**
   * Whether this is the partial of a request whose search failed ({@link #failed(ExpertRequest)}).
   */
  public boolean failed() {
    return Double.isNaN(retrieveMs);
  }

  /** A partial of a query whose answer may be cached, without lag or floor. */
  public PartialResult(
      SearchQuery query,
      int expert,
      int[] experts,
      RankedItem[] items,
      long tsInMillis,
      double embedMs,
      double routeMs,
      double retrieveMs,
      double[][] features,
      boolean embeddingCached,
      String indexVersion,
      DegradationLevel degradation) {
    this(
        query,
        expert,
        experts,
        items,
        tsInMillis,
        embedMs,
        routeMs,
        retrieveMs,
        features,
        embeddingCached,
        indexVersion,
        degradation,
        true,
        0,
        Float.NaN);
  }

  public PartialResult(
      SearchQuery query,
      int expert,
      int[] experts,
      RankedItem[] items,
      long tsInMillis,
      double embedMs,
      double routeMs,
      double retrieveMs,
      double[][] features,
      boolean embeddingCached,
      String indexVersion) {
    this(
        query,
        expert,
        experts,
        items,
        tsInMillis,
        embedMs,
        routeMs,
        retrieveMs,
        features,
        embeddingCached,
        indexVersion,
        DegradationLevel.NONE);
  }

  /** A partial of a query embedded by the model. */
  public PartialResult(
      SearchQuery query,
      int expert,
      int[] experts,
      RankedItem[] items,
      long tsInMillis,
      double embedMs,
      double routeMs,
      double retrieveMs,
      double[][] features) {
    this(
        query,
        expert,
        experts,
        items,
        tsInMillis,
        embedMs,
        routeMs,
        retrieveMs,
        features,
        false,
        null);
  }

  /** A partial without ranking features (dense-only ranking). */
  public PartialResult(
      SearchQuery query,
      int expert,
      int[] experts,
      RankedItem[] items,
      long tsInMillis,
      double embedMs,
      double routeMs,
      double retrieveMs) {
    this(query, expert, experts, items, tsInMillis, embedMs, routeMs, retrieveMs, null);
  }
}
