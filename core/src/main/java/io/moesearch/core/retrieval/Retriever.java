package io.moesearch.core.retrieval;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.gate.ExpertRouter;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.Route;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.search.Query;

/**
 * Routed dense retrieval: the {@link ExpertRouter} picks experts, each expert's HNSW index returns
 * {@code k × oversample} candidates rescored exactly (the fast path's own oversample for a
 * confident query, as in the streaming job), and the merged list is cut to {@code k}. Thread-safe.
 *
 * <p>Event time: {@link #search(float[], int, Query)} routes the n-th query at {@code n ×} {@link
 * #REPLAY_INTERVAL_MS}, so a router with load state sees the queries in order at a steady rate, and
 * the same sequence always routes the same way.
 */
public final class Retriever {
  /** Event time between two queries this retriever routes: a replay at 100 queries per second. */
  public static final long REPLAY_INTERVAL_MS = 10;

  private final ExpertRouter router;
  private final List<ExpertIndex> experts;
  private final int oversample;
  private final AtomicLong routed = new AtomicLong();

  public Retriever(ExpertRouter router, List<ExpertIndex> experts, int oversample) {
    if (experts.size() != router.experts()) {
      throw new IllegalArgumentException(
          "the router has "
              + router.experts()
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

  /**
   * What {@code eval} measures: the artifact's experts routed exactly as the streaming job routes
   * them, by {@link LoadAwareRouter#fresh} over the artifact's gate and expert layout with {@code
   * routing} (balancing and the fast path included), its loads replayed from empty in query order.
   */
  public static Retriever serving(
      IndexArtifact artifact, List<ExpertIndex> experts, LoadAwareRoutingConfig routing) {
    return new Retriever(
        LoadAwareRouter.fresh(artifact.gate(), routing, artifact.placement()),
        experts,
        routing.oversample());
  }

  public RetrievalResult search(float[] query, int k) {
    return search(query, k, null);
  }

  /** Routes the next query of the replay: at event time {@code n × REPLAY_INTERVAL_MS}. */
  public Route route(float[] query) {
    return router.route(query, routed.getAndIncrement() * REPLAY_INTERVAL_MS);
  }

  /**
   * Routes, searches and reranks; {@code filter} (may be null) restricts candidates inside the HNSW
   * search. A filtered query whose routed experts hold fewer than {@code k} matching products is
   * widened to further experts in order of gate probability until {@code k} are found or every
   * expert has been searched, so a selective filter still fills the page.
   */
  public RetrievalResult search(float[] query, int k, Query filter) {
    long t0 = System.nanoTime();
    Route route = route(query);
    return search(query, route, System.nanoTime() - t0, k, filter);
  }

  /**
   * Searches with a route already taken (from {@link #route}): one routing decision, searched at
   * several depths, counts its activations once.
   */
  public RetrievalResult search(float[] query, Route route, int k, Query filter) {
    return search(query, route, 0, k, filter);
  }

  private RetrievalResult search(float[] query, Route route, long routeNanos, int k, Query filter) {
    long t1 = System.nanoTime();
    int[] chosen = route.experts();
    int over = route.fast() ? route.oversample() : oversample;
    List<List<Candidate>> partials = new ArrayList<>(chosen.length);
    Set<String> found = new HashSet<>();
    int scanned = 0;
    for (int e : chosen) {
      scanned += searchInto(e, query, k, over, filter, partials, found);
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
          scanned += searchInto(e, query, k, oversample, filter, partials, found);
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
    return new RetrievalResult(top, chosen, scanned, routeNanos, t2 - t1, t3 - t2);
  }

  /** Every expert, most probable first: the order in which a filtered query is widened. */
  public int[] expansionOrder(float[] query) {
    return router.expansionOrder(query);
  }

  private int searchInto(
      int e,
      float[] query,
      int k,
      int oversample,
      Query filter,
      List<List<Candidate>> partials,
      Set<String> found) {
    ExpertIndex index = experts.get(e);
    if (index.size() > 0) {
      List<Candidate> c = expertTopK(index, query, k, oversample, filter);
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

  public ExpertRouter router() {
    return router;
  }

  public int oversample() {
    return oversample;
  }
}
