package io.moesearch.core.rank;

import io.moesearch.core.catalog.Product;
import java.util.ArrayList;
import java.util.List;

/**
 * Small fusions of the list-level rules' tests: products as BM25 hits in the order given
 * (normalised scores 1, 0.99, ..., cosine 0.5, no dense list), fused by {@link HybridRanker#fuse}
 * with the served weights or with BM25 alone.
 */
final class Fused {
  private Fused() {}

  /** A product titled {@code title} whose brand is the title's first word. */
  static Product product(String id, String title) {
    return new Product(id, title, title.split(" ")[0], "", "", null, null);
  }

  /** The products as BM25 hits in this order. */
  static List<HybridRanker.Scored> lexical(String q, Product... products) {
    RankingFeatures features = HybridRanker.features();
    RankingFeatures.QueryTerms qt = features.query(q);
    List<HybridRanker.Scored> out = new ArrayList<>();
    double bm25 = 1;
    for (Product p : products) {
      out.add(new HybridRanker.Scored(p.id(), p.title(), features.of(qt, p, 0.5, bm25, -1, -1)));
      bm25 -= 0.01;
    }
    return out;
  }

  /** The products fused with the served weights ({@link EntryCutTest#SERVED}). */
  static List<HybridRanker.Scored> served(String q, Product... products) {
    return HybridRanker.fuse(q, List.of(), lexical(q, products), EntryCutTest.SERVED, 20, 10);
  }

  /** The products fused by BM25 alone (a fusion weighing nothing else). */
  static List<HybridRanker.Scored> bm25Only(String q, Product... products) {
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.BM25] = 1;
    return HybridRanker.fuse(q, List.of(), lexical(q, products), new LinearFusion(w), 20, 10);
  }
}
