package io.moesearch.operators;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.overload.DegradationLevel;

/**
 * One expert's (or the lexical branch's) candidates for a query, best first. Items carry exact
 * cosine scores; with hybrid ranking, {@code features} holds each item's query–product ranking
 * features ({@code null} otherwise). {@code embeddingCached} says the query vector came from the
 * embedding cache; {@code indexVersion} is the index version that served it ({@code null}: the
 * merge's default); {@code degradation} is the work cut of the query's route (overload); {@code
 * cacheFill} says whether the merged answer is written to the cache (the cache's doorkeeper);
 * {@code deltaLagMs} is the longest delay the answering subtask saw lately (last minute) between a
 * catalogue update being applied and reaching its slots: the answer may miss updates applied that
 * long before it was computed, so the cache dates it back by as much.
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
    long deltaLagMs) {
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
  }

  /** A partial of a query served as configured. */
  /** A partial of a query whose answer may be cached. */
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
        0);
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
