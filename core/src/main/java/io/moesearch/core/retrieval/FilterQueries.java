package io.moesearch.core.retrieval;

import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.index.IndexFields;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Lucene pre-filters for brand and price, applied inside the HNSW search (filtered kNN) so a filter
 * never shrinks the result below {@code top_k} when enough products match.
 */
public final class FilterQueries {
  private FilterQueries() {}

  /**
   * @param brands any of these brands, compared in {@link QueryNormalizer} form (as the index
   *     stores them), or null/empty for any brand
   * @param priceMin inclusive lower bound or null
   * @param priceMax inclusive upper bound or null
   * @return the filter, or {@code null} when nothing is constrained
   */
  public static Query of(String[] brands, Double priceMin, Double priceMax) {
    return of(brands, priceMin, priceMax, false);
  }

  /**
   * {@link #of(String[], Double, Double)} counting stock too: with {@code inStock}, products the
   * artifact lists out of stock do not match (what a router counts; the searches apply live stock
   * themselves).
   */
  public static Query of(String[] brands, Double priceMin, Double priceMax, boolean inStock) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    boolean any = false;
    if (inStock) {
      b.add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER);
      b.add(new TermQuery(new Term(IndexFields.IN_STOCK, "false")), BooleanClause.Occur.MUST_NOT);
    }
    if (brands != null && brands.length > 0) {
      BooleanQuery.Builder anyBrand = new BooleanQuery.Builder();
      for (String brand : brands) {
        anyBrand.add(
            new TermQuery(new Term(IndexFields.BRAND_EXACT, QueryNormalizer.normalize(brand))),
            BooleanClause.Occur.SHOULD);
      }
      b.add(anyBrand.build(), BooleanClause.Occur.FILTER);
      any = true;
    }
    if (priceMin != null || priceMax != null) {
      double lo = priceMin == null ? Double.NEGATIVE_INFINITY : priceMin;
      double hi = priceMax == null ? Double.POSITIVE_INFINITY : priceMax;
      b.add(DoubleField.newRangeQuery(IndexFields.PRICE, lo, hi), BooleanClause.Occur.FILTER);
      any = true;
    }
    return any || inStock ? b.build() : null;
  }
}
