package io.moesearch.core.live;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.ProductDocuments;
import io.moesearch.core.retrieval.Bm25Queries;
import io.moesearch.core.util.Vectors;
import java.util.Arrays;
import java.util.Collection;
import org.apache.lucene.analysis.Analyzer;

/**
 * What the query cache needs to know of an upserted product to decide which cached answers it could
 * enter: the experts it joined, its embedding and the hashes of its BM25 terms. A cached answer is
 * a candidate list cut twice, so a product it did not contain can only enter it through one of the
 * two branches that built it ({@link #mayEnter}):
 *
 * <ul>
 *   <li><b>dense</b>: it joined an expert the answer searched and its exact score for the query is
 *       at least the answer's <em>dense floor</em>, the lowest score any of those experts needed to
 *       return a candidate (an expert that returned fewer candidates than asked has floor {@code
 *       -1}: anything it holds enters);
 *   <li><b>lexical</b>: it shares an analysed term with the query (the BM25 query is a disjunction
 *       of the query's terms over {@link ProductDocuments#allText}, analysed by {@link
 *       Analyzers#allText} on both sides).
 * </ul>
 *
 * Terms are compared by 32-bit hash: a collision can only make a product look like a match (the
 * answer is recomputed), never hide one. Arrays are not copied.
 *
 * @param appliedAtMillis when the upsert was applied (epoch millis)
 * @param experts the experts the product joined, non-null
 * @param vector its unit-length embedding, non-null
 * @param terms the sorted, distinct hashes of its BM25 terms ({@link #termHashes}), non-null
 */
public record UpsertSignature(long appliedAtMillis, int[] experts, float[] vector, int[] terms) {
  /**
   * Slack on the dense floor, in cosine: the cached query's embedding may come from another
   * spelling of the same normalised text than the one that computed the answer.
   */
  public static final float DENSE_SLACK = 0.02f;

  /** The dense floor of an answer whose dense branch admits anything (a list cut short). */
  public static final float ANY = -1f;

  /** The lexical branch's analysis (thread-safe: Lucene reuses components per thread). */
  private static final Analyzer ANALYZER = Analyzers.allText();

  public UpsertSignature {
    if (experts == null || vector == null || terms == null) {
      throw new IllegalArgumentException("experts, vector and terms are required");
    }
    for (int i = 1; i < terms.length; i++) {
      if (terms[i - 1] >= terms[i]) {
        throw new IllegalArgumentException("terms must be sorted and distinct");
      }
    }
  }

  /** The signature of {@code product} as upserted with {@code vector} into {@code experts}. */
  public static UpsertSignature of(
      long appliedAtMillis, int[] experts, float[] vector, Product product) {
    return new UpsertSignature(appliedAtMillis, experts, vector, productTerms(product));
  }

  /** The hashes of {@code product}'s BM25 terms. */
  public static int[] productTerms(Product product) {
    return termHashes(Bm25Queries.terms(ANALYZER, ProductDocuments.allText(product)));
  }

  /** The hashes of the BM25 terms of a query text (analysed as the lexical branch does). */
  public static int[] queryTerms(String text) {
    return termHashes(Bm25Queries.terms(ANALYZER, text));
  }

  /** Sorted, distinct {@link String#hashCode} values of {@code terms}. */
  public static int[] termHashes(Collection<String> terms) {
    return terms.stream().mapToInt(String::hashCode).sorted().distinct().toArray();
  }

  /**
   * Whether this product could be in a fresh computation of a cached answer that did not show it.
   *
   * @param answerExperts the experts the answer searched
   * @param denseFloor the answer's dense floor, in [-1, 1], or NaN when unknown (then joining one
   *     of its experts is enough)
   * @param queryVector the query's embedding, or {@code null} when unknown (likewise)
   * @param queryTerms the query's term hashes ({@link #queryTerms}), sorted
   */
  public boolean mayEnter(
      int[] answerExperts, float denseFloor, float[] queryVector, int[] queryTerms) {
    return sharesTerm(queryTerms) || mayEnterDensely(answerExperts, denseFloor, queryVector);
  }

  /** Whether the lexical branch could find it: it shares an analysed term with the query. */
  public boolean sharesTerm(int[] queryTerms) {
    return intersects(terms, queryTerms);
  }

  /**
   * Whether the dense branch could return it: it joined one of {@code answerExperts} and scores at
   * least {@code denseFloor} (less {@link #DENSE_SLACK}) for {@code queryVector}; with the floor or
   * the vector unknown, joining one is enough.
   */
  public boolean mayEnterDensely(int[] answerExperts, float denseFloor, float[] queryVector) {
    if (!joinedAnyOf(answerExperts)) {
      return false;
    }
    if (queryVector == null || Float.isNaN(denseFloor) || queryVector.length != vector.length) {
      return true;
    }
    return Vectors.exactDot(queryVector, vector) >= denseFloor - DENSE_SLACK;
  }

  private boolean joinedAnyOf(int[] answerExperts) {
    for (int e : experts) {
      for (int a : answerExperts) {
        if (a == e) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean intersects(int[] a, int[] b) {
    int i = 0;
    int j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        return true;
      }
      if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpsertSignature s
        && appliedAtMillis == s.appliedAtMillis
        && Arrays.equals(experts, s.experts)
        && Arrays.equals(vector, s.vector)
        && Arrays.equals(terms, s.terms);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(appliedAtMillis) * 31 + Arrays.hashCode(terms);
  }
}
