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
 * answer is recomputed), never hide one. A product of more than {@link #MAX_TERMS} term hashes
 * keeps that many exactly (the highest-scoring, when their scores are known) and folds the rest
 * into a bit set ({@code folded}) whose bits stand for hashes: a query term whose bit is set counts
 * as shared and as adding at most the largest score of a folded term ({@code foldedBm25}). So the
 * signature stays bounded in size and sound (it only ever over-counts), and an answer whose query
 * names none of its terms is left alone even so. Arrays are not copied.
 *
 * @param appliedAtMillis when the upsert was applied (epoch millis)
 * @param experts the experts the product joined, non-null
 * @param vector its unit-length embedding, non-null
 * @param terms the sorted, distinct hashes of its BM25 terms ({@link #termHashes}) kept exactly, at
 *     most {@link #MAX_TERMS} once {@link #bounded}, or {@code null} when none is kept (a signature
 *     restored from a build that dropped them: it shares a term with every query, its score
 *     unknown)
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
 * @param folded the bit set ({@link #foldedBit}) of the hashes of its terms beyond {@code terms},
 *     whose length is a power of two of at most {@link #MAX_FOLDED_WORDS} words, or {@code null}
 *     when every term is in {@code terms} (also in state from before it was recorded); requires
 *     {@code terms}
 * @param foldedBm25 when {@code folded} and {@code bm25} are both kept, the largest score a folded
 *     hash adds (at most each score in {@code bm25}); otherwise ignored (0)
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
    String model,
    long[] folded,
    float foldedBm25) {
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
   * Most term hashes a signature keeps exactly. A catalogue product has far fewer (the 19,406
   * Icecat products at most 98 distinct words); one with more (a hostile 64 KB text of distinct
   * words has some 15,000) keeps this many and folds the rest into a bit set ({@link #bounded}). So
   * the kept signatures, held by every cache subtask and scanned on every check, stay bounded in
   * size: at most 4 KB of terms and scores and {@link #MAX_FOLDED_WORDS} × 8 bytes of bits.
   */
  public static final int MAX_TERMS = 512;

  /**
   * Most 64-bit words of a folded bit set: 32,768 bits. A set has some 8 bits per folded hash up to
   * this size (a query term of a product it does not name then has its bit set about once in 8);
   * the 15,000 terms of a 64 KB text set about a third of them.
   */
  public static final int MAX_FOLDED_WORDS = 512;

  /**
   * The lexical index's analysis, positions included (a product's BM25 length is the index's).
   * Thread-safe: Lucene reuses components per thread.
   */
  private static final Analyzer ANALYZER = Analyzers.allTextIndexed();

  /** The lexical branch's query analysis without synonyms ({@link #queryTerms}). */
  private static final Analyzer QUERY_ANALYZER = Analyzers.allText();

  public UpsertSignature {
    if (experts == null || vector == null) {
      throw new IllegalArgumentException("experts and vector are required");
    }
    if (terms == null && (bm25 != null || folded != null)) {
      throw new IllegalArgumentException("bm25 scores and folded terms need their terms");
    }
    if (folded != null
        && (folded.length == 0
            || folded.length > MAX_FOLDED_WORDS
            || Integer.bitCount(folded.length) != 1)) {
      throw new IllegalArgumentException(
          "folded terms take a power of two of at most "
              + MAX_FOLDED_WORDS
              + " words, got "
              + folded.length);
    }
    if (folded == null || bm25 == null) {
      foldedBm25 = 0f;
    } else if (!(foldedBm25 >= 0 && foldedBm25 < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "the folded terms' bm25 score must be finite and non-negative, got " + foldedBm25);
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

  /** A signature of every term kept exactly (none folded). */
  public UpsertSignature(
      long appliedAtMillis,
      int[] experts,
      float[] vector,
      int[] terms,
      float[] bm25,
      String bm25Version,
      String title,
      String brand,
      String model) {
    this(appliedAtMillis, experts, vector, terms, bm25, bm25Version, title, brand, model, null, 0f);
  }

  /** This signature as if applied at {@code appliedAtMillis} (arrays shared, not copied). */
  public UpsertSignature dated(long appliedAtMillis) {
    return new UpsertSignature(
        appliedAtMillis,
        experts,
        vector,
        terms,
        bm25,
        bm25Version,
        title,
        brand,
        model,
        folded,
        foldedBm25);
  }

  /**
   * This signature with at most {@link #MAX_TERMS} term hashes kept exactly (itself when it has no
   * more): the highest-scoring ones when their scores are known (ties and unknown scores: the
   * lowest hashes), the others folded into the bit set with the largest of their scores. It shares
   * a term with every query it shared one with, and its {@link #lexicalScore} for any query is at
   * least what it was: the cache judges it as soundly, in bounded space.
   */
  public UpsertSignature bounded() {
    if (terms == null || terms.length <= MAX_TERMS) {
      return this;
    }
    Integer[] order = new Integer[terms.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (bm25 != null) {
      // Highest score first; the sort is stable, so ties keep the lower hash.
      Arrays.sort(order, (a, b) -> Float.compare(bm25[b], bm25[a]));
    }
    int foldedCount = terms.length - MAX_TERMS;
    long[] bits = folded != null ? folded.clone() : new long[foldedWords(foldedCount)];
    float foldedMax = folded != null ? foldedBm25 : 0f;
    boolean[] keep = new boolean[terms.length];
    for (int r = 0; r < order.length; r++) {
      int i = order[r];
      if (r < MAX_TERMS) {
        keep[i] = true;
      } else {
        int bit = foldedBit(terms[i], bits.length);
        bits[bit >>> 6] |= 1L << bit;
        if (bm25 != null) {
          foldedMax = Math.max(foldedMax, bm25[i]);
        }
      }
    }
    int[] keptTerms = new int[MAX_TERMS];
    float[] keptBm25 = bm25 == null ? null : new float[MAX_TERMS];
    for (int i = 0, k = 0; i < terms.length; i++) {
      if (keep[i]) {
        keptTerms[k] = terms[i];
        if (keptBm25 != null) {
          keptBm25[k] = bm25[i];
        }
        k++;
      }
    }
    return new UpsertSignature(
        appliedAtMillis,
        experts,
        vector,
        keptTerms,
        keptBm25,
        bm25Version,
        title,
        brand,
        model,
        bits,
        foldedMax);
  }

  /** The words of the bit set {@link #bounded} folds {@code count} hashes into. */
  private static int foldedWords(int count) {
    long bits = Math.max(64L, 8L * count);
    int words = (int) Math.min(MAX_FOLDED_WORDS, (bits + 63) / 64);
    return Integer.highestOneBit(words) == words ? words : Integer.highestOneBit(words) << 1;
  }

  /**
   * The bit of a bit set of {@code words} 64-bit words (a power of two) that term hash {@code hash}
   * sets: its bits mixed (MurmurHash3's finaliser), so that hashes differing in high bits spread.
   */
  public static int foldedBit(int hash, int words) {
    int h = hash;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h & (words * 64 - 1);
  }

  /** Whether the bit set holds {@code hash}'s bit (a folded term, or a collision). */
  private boolean foldedHolds(int hash) {
    if (folded == null) {
      return false;
    }
    int bit = foldedBit(hash, folded.length);
    return (folded[bit >>> 6] & (1L << bit)) != 0;
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
    this(appliedAtMillis, experts, vector, terms, bm25, bm25Version, null, null, null, null, 0f);
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
   * {@code s} {@link #bounded}: a hostile text is folded where it is signed, so it is never
   * broadcast to the caches in full.
   */
  private static UpsertSignature bounded(UpsertSignature s) {
    return s.bounded();
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

  /**
   * The hashes of the BM25 terms of a query text, analysed as the lexical branch analyses a query
   * without synonyms ({@link Analyzers#allText}: a barcode typed in its printed digit groups is one
   * GTIN, which the index's analysis never joins); the job's caches read the expanded terms when
   * synonyms or typo tolerance are on.
   */
  public static int[] queryTerms(String text) {
    return termHashes(Bm25Queries.terms(QUERY_ANALYZER, text));
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
   * Whether the lexical branch could find it: it shares an analysed term with the query, or a query
   * term's bit is set in its folded terms (always, when no term is kept).
   */
  public boolean sharesTerm(int[] queryTerms) {
    if (terms == null || intersects(terms, queryTerms)) {
      return true;
    }
    for (int q : queryTerms) {
      if (foldedHolds(q)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Its BM25 score in the lexical branch for a query of {@code queryTerms} (sorted hashes, {@link
   * #queryTerms}), or more: the sum of what the terms they share add ({@link
   * LexicalStatistics#termScores}), up to float rounding, plus the folded terms' largest score for
   * each other query term whose bit is set; NaN when unknown. A hash collision can only raise it.
   */
  public double lexicalScore(int[] queryTerms) {
    if (bm25 == null) {
      return Double.NaN;
    }
    double score = 0;
    int foldedHits = 0;
    for (int q : queryTerms) { // ascending, as the terms: the sum's order is the terms'
      int i = Arrays.binarySearch(terms, q);
      if (i >= 0) {
        score += bm25[i];
      } else if (foldedHolds(q)) {
        foldedHits++;
      }
    }
    return score + (double) foldedHits * foldedBm25;
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
        && Objects.equals(model, s.model)
        && Arrays.equals(folded, s.folded)
        && Float.compare(foldedBm25, s.foldedBm25) == 0;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(appliedAtMillis) * 31 + Arrays.hashCode(terms);
  }
}
