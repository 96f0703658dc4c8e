package io.moesearch.core.live;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.IndexFields;
import io.moesearch.core.index.LexicalStatistics;
import io.moesearch.core.index.ProductDocuments;
import io.moesearch.core.rank.EntryCut;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.core.retrieval.Bm25Queries;
import io.moesearch.core.util.Texts;
import io.moesearch.core.util.Vectors;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
 * A product sharing a term with the query enters the lexical branch's candidates only if its BM25
 * score reaches the answer's <em>lexical floor</em> (the last candidate's score of a full list).
 * The lexical branch scores the delta with the artifact's statistics ({@link LexicalStatistics}),
 * so the product's score for any query is known when it is upserted: the sum, over the terms it
 * shares with the query, of what each adds ({@link #lexicalScore}, {@link
 * LexicalStatistics#termScores}).
 *
 * <p>Terms are compared by 32-bit hash: a collision can only make a product look like a match (the
 * answer is recomputed), never hide one. Arrays are not copied.
 *
 * @param appliedAtMillis when the upsert was applied (epoch millis)
 * @param experts the experts the product joined, non-null
 * @param vector its unit-length embedding, non-null
 * @param terms the sorted, distinct hashes of its BM25 terms ({@link #termHashes}), or {@code null}
 *     when they are not kept ({@link #withoutTerms}: then it shares a term with every query, its
 *     score unknown)
 * @param bm25 per hash in {@code terms} (which it then requires), the BM25 score its terms add to a
 *     matching query's in the lexical branch serving artifact version {@code bm25Version} (summed
 *     over terms sharing a hash), or {@code null} when unknown (a signature from before it was
 *     recorded: then any shared term counts)
 * @param bm25Version the artifact version whose statistics {@code bm25} was scored with; {@code
 *     null} exactly when {@code bm25} is (an answer of another version is judged as if the scores
 *     were unknown)
 * @param title its title as the ranking features read it (cut to {@link
 *     RankingFeatures#MAX_TITLE_CHARS}), or {@code null} when not kept (then {@link #mayReach} is
 *     always true); {@code brand} and {@code model} likewise (cut to {@link
 *     RankingFeatures#MAX_FIELD_CHARS}), non-null exactly when {@code title} is
 */
public record UpsertSignature(
    long appliedAtMillis,
    int[] experts,
    float[] vector,
    int[] terms,
    float[] bm25,
    String bm25Version,
    String title,
    String brand,
    String model) {
  /**
   * Slack on the dense floor, in cosine: the cached query's embedding may come from another
   * spelling of the same normalised text than the one that computed the answer.
   */
  public static final float DENSE_SLACK = 0.02f;

  /** The dense floor of an answer whose dense branch admits anything (a list cut short). */
  public static final float ANY = -1f;

  /**
   * Relative slack on the lexical floor: BM25 scores are sums of floats, which Lucene adds in
   * another order and precision than {@link #lexicalScore}.
   */
  public static final float LEXICAL_SLACK = 1e-3f;

  /**
   * Most terms of a signature the query cache keeps. A catalogue product has far fewer (the 19,406
   * Icecat products at most 98 distinct words); one with more (a hostile 64 KB text of distinct
   * words has some 15,000) is signed {@link #withoutTerms} ({@link #of}): it then shares a term
   * with every query, its score unknown, so the cache judges the answers it could enter lexically
   * by their age ({@code LEXICAL_ENTRY_DELAY_MS}). So the kept signatures, held by every cache
   * subtask and scanned on every check, stay bounded in size.
   */
  public static final int MAX_TERMS = 512;

  /** The lexical branch's analysis (thread-safe: Lucene reuses components per thread). */
  private static final Analyzer ANALYZER = Analyzers.allText();

  public UpsertSignature {
    if (experts == null || vector == null) {
      throw new IllegalArgumentException("experts and vector are required");
    }
    if (terms == null && bm25 != null) {
      throw new IllegalArgumentException("bm25 scores need their terms");
    }
    for (int i = 1; terms != null && i < terms.length; i++) {
      if (terms[i - 1] >= terms[i]) {
        throw new IllegalArgumentException("terms must be sorted and distinct");
      }
    }
    if ((title == null) != (brand == null) || (title == null) != (model == null)) {
      throw new IllegalArgumentException("title, brand and model go together");
    }
    if ((bm25 == null) != (bm25Version == null)) {
      throw new IllegalArgumentException("bm25 and bm25Version go together");
    }
    if (bm25 != null) {
      if (bm25.length != terms.length) {
        throw new IllegalArgumentException("one bm25 score per term is required");
      }
      for (float x : bm25) {
        if (!(x >= 0 && x < Float.POSITIVE_INFINITY)) {
          throw new IllegalArgumentException(
              "bm25 scores must be finite and non-negative, got " + x);
        }
      }
    }
  }

  /** This signature as if applied at {@code appliedAtMillis} (arrays shared, not copied). */
  public UpsertSignature dated(long appliedAtMillis) {
    return new UpsertSignature(
        appliedAtMillis, experts, vector, terms, bm25, bm25Version, title, brand, model);
  }

  /**
   * This signature without its terms (nor their scores): it shares a term with every query, its
   * BM25 score unknown. What the query cache keeps of a product of more than {@link #MAX_TERMS}.
   */
  public UpsertSignature withoutTerms() {
    return new UpsertSignature(appliedAtMillis, experts, vector, null, null, null);
  }

  /** A signature whose terms' BM25 scores are unknown. */
  public UpsertSignature(long appliedAtMillis, int[] experts, float[] vector, int[] terms) {
    this(appliedAtMillis, experts, vector, terms, null, null);
  }

  /** A signature that keeps none of the product's ranked fields ({@link #mayReach} is true). */
  public UpsertSignature(
      long appliedAtMillis,
      int[] experts,
      float[] vector,
      int[] terms,
      float[] bm25,
      String bm25Version) {
    this(appliedAtMillis, experts, vector, terms, bm25, bm25Version, null, null, null);
  }

  /**
   * The signature of {@code product} as upserted with {@code vector} into {@code experts}, its
   * terms' BM25 scores unknown.
   */
  public static UpsertSignature of(
      long appliedAtMillis, int[] experts, float[] vector, Product product) {
    return bounded(new UpsertSignature(appliedAtMillis, experts, vector, productTerms(product)));
  }

  /**
   * {@code s}, or {@link #withoutTerms} if it has more than {@link #MAX_TERMS}: a hostile text is
   * cut where it is signed, so it is never broadcast to the caches in full.
   */
  private static UpsertSignature bounded(UpsertSignature s) {
    return s.terms != null && s.terms.length > MAX_TERMS ? s.withoutTerms() : s;
  }

  /**
   * The signature of {@code product} as upserted with {@code vector} into {@code experts}, with its
   * terms' BM25 scores under {@code lexical}, the statistics of the lexical index of artifact
   * version {@code version} (what the lexical branch scores the delta with when it serves it);
   * unknown when that index holds no text (the delta is then scored with its own statistics).
   */
  public static UpsertSignature of(
      long appliedAtMillis,
      int[] experts,
      float[] vector,
      Product product,
      LexicalStatistics lexical,
      String version) {
    Map<String, Float> scores =
        lexical.termScores(IndexFields.ALL_TEXT, ProductDocuments.allText(product), ANALYZER);
    if (scores == null) {
      return of(appliedAtMillis, experts, vector, product);
    }
    TreeMap<Integer, Float> byHash = new TreeMap<>();
    scores.forEach((t, score) -> byHash.merge(t.hashCode(), score, Float::sum));
    int[] terms = new int[byHash.size()];
    float[] bm25 = new float[byHash.size()];
    int i = 0;
    for (var e : byHash.entrySet()) {
      terms[i] = e.getKey();
      bm25[i++] = e.getValue();
    }
    return bounded(
        new UpsertSignature(
            appliedAtMillis,
            experts,
            vector,
            terms,
            bm25,
            version,
            Texts.cut(product.title(), RankingFeatures.MAX_TITLE_CHARS),
            Texts.cut(product.brand(), RankingFeatures.MAX_FIELD_CHARS),
            Texts.cut(product.model(), RankingFeatures.MAX_FIELD_CHARS)));
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

  /**
   * Whether the lexical branch could find it: it shares an analysed term with the query (always,
   * when its terms are not kept).
   */
  public boolean sharesTerm(int[] queryTerms) {
    return terms == null || intersects(terms, queryTerms);
  }

  /**
   * Its BM25 score in the lexical branch for a query of {@code queryTerms} (sorted hashes, {@link
   * #queryTerms}): the sum of what the terms they share add ({@link LexicalStatistics#termScores}),
   * up to float rounding; NaN when unknown. A hash collision can only raise it.
   */
  public double lexicalScore(int[] queryTerms) {
    if (bm25 == null) {
      return Double.NaN;
    }
    double score = 0;
    for (int q : queryTerms) { // ascending, as the terms: the sum's order is the terms'
      int i = Arrays.binarySearch(terms, q);
      if (i >= 0) {
        score += bm25[i];
      }
    }
    return score;
  }

  /**
   * Whether the lexical branch could return it for a query of {@code queryTerms} (sorted hashes)
   * whose answer, computed on artifact version {@code answerVersion}, has lexical floor {@code
   * lexicalFloor} (the BM25 score of its last lexical candidate, 0 when the list was not full:
   * anything matching enters; NaN when unknown): it shares a term and, when the floor and its BM25
   * scores in that version are known, its {@link #lexicalScore} reaches the floor (less {@link
   * #LEXICAL_SLACK}).
   */
  public boolean mayEnterLexically(int[] queryTerms, float lexicalFloor, String answerVersion) {
    if (!sharesTerm(queryTerms)) {
      return false;
    }
    if (!scoredFor(lexicalFloor, answerVersion)) {
      return true;
    }
    return lexicalScore(queryTerms) >= lexicalFloor * (1 - LEXICAL_SLACK);
  }

  /**
   * Whether {@link #mayEnterLexically} decides by score for an answer of artifact version {@code
   * answerVersion} with lexical floor {@code lexicalFloor}: the floor is known and this signature
   * holds BM25 scores of that version; otherwise any shared term counts.
   */
  public boolean scoredFor(float lexicalFloor, String answerVersion) {
    return bm25 != null && !Float.isNaN(lexicalFloor) && Objects.equals(bm25Version, answerVersion);
  }

  /**
   * Whether it could be among the top k of a fresh computation of an answer whose {@link EntryCut}
   * is {@code cut} ({@link EntryCut#mayReach}), given whether it may enter the answer's dense
   * candidates ({@code dense}: {@link #mayEnterDensely}) and its BM25 hits ({@code lexical}: {@link
   * #mayEnterLexically}): always when its ranked fields or its BM25 scores are not kept, or the
   * query's embedding is unknown. Call it for an answer of the artifact version its scores are of
   * ({@link #scoredFor}).
   *
   * @param productId its id
   * @param fusion the fusion that ranked the answer
   * @param query the query text analysed by {@link HybridRanker#features}
   * @param queryTerms the query's term hashes ({@link #queryTerms}), sorted
   * @param queryVector the query's embedding, or {@code null} when unknown
   */
  public boolean mayReach(
      String productId,
      EntryCut cut,
      LinearFusion fusion,
      RankingFeatures.QueryTerms query,
      int[] queryTerms,
      float[] queryVector,
      boolean dense,
      boolean lexical) {
    if (title == null
        || bm25 == null
        || queryVector == null
        || queryVector.length != vector.length) {
      return true;
    }
    return cut.mayReach(
        fusion,
        HybridRanker.features(),
        query,
        HybridRanker.rankedProduct(productId, title, brand, model),
        Vectors.exactDot(queryVector, vector),
        DENSE_SLACK,
        dense,
        lexicalScore(queryTerms),
        LEXICAL_SLACK,
        lexical);
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

  /**
   * Whether two sorted arrays share a value: each value of the shorter searched in the longer,
   * O(min · log max) (a query has a few terms, a product up to {@link #MAX_TERMS}).
   */
  private static boolean intersects(int[] a, int[] b) {
    int[] shorter = a.length <= b.length ? a : b;
    int[] longer = shorter == a ? b : a;
    for (int x : shorter) {
      if (Arrays.binarySearch(longer, x) >= 0) {
        return true;
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
        && Arrays.equals(terms, s.terms)
        && Arrays.equals(bm25, s.bm25)
        && Objects.equals(bm25Version, s.bm25Version)
        && Objects.equals(title, s.title)
        && Objects.equals(brand, s.brand)
        && Objects.equals(model, s.model);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(appliedAtMillis) * 31 + Arrays.hashCode(terms);
  }
}
