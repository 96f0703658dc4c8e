package io.moesearch.core.retrieval;

import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.Router;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
      throw new IllegalArgumentException("oversample must be >= 1, got " + oversample);
    }
    this.router = router;
    this.experts = List.copyOf(experts);
    this.oversample = oversample;
  }

  public RetrievalResult search(float[] query, int k) {
    return search(query, k, null);
  }

  /**
   * Routes, searches and reranks; {@code filter} (may be null) restricts candidates inside the HNSW
   * search. A filtered query whose routed experts hold fewer than {@code k} matching products is
   * widened to further experts in order of gate probability until {@code k} are found or every
   * expert has been searched, so a selective filter still fills the page.
   */
  public RetrievalResult search(float[] query, int k, Query filter) {
    long t0 = System.nanoTime();
    int[] chosen = router.route(query);
    long t1 = System.nanoTime();
    List<List<Candidate>> partials = new ArrayList<>(chosen.length);
    Set<String> found = new HashSet<>();
    int scanned = 0;
    for (int e : chosen) {
      scanned += searchInto(e, query, k, filter, partials, found);
    }
    if (filter != null && found.size() < k) {
      Set<Integer> searched = new HashSet<>();
      for (int e : chosen) {
        searched.add(e);
      }
      List<Integer> order = new ArrayList<>();
      for (int e : expansionOrder(query)) {
        order.add(e);
      }
      List<Integer> widened = new ArrayList<>();
      for (int e : order) {
        if (found.size() >= k) {
          break;
        }
        if (searched.add(e)) {
          scanned += searchInto(e, query, k, filter, partials, found);
          widened.add(e);
        }
      }
      int[] all = Arrays.copyOf(chosen, chosen.length + widened.size());
      for (int i = 0; i < widened.size(); i++) {
        all[chosen.length + i] = widened.get(i);
      }
      chosen = all;
    }
    long t2 = System.nanoTime();
    List<Candidate> top = ExactReranker.topK(partials, k);
    long t3 = System.nanoTime();
    return new RetrievalResult(top, chosen, scanned, t1 - t0, t2 - t1, t3 - t2);
  }

  /** Every expert, most probable first: the order in which a filtered query is widened. */
  public int[] expansionOrder(float[] query) {
    int n = experts.size();
    return new ActivationRule(1.0, n, n)
        .select(router.gate().probabilities(query, router.config().temperature()));
  }

  private int searchInto(
      int e,
      float[] query,
      int k,
      Query filter,
      List<List<Candidate>> partials,
      Set<String> found) {
    ExpertIndex index = experts.get(e);
    if (index.size() > 0) {
      List<Candidate> c = candidates(e, query, k, filter);
      partials.add(c);
      c.forEach(x -> found.add(x.productId()));
    }
    return index.size();
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
