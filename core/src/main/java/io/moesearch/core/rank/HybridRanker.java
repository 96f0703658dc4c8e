package io.moesearch.core.rank;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.retrieval.Bm25Queries;
import io.moesearch.core.retrieval.QueryExpansion;
import io.moesearch.core.retrieval.Retriever;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;

/**
 * Hybrid ranking shared by the evaluation and the streaming job: the dense candidates (the routed
 * experts' exactly-scored top {@code denseDepth}) and the lexical candidates (BM25 top {@code
 * lexicalDepth} over the whole catalogue, scored densely too) are unioned and ranked by a {@link
 * LinearFusion} over {@link RankingFeatures}. The BM25 feature of a candidate outside the BM25 list
 * is 0. Thread-safe.
 */
public final class HybridRanker {
  /**
   * One for the JVM: its caches of analysed titles and title codes (bounded) then serve every
   * ranker of the process (a TaskManager's subtasks, and the jobs it runs one after another)
   * instead of each starting cold. Thread-safe.
   */
  private static final RankingFeatures SHARED_FEATURES = new RankingFeatures(Analyzers.allText());

  private final RankingFeatures features = SHARED_FEATURES;

  /**
   * The revision of the ranking's code: raised with every change that ranks an answer otherwise on
   * the same index with the same settings (a feature's definition, a list-level rule of {@link
   * #fuse}). The job's ranking fingerprint holds it ({@code MoeSearchConfig#rankingFingerprint}),
   * so a build that ranks anew does not serve the answers an older build cached (restored from its
   * savepoint). 16: a candidate continuing the name the query gives with a variant word it does not
   * ask for ("Logitech X52 Pro" for "x52") has one more query word uncovered while another
   * candidate holds the name without one ({@link RankingFeatures#lowerUnaskedVariants}), and so has
   * a title naming its box where the query asks for a tray / OEM part; a spec's acronym ends a noun
   * phrase for the accessory rule ("Gaming mouse USB Type-A"); 15: a candidate that is an accessory
   * of what a query of words asks for ("HP Standard Monitor Stand" for "monitor") has the query's
   * words uncovered while another candidate holds them as the product ({@link
   * RankingFeatures#lowerAccessoriesOf}); 14: a carrier of the query's code lacking a word the
   * query asks for, which an accessory naming the device after its compatibility marker holds as
   * what it is, carries the code no more ({@link RankingFeatures#lowerUnaskedCarriers}: "hp p1505
   * toner" ranks the toner compatible with the P1505 above the printer; also where the printer's
   * title names the code without carrying it, {@link RankingFeatures#promoteDeviceFits}), a code
   * before the query's compatibility marker and none after it is the device's ("hp P1505 compatible
   * toner", {@link RankingFeatures#deviceFit}), and a colour near the query's conflicts when
   * another carrier of the query's code names the query's colour itself ({@link
   * RankingFeatures#conflictNearColours}: "canon pfi-701 red" ranks the Red cartridge above the
   * Magenta); 13: a data size contradicts another unit's within {@code
   * RankingFeatures#SAME_PART_DATA_RATIO} ("512 MB" for "1GB"); colours written in the languages of
   * European shops are read ("HP 624A rojo", {@link ColourWords}), and a shopper's blue or red is
   * no conflict with a cyan or magenta cartridge; a product name's code of two digits behind a
   * line's three letters names it ({@code RankingFeatures#nameCode}: "Epson ERC38B Ribbon ...");
   * 12: another brand's title naming the query's code behind the query's word carries it beside the
   * original too, when the query names the original's brand (the original first by its brand, the
   * replacement next; {@link RankingFeatures#normaliseCodeShare}), and a run of words glued into a
   * code weighs only its characters in words holding a digit in an offer's code share ({@code
   * RankingFeatures.QueryTerms#codeWeights}); a query asking for a replacement ranks it above the
   * original ({@code RankingFeatures#REPLACED_ORIGINAL}); a lettered part number of fewer digits
   * ("LC-E6 battery charger") is a code of a model field that is a product name; 11: a model field
   * that is a product name carries the code among its words ({@link
   * RankingFeatures#MODEL_NAME_HELD}: "Genuine TN-200 Toner Cartridge Black" for "brother tn200")
   * when no model field or offer carries it otherwise; a compatibility marker as the shop's other
   * markets write it ("für", "pour", "para", "voor"; "per", "do" before a number); 10: such a title
   * also carries a code the query writes after its compatibility marker ("toner compatible with
   * lexmark E450H21E": a replaced product's code, as the catalogue shows, where a device's is
   * written after the title's own marker) when it also holds the words the query asks for, and, for
   * a query asking for a replacement, a code the query writes behind no brand ("generic dr4000
   * drum") ({@link RankingFeatures.QueryTerms#wantedCodes}); a list of codes pasted without spaces
   * reads as one with spaces ("a,b;c"); a count of pieces ("set of 2") is no number of the product;
   * 9: another brand's title naming the query's code behind the query's word ("Xerox ... Equivalent
   * to HP Q5952A" for "hp q5952a") carries it when no candidate carries it as its own nor a named
   * brand's title holds it, and the brand named beside it earns nothing ({@link
   * RankingFeatures#TITLE_HELD}), beside the original when the query asks for a replacement; a
   * "for" right after "replacement" marks no device; 8: {@code title_bigrams}, the query's
   * neighbouring terms held in order by the title ({@link RankingFeatures#TITLE_BIGRAMS}); a code
   * without its series letters or behind a vendor prefix earns {@code code_partial} ({@link
   * RankingFeatures#dropsSeries}, {@link RankingFeatures#addsVendorPrefix}) and a number after
   * series letters is held ("MF3110" holds 3110); a price is no bare number; a barcode typed in its
   * printed digit groups is one number ({@code SpacedGtinFilter}); a "+" ending a word or standing
   * alone is "plus"; an underscore separates a query's words; 7: {@code brand_match} reads a brand
   * as shoppers write it ({@link BrandNames}: without its web domain or legal form, misspelled or
   * by initials where the query starts), units spelled out read as symbols ({@code SpelledUnits}),
   * {@code words_uncovered} also on queries whose only numbers are sizes, and a model field that is
   * a product name holding a code earns {@code code_exact} when the query holds all of it ({@link
   * RankingFeatures#MIN_MODEL_NAME}); 6: {@code words_uncovered}, a title's missing query words on
   * longer queries of words only ({@link RankingFeatures#WORDS_UNCOVERED}); 5: a query's quantities
   * are read from its first {@code MAX_TITLE_CHARS} characters, as its codes are (only queries
   * longer than that rank otherwise); 4: no {@code brand_match} when the query's code is carried
   * only by a few offers of other brands ({@link RankingFeatures#normaliseCodeShare}); 3: a run of
   * the brand and a code weighs its code's characters in an offer's code share ({@link
   * RankingFeatures#brandRun}); 2: the accessory and variant rule ({@link
   * RankingFeatures#promoteDeviceFits}) and the "#" option suffix of a code ({@link
   * RankingFeatures#hasModelCode}); 1: the builds before.
   */
  public static final int RANKING_REVISION = 16;

  /** The features every ranker of this JVM computes (thread-safe). */
  public static RankingFeatures features() {
    return SHARED_FEATURES;
  }

  private final Bm25Queries bm25;

  /** A ranker whose BM25 branch searches the query's own terms. */
  public HybridRanker() {
    this(QueryExpansion.NONE);
  }

  /** A ranker whose BM25 branch widens queries by {@code expansion} (synonyms, typo tolerance). */
  public HybridRanker(QueryExpansion expansion) {
    this.bm25 = new Bm25Queries(expansion);
  }

  /** A candidate and its query–product features (rank features are filled by {@link #fuse}). */
  public record Scored(String productId, String title, double[] features) {}

  /** The BM25 query of a text (as {@link #lexical} runs it), every term searched exactly. */
  public Query bm25(String text) {
    return bm25.query(text);
  }

  /**
   * The BM25 query of a text over {@code lexical}, the artifact's lexical index, as {@link
   * #lexical} runs it: a typo-tolerant term is fuzzy only where that index lacks it ({@link
   * Bm25Queries#query(String, java.util.function.Predicate)}); the same query also searches the
   * live delta.
   */
  public Query bm25(String text, ExpertIndex lexical) {
    return bm25.query(text, lexical::indexes);
  }

  /** Features of dense candidates (their scores are exact cosines). */
  public List<Scored> dense(String text, List<Candidate> candidates) {
    RankingFeatures.QueryTerms q = features.query(text);
    List<Scored> out = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      out.add(
          new Scored(c.productId(), c.title(), features.of(q, product(c), c.score(), 0, -1, -1)));
    }
    return out;
  }

  /**
   * The dense candidates {@link #fuse} keeps, with their features: the best {@code depth} distinct
   * products by cosine ({@link Candidate#score}; ties by product id), features computed for those
   * only. The candidates may come from several experts (a product replicated into two appears
   * twice, with the same cosine). Fusing the result ranks exactly as fusing {@link #dense} of all
   * the candidates: a candidate's features depend on the query and the product alone, and the
   * fusion keeps only these {@code depth}. The streaming job's experts each return their best
   * {@code depth}, so the merge computes features for a tenth of what they returned.
   *
   * @throws IllegalArgumentException if {@code depth < 1}
   */
  public List<Scored> denseTop(String text, List<Candidate> candidates, int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be >= 1, got " + depth);
    }
    List<Candidate> top = bestDistinct(candidates, Candidate::score, Candidate::productId, depth);
    return dense(text, top);
  }

  /**
   * The lexical branch: BM25 top {@code depth} (optionally filtered), best first, each with its
   * normalised BM25 score and its exact cosine from {@code vectors}.
   */
  public List<Scored> lexical(
      ExpertIndex lexical,
      VectorStore vectors,
      String text,
      float[] vector,
      int depth,
      Query filter) {
    Query q = bm25(text, lexical);
    if (filter != null) {
      q =
          new BooleanQuery.Builder()
              .add(q, BooleanClause.Occur.MUST)
              .add(filter, BooleanClause.Occur.FILTER)
              .build();
    }
    List<Candidate> hits = lexical.search(q, depth);
    return lexical(text, hits, c -> vectors.dot(vector, c.ordinal()));
  }

  /**
   * Features of BM25 hits (best first), one per hit in the hits' order: each hit's BM25 score
   * normalised by the best one, and its exact cosine from {@code dense} (for example the vector
   * store by ordinal, or the live delta's embedding of an upserted product).
   */
  public List<Scored> lexical(
      String text, List<Candidate> hits, ToDoubleFunction<Candidate> dense) {
    double max = hits.isEmpty() ? 1 : Math.max(1e-9, hits.get(0).score());
    RankingFeatures.QueryTerms qt = features.query(text);
    List<Scored> out = new ArrayList<>(hits.size());
    for (Candidate c : hits) {
      out.add(
          new Scored(
              c.productId(),
              c.title(),
              features.of(qt, product(c), dense.applyAsDouble(c), c.score() / max, -1, -1)));
    }
    return out;
  }

  /**
   * Unions the two lists and ranks them: dense candidates are ordered by cosine and cut to {@code
   * denseDepth}; the lexical list keeps its BM25 order. Returns every candidate with complete
   * features, best first by {@code model} (ties by product id), cut to {@code k}.
   *
   * @param text the query's text: the list-level features read it besides the candidates' (the
   *     accessory a query asks for of a device it names, {@link RankingFeatures#promoteDeviceFits})
   */
  public static List<Scored> fuse(
      String text,
      List<Scored> dense,
      List<Scored> lexical,
      LinearFusion model,
      int denseDepth,
      int k) {
    Map<String, double[]> union = new LinkedHashMap<>();
    Map<String, String> titles = new HashMap<>();
    int rank = 0;
    List<Scored> denseKept =
        bestDistinct(
            dense, c -> c.features()[RankingFeatures.DENSE], Scored::productId, denseDepth);
    // A list whose cosines are all 0 (a query the embedding cannot serve, whose cosine the
    // features switch off: RankingFeatures#namesTradeItem) has no order, so no ranks.
    boolean ordered = false;
    for (Scored s : denseKept) {
      ordered |= s.features()[RankingFeatures.DENSE] != 0;
    }
    for (Scored s : denseKept) {
      double[] f = s.features().clone();
      f[RankingFeatures.DENSE_RR] = ordered ? 1.0 / (RankingFeatures.RRF_K + rank + 1) : 0;
      union.put(s.productId(), f);
      titles.put(s.productId(), s.title());
      rank++;
    }
    for (int i = 0; i < lexical.size(); i++) {
      Scored s = lexical.get(i);
      double[] f = union.get(s.productId());
      if (f == null) {
        f = s.features().clone();
        union.put(s.productId(), f);
        titles.put(s.productId(), s.title());
      } else {
        f[RankingFeatures.BM25] = s.features()[RankingFeatures.BM25];
      }
      f[RankingFeatures.BM25_RR] = 1.0 / (RankingFeatures.RRF_K + i + 1);
    }
    // Query-adaptive signals that need both lists: agreement of the two top 10s, BM25's gap.
    Set<String> denseTop = new HashSet<>();
    for (String id : union.keySet()) { // the dense candidates come first, in cosine order
      if (denseTop.size() >= Math.min(rank, SIGNAL_DEPTH)) {
        break;
      }
      denseTop.add(id);
    }
    double[] signals = listSignals(denseTop, lexical);
    union.values().forEach(f -> RankingFeatures.setListSignals(f, signals[0], signals[1]));
    List<String> unionTitles = new ArrayList<>(union.size());
    union.keySet().forEach(id -> unionTitles.add(titles.get(id)));
    SHARED_FEATURES.conflictNearColours(text, unionTitles, new ArrayList<>(union.values()));
    RankingFeatures.normaliseCodeShare(union.values());
    RankingFeatures.QueryTerms q = null;
    if (RankingFeatures.wordsOnly(text)) {
      q = SHARED_FEATURES.query(text);
      SHARED_FEATURES.lowerAccessoriesOf(q, unionTitles, new ArrayList<>(union.values()));
    }
    if (SHARED_FEATURES.mayNameVariants(unionTitles)) {
      SHARED_FEATURES.lowerUnaskedVariants(
          q != null ? q : SHARED_FEATURES.query(text),
          unionTitles,
          new ArrayList<>(union.values()));
    }
    RankingFeatures.DeviceFit fit = SHARED_FEATURES.deviceFit(text);
    if (fit != null) {
      List<double[]> fs = new ArrayList<>(union.values());
      SHARED_FEATURES.promoteDeviceFits(fit, unionTitles, fs);
      SHARED_FEATURES.lowerUnaskedCarriers(fit, unionTitles, fs);
    }
    List<Scored> all = new ArrayList<>(union.size());
    union.forEach((id, f) -> all.add(new Scored(id, titles.get(id), f)));
    Map<String, Double> score = new HashMap<>();
    all.forEach(s -> score.put(s.productId(), model.score(s.features())));
    all.sort(
        Comparator.<Scored>comparingDouble(s -> -score.get(s.productId()))
            .thenComparing(Scored::productId));
    return all.size() > k ? List.copyOf(all.subList(0, k)) : all;
  }

  /**
   * The dense cut both {@link #fuse} and {@link #denseTop} make: the best {@code depth} distinct
   * products by cosine (ties by product id), each product once (a product replicated into two
   * experts appears in both, with the same cosine).
   */
  static <T> List<T> bestDistinct(
      List<T> candidates, ToDoubleFunction<T> cosine, Function<T, String> id, int depth) {
    List<T> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.<T>comparingDouble(c -> -cosine.applyAsDouble(c)).thenComparing(id));
    List<T> top = new ArrayList<>(Math.min(depth, sorted.size()));
    Set<String> seen = new HashSet<>();
    for (T c : sorted) {
      if (top.size() >= depth) {
        break;
      }
      if (seen.add(id.apply(c))) {
        top.add(c);
      }
    }
    return top;
  }

  /** Depth of the two lists compared by the agreement and gap signals. */
  static final int SIGNAL_DEPTH = 10;

  /**
   * {agreement, gap} of {@link RankingFeatures.QuerySignals}: the share of the BM25 top {@value
   * #SIGNAL_DEPTH} found in the dense top {@value #SIGNAL_DEPTH}, and 1 − the normalised BM25 score
   * of the {@value #SIGNAL_DEPTH}th BM25 hit (1 with fewer hits, 0 with none).
   */
  static double[] listSignals(Set<String> denseTop, List<Scored> lexical) {
    if (lexical.isEmpty()) {
      return new double[] {0, 0};
    }
    int n = Math.min(SIGNAL_DEPTH, lexical.size());
    int shared = 0;
    for (int i = 0; i < n; i++) {
      if (denseTop.contains(lexical.get(i).productId())) {
        shared++;
      }
    }
    double gap =
        lexical.size() < SIGNAL_DEPTH
            ? 1
            : 1 - lexical.get(SIGNAL_DEPTH - 1).features()[RankingFeatures.BM25];
    return new double[] {(double) shared / SIGNAL_DEPTH, Math.max(0, Math.min(1, gap))};
  }

  /**
   * The dense candidates fused for a result of {@code k}: at least {@code k} (as each expert
   * returns), so that a {@code top_k} beyond {@code ranking.dense-depth} is still filled when BM25
   * finds few products.
   */
  public static int denseDepth(int denseDepth, int k) {
    return Math.max(denseDepth, k);
  }

  /**
   * The whole hybrid search in one call, as the streaming job performs it across operators: routed
   * dense top {@link #denseDepth max(denseDepth, k)}, BM25 top {@code lexicalDepth}, fused by
   * {@code model}, cut to k.
   */
  public List<Scored> search(
      Retriever retriever,
      ExpertIndex lexicalIndex,
      VectorStore vectors,
      String text,
      float[] vector,
      int k,
      Query filter,
      LinearFusion model,
      int denseDepth,
      int lexicalDepth) {
    int depth = denseDepth(denseDepth, k);
    List<Candidate> dense = retriever.search(vector, depth, filter).items();
    return fuse(
        text,
        dense(text, dense),
        lexical(lexicalIndex, vectors, text, vector, lexicalDepth, filter),
        model,
        depth,
        k);
  }

  /**
   * A candidate as the features read it. A title that a result item's cut leaves blank (one that
   * starts with {@link RankingFeatures#MAX_TITLE_CHARS} blanks) is read as "-": as the blank, it
   * has no terms, codes, quantities or colours, and a product needs a title.
   */
  private static Product product(Candidate c) {
    return rankedProduct(c.productId(), c.title(), c.brand(), c.model());
  }

  /**
   * A product as the ranking reads a candidate of it: its id, title, brand and model (a blank title
   * read as "-"; null brand or model as ""), no description, price or attributes.
   */
  public static Product rankedProduct(String id, String title, String brand, String model) {
    return new Product(
        id,
        title.isBlank() ? "-" : title,
        brand == null ? "" : brand,
        model == null ? "" : model,
        "",
        null,
        null);
  }
}
