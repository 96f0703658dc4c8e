package io.moesearch.core.eval;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranking metrics. Unjudged products count as rating 0; a rating is from 0 to {@link
 * Judgements#MAX_RATING}, as judgement files are read.
 */
public final class Metrics {
  private Metrics() {}

  /**
   * nDCG@k with gain {@code 2^rating − 1} and discount {@code log2(rank + 1)}; the ideal ranking is
   * the query's judgements sorted by rating. 0 when the query has no relevant judgement; never NaN.
   *
   * @throws IllegalArgumentException if a rating is outside 0..{@link Judgements#MAX_RATING}
   */
  public static double ndcg(List<String> ranked, Map<String, Integer> ratings, int k) {
    double dcg = 0;
    for (int i = 0; i < Math.min(k, ranked.size()); i++) {
      dcg += gain(ratings.getOrDefault(ranked.get(i), 0)) / log2(i + 2);
    }
    int[] ideal = ratings.values().stream().mapToInt(Integer::intValue).sorted().toArray();
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.length); i++) {
      idcg += gain(ideal[ideal.length - 1 - i]) / log2(i + 2);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  /** Fraction of {@code truth} found in the first {@code k} of {@code ranked}. */
  public static double recall(List<String> ranked, Collection<String> truth, int k) {
    if (truth.isEmpty()) {
      return 1.0;
    }
    Set<String> top = new HashSet<>(ranked.subList(0, Math.min(k, ranked.size())));
    long hit = truth.stream().filter(top::contains).count();
    return (double) hit / truth.size();
  }

  /**
   * Reciprocal rank of the first relevant result (rating >= 1) within the first {@code k}; 0 when
   * none is.
   */
  public static double reciprocalRank(List<String> ranked, Map<String, Integer> ratings, int k) {
    for (int i = 0; i < Math.min(k, ranked.size()); i++) {
      if (ratings.getOrDefault(ranked.get(i), 0) >= 1) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  /** Fraction of the first {@code k} results that are judged at all. */
  public static double judgedAtK(List<String> ranked, Map<String, Integer> ratings, int k) {
    int n = Math.min(k, ranked.size());
    if (n == 0) {
      return 0;
    }
    long judged = ranked.subList(0, n).stream().filter(ratings::containsKey).count();
    return (double) judged / n;
  }

  /**
   * nDCG's gain of a rating, {@code 2^rating − 1}: exact, and finite summed over any ranking.
   *
   * @throws IllegalArgumentException if {@code rating} is outside 0..{@link Judgements#MAX_RATING}
   */
  public static double gain(int rating) {
    if (rating < 0 || rating > Judgements.MAX_RATING) {
      throw new IllegalArgumentException(
          "a rating is from 0 to " + Judgements.MAX_RATING + ", got " + rating);
    }
    return Math.pow(2, rating) - 1;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
