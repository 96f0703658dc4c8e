package io.moesearch.operators;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;

/**
 * One expert's (or the lexical branch's) candidates for a query, best first. Items carry exact
 * cosine scores; with hybrid ranking, {@code features} holds each item's query–product ranking
 * features ({@code null} otherwise). {@code embeddingCached} says the query vector came from the
 * embedding cache; {@code indexVersion} is the index version that served it ({@code null}: the
 * merge's default).
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
    String indexVersion) {
  public PartialResult {
    if (query == null || experts == null || items == null) {
      throw new IllegalArgumentException("query, experts and items are required");
    }
    if (features != null && features.length != items.length) {
      throw new IllegalArgumentException("one feature vector per item is required");
    }
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
