package io.moesearch.core.retrieval;

import io.moesearch.core.gate.Router;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.search.Query;

/**
 * Routed dense retrieval: the gate picks experts, each expert's HNSW index returns {@code k ×
 * oversample} candidates rescored exactly, and the merged list is cut to {@code k}. Thread-safe.
 */
public final class Retriever {
  private final Router router;
  private final List<ExpertIndex> experts;
  private final int oversample;

  public Retriever(Router router, List<ExpertIndex> experts, int oversample) {
    if (experts.size() != router.gate().experts()) {
      throw new IllegalArgumentException(
          "the gate has "
              + router.gate().experts()
              + " experts but "
              + experts.size()
              + " indexes were given");
    }
    if (oversample < 1) {
      throw new IllegalArgumentException("retrieval.oversample must be >= 1, got " + oversample);
    }
    this.router = router;
    this.experts = List.copyOf(experts);
    this.oversample = oversample;
  }

  public RetrievalResult search(float[] query, int k) {
    return search(query, k, null);
  }

  /**
   * Routes, searches and reranks; {@code filter} (may be null) restricts candidates inside HNSW.
   */
  public RetrievalResult search(float[] query, int k, Query filter) {
    long t0 = System.nanoTime();
    int[] chosen = router.route(query);
    long t1 = System.nanoTime();
    List<List<Candidate>> partials = new ArrayList<>(chosen.length);
    int scanned = 0;
    for (int e : chosen) {
      ExpertIndex index = experts.get(e);
      scanned += index.size();
      if (index.size() > 0) {
        partials.add(candidates(e, query, k, filter));
      }
    }
    long t2 = System.nanoTime();
    List<Candidate> top = ExactReranker.topK(partials, k);
    long t3 = System.nanoTime();
    return new RetrievalResult(top, chosen, scanned, t1 - t0, t2 - t1, t3 - t2);
  }

  /** One expert's exactly-rescored candidates, best first and cut to {@code k}. */
  public List<Candidate> candidates(int expert, float[] query, int k, Query filter) {
    return expertTopK(experts.get(expert), query, k, oversample, filter);
  }

  /**
   * The per-expert step shared by this retriever and the streaming expert operator: {@code k ×
   * oversample} HNSW candidates, rescored exactly, cut to the best {@code k}.
   */
  public static List<Candidate> expertTopK(
      ExpertIndex index, float[] query, int k, int oversample, Query filter) {
    return ExactReranker.topK(List.of(index.knn(query, k * oversample, k, filter)), k);
  }

  public Router router() {
    return router;
  }

  public int oversample() {
    return oversample;
  }
}
