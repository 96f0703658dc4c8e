package io.moesearch.core.retrieval;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.IndexFields;
import io.moesearch.core.live.FilterListing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * How many products of each expert of an artifact match a filter: what a router needs to send a
 * filtered query only as far as its matches are ({@link
 * io.moesearch.core.gate.LoadAwareRouter#routeFiltered}). Counted with Lucene on each expert's
 * index (a brand filter is a term count, a price range a points count), and remembered per filter
 * in a bounded LRU map, since shops' filters repeat. The expert indexes are opened on the first
 * count. Not thread-safe (one per router subtask).
 */
public final class FilterMatchCounts implements AutoCloseable {
  private final IndexArtifact artifact;
  private final Map<String, int[]> cache;
  private List<ExpertIndex> experts;

  /**
   * @param maxFilters filters whose counts are remembered, {@code >= 1}
   */
  public FilterMatchCounts(IndexArtifact artifact, int maxFilters) {
    if (artifact == null) {
      throw new IllegalArgumentException("artifact is required");
    }
    if (maxFilters < 1) {
      throw new IllegalArgumentException("maxFilters must be >= 1, got " + maxFilters);
    }
    this.artifact = artifact;
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
            return size() > maxFilters;
          }
        };
  }

  /**
   * Matches per expert of the filter whose canonical form is {@code key} ({@code filter} builds its
   * Lucene query when it is not remembered). The array is shared: do not modify it.
   */
  public int[] counts(String key, Supplier<Query> filter) {
    int[] c = cache.get(key);
    if (c == null) {
      if (experts == null) {
        experts = new ArrayList<>(artifact.openExperts());
      }
      Query q = filter.get();
      c = new int[experts.size()];
      for (int e = 0; e < c.length; e++) {
        c[e] = experts.get(e).size() == 0 ? 0 : experts.get(e).count(q);
      }
      cache.put(key, c);
    }
    return c;
  }

  /**
   * The artifact's listing of product {@code id} ({@code null} when it holds none): the experts
   * holding it, its brand in normal form, its price and stock, as the artifact's filter queries see
   * them. One term lookup per expert.
   */
  public FilterListing listingOf(String id) {
    if (experts == null) {
      experts = new ArrayList<>(artifact.openExperts());
    }
    int[] holding = new int[0];
    Candidate first = null;
    for (int e = 0; e < experts.size(); e++) {
      ExpertIndex x = experts.get(e);
      if (x.size() == 0 || !x.holds(id)) {
        continue;
      }
      holding = Arrays.copyOf(holding, holding.length + 1);
      holding[holding.length - 1] = e;
      if (first == null) {
        List<Candidate> found = x.search(new TermQuery(new Term(IndexFields.ID, id)), 1);
        first = found.isEmpty() ? null : found.get(0);
      }
    }
    if (first == null) {
      return null;
    }
    return new FilterListing(
        holding,
        QueryNormalizer.brandKey(first.brand()),
        first.price(),
        !artifact.outOfStock().contains(id));
  }

  @Override
  public void close() {
    if (experts != null) {
      experts.forEach(ExpertIndex::close);
      experts = null;
    }
  }
}
