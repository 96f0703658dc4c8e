package io.moesearch.core.retrieval;

import io.moesearch.core.index.Candidate;
import java.util.List;

/**
 * Ranked products for one query, the experts searched, how many products those experts hold, and
 * per-stage wall time in nanoseconds.
 */
public record RetrievalResult(
    List<Candidate> items,
    int[] experts,
    int productsScanned,
    long routeNanos,
    long retrieveNanos,
    long rerankNanos) {
  public RetrievalResult {
    items = List.copyOf(items);
  }
}
