package io.moesearch.core.retrieval;

import io.moesearch.core.index.Candidate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges candidate lists from several experts and keeps the best {@code k}: duplicates (a product
 * replicated into two experts) are collapsed, and ties are broken by product id so the order is
 * deterministic. Candidates must already carry exact scores.
 */
public final class ExactReranker {
  public static final Comparator<Candidate> ORDER =
      Comparator.comparingDouble((Candidate c) -> -c.score()).thenComparing(Candidate::productId);

  private ExactReranker() {}

  public static List<Candidate> topK(Collection<? extends Collection<Candidate>> lists, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    Map<String, Candidate> unique = new HashMap<>();
    for (Collection<Candidate> list : lists) {
      for (Candidate c : list) {
        unique.merge(c.productId(), c, (a, b) -> a.score() >= b.score() ? a : b);
      }
    }
    List<Candidate> all = new ArrayList<>(unique.values());
    all.sort(ORDER);
    return all.size() > k ? List.copyOf(all.subList(0, k)) : List.copyOf(all);
  }
}
