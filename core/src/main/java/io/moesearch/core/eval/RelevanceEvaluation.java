package io.moesearch.core.eval;

import io.moesearch.core.embed.Embedder;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.rank.CoordinateAscent;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.rank.RankedQuery;
import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.core.retrieval.QueryExpansion;
import io.moesearch.core.retrieval.Retriever;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Judged relevance of the ranking as served, per judged set and per query type, beside its
 * baselines and a refit:
 *
 * <ul>
 *   <li>{@code bm25}: the BM25 branch alone;
 *   <li>{@code dense}: the MoE-routed dense retrieval alone (exact cosine over the routed experts);
 *   <li>{@code rrf}: reciprocal rank fusion of the two;
 *   <li>{@code served}: the hybrid ranking exactly as the job serves it, with the configured fusion
 *       weights ({@code ranking.weights}), no refit: {@link HybridRanker#fuse} on the same lists;
 *   <li>{@code refit}: the learned fusion refit by {@link CoordinateAscent} on the training sets,
 *       never on the query it scores: a set that is also a training set is scored by k-fold
 *       cross-validation over its queries (each fold's model is fit on the other folds and all
 *       other training sets); any other set by the model fit on all training sets.
 * </ul>
 *
 * Fitting maximises the mean over training sets of each set's mean nDCG@10 (every set counts
 * alike); with {@code eval.bags} above 1 a fit is the mean of that many fits on bootstrap resamples
 * of the training list, each query in it twice (as indexed and as a shop's offer) ({@link
 * CoordinateAscent}), which steadies the weights a small judged set gives (the folds' fits of one
 * coordinate ascent moved {@code bm25_rr} between 0.19 and 0.67). A product is relevant when rated
 * 1 or more; recall@10 is the share of a query's relevant products in its top 10, MRR@10 the
 * reciprocal rank of the first relevant one (0 beyond 10). A query's type is its judgement file's
 * {@code type} column, else {@link #queryType}.
 */
public final class RelevanceEvaluation {
  public static final List<String> VARIANTS = List.of("bm25", "dense", "rrf", "served", "refit");

  /** A judged query set under a short name (its file name without extension). */
  public record JudgedSet(String name, Judgements judgements) {}

  /** Aggregate figures of one variant over some queries; field names are the JSON output's. */
  public static final class Figures {
    public int queries;
    public double ndcgAt10;
    public double recallAt10;
    public double mrrAt10;
  }

  /** Per-query nDCG@10 of every variant. */
  public record QueryRow(String set, String query, String type, Map<String, Double> ndcgAt10) {}

  /**
   * One result of a ranked list as the loss report shows it: the product, its title, its judged
   * grade (0 unjudged), its rank in the served ranking (1-based; 0: not a candidate of it) and its
   * features there by name ({@code null} when not a candidate), so a BM25 hit the fusion pushed
   * down shows the features that did it.
   */
  public record ShownItem(
      String productId, String title, int rating, int servedRank, Map<String, Double> features) {}

  /**
   * A query whose served ranking scores below BM25's: both top {@value #LOSS_TOP} lists, so the
   * cause can be read (which product the fusion lifted, by which features).
   */
  public record Loss(
      String set,
      String query,
      String type,
      double bm25NdcgAt10,
      double servedNdcgAt10,
      List<ShownItem> served,
      List<ShownItem> bm25) {}

  /** How many results of each list a {@link Loss} shows. */
  static final int LOSS_TOP = 5;

  public static final class Report {
    /** The configured fusion weights the {@code served} figures use. */
    public Map<String, Double> servedWeights = new LinkedHashMap<>();

    /** set → variant → figures. */
    public Map<String, Map<String, Figures>> sets = new LinkedHashMap<>();

    /** set → query type → variant → figures. */
    public Map<String, Map<String, Map<String, Figures>>> byType = new LinkedHashMap<>();

    /** set → how its {@code refit} figures were obtained. */
    public Map<String, String> refitMethod = new LinkedHashMap<>();

    public List<String> trainingSets = new ArrayList<>();
    public int folds;

    /** Bootstrap resamples each fit averages ({@code eval.bags}; 1: a single fit). */
    public int bags;

    /** The model fit on all training queries: the weights to ship ({@code ranking.weights}). */
    public Map<String, Double> refitWeightsAllTraining = new LinkedHashMap<>();

    public List<Map<String, Double>> refitWeightsPerFold = new ArrayList<>();

    /**
     * Latency (ms, one thread, after embedding) of the whole served hybrid search: routed dense
     * top, BM25 branch, features and fusion, over the first set's queries.
     */
    public Map<String, Double> hybridLatencyMs = new LinkedHashMap<>();

    public List<QueryRow> perQuery = new ArrayList<>();

    /** Every evaluated query whose served nDCG@10 is below BM25's, largest loss first. */
    public List<Loss> lossesToBm25 = new ArrayList<>();

    /**
     * set → served nDCG@10 minus BM25's over its queries: the mean, its 95% paired bootstrap
     * interval ({@link PairedBootstrap}) and the queries won, lost and tied.
     */
    public Map<String, PairedBootstrap.Interval> servedMinusBm25 = new LinkedHashMap<>();

    /** set → query type → as {@link #servedMinusBm25}. */
    public Map<String, Map<String, PairedBootstrap.Interval>> servedMinusBm25ByType =
        new LinkedHashMap<>();
  }

  private final VectorStore vectors;
  private final Embedder embedder;
  private final Retriever retriever;
  private final ExpertIndex lexical;
  private final int denseDepth;
  private final int lexicalDepth;
  private final int folds;
  private final int bags;
  private final long seed;
  private final Consumer<String> log;
  private QueryExpansion expansion = QueryExpansion.NONE;

  public RelevanceEvaluation(
      VectorStore vectors,
      Embedder embedder,
      Retriever retriever,
      ExpertIndex lexical,
      int denseDepth,
      int lexicalDepth,
      int folds,
      int bags,
      long seed,
      Consumer<String> log) {
    if (folds < 2) {
      throw new IllegalArgumentException("eval.folds must be >= 2, got " + folds);
    }
    if (bags < 1) {
      throw new IllegalArgumentException("eval.bags must be >= 1, got " + bags);
    }
    this.bags = bags;
    this.vectors = vectors;
    this.embedder = embedder;
    this.retriever = retriever;
    this.lexical = lexical;
    this.denseDepth = denseDepth;
    this.lexicalDepth = lexicalDepth;
    this.folds = folds;
    this.seed = seed;
    this.log = log;
  }

  /** The lexical branch widens queries by {@code expansion}, as the job configured so does. */
  public RelevanceEvaluation withExpansion(QueryExpansion expansion) {
    if (expansion == null) {
      throw new IllegalArgumentException("expansion is required (QueryExpansion.NONE for none)");
    }
    this.expansion = expansion;
    return this;
  }

  /** Query type when the judgements name none: known-item if it names a model code. */
  public static String queryType(String query) {
    return RankingFeatures.hasModelCode(query) ? "known_item" : "exploratory";
  }

  private record Prepared(
      String set,
      String type,
      RankedQuery ranked,
      RankedQuery offerView,
      List<HybridRanker.Scored> dense,
      List<HybridRanker.Scored> lexical,
      List<String> bm25,
      List<String> denseTop) {}

  /**
   * @param evaluated the sets to score
   * @param training the sets the refit learns from (a set may be in both: then cross-validated)
   * @param served the configured fusion
   */
  public Report run(List<JudgedSet> evaluated, List<JudgedSet> training, LinearFusion served) {
    HybridRanker hybrid = new HybridRanker(expansion);
    Map<String, List<Prepared>> bySet = new LinkedHashMap<>();
    Map<String, JudgedSet> all = new LinkedHashMap<>();
    evaluated.forEach(s -> all.putIfAbsent(s.name(), s));
    training.forEach(s -> all.putIfAbsent(s.name(), s));
    for (JudgedSet s : all.values()) {
      List<String> queries = s.judgements().queriesWithRelevant(1);
      log.accept("relevance: preparing " + queries.size() + " judged queries of " + s.name());
      List<Prepared> prepared = new ArrayList<>();
      for (String text : queries) {
        prepared.add(prepare(hybrid, s, text));
      }
      bySet.put(s.name(), prepared);
    }
    Set<String> trainNames = new LinkedHashSet<>();
    training.forEach(s -> trainNames.add(s.name()));
    Report report = new Report();
    report.folds = folds;
    report.bags = bags;
    report.trainingSets.addAll(trainNames);
    report.servedWeights = named(served);
    CoordinateAscent trainer = new CoordinateAscent(3, 25, seed, bags);

    // Refit on every training query: the weights to ship, and the refit of held-out sets.
    LinearFusion allModel = fit(trainer, bySet, trainNames, null, null);
    report.refitWeightsAllTraining = named(allModel);
    log.accept("refit on all training sets " + trainNames + ": " + allModel);

    for (JudgedSet s : evaluated) {
      List<Prepared> prepared = bySet.get(s.name());
      Map<Prepared, List<String>> refit = new HashMap<>();
      if (trainNames.contains(s.name())) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < prepared.size(); i++) {
          order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        for (int f = 0; f < folds; f++) {
          Set<Prepared> test = new LinkedHashSet<>();
          for (int pos = 0; pos < order.size(); pos++) {
            if (pos % folds == f) {
              test.add(prepared.get(order.get(pos)));
            }
          }
          LinearFusion model = fit(trainer, bySet, trainNames, s.name(), test);
          report.refitWeightsPerFold.add(named(model));
          log.accept(s.name() + " fold " + (f + 1) + "/" + folds + ": " + model);
          for (Prepared p : test) {
            refit.put(p, top(CoordinateAscent.rank(model, p.ranked())));
          }
        }
        report.refitMethod.put(
            s.name(),
            folds
                + "-fold cross-validated: each fold scored by weights fit on the other folds"
                + " and the other training sets");
      } else {
        for (Prepared p : prepared) {
          refit.put(p, top(CoordinateAscent.rank(allModel, p.ranked())));
        }
        report.refitMethod.put(s.name(), "weights fit on the training sets " + trainNames);
      }
      Map<String, Acc> setAcc = new LinkedHashMap<>();
      Map<String, Map<String, Acc>> typeAcc = new LinkedHashMap<>();
      List<Double> setDeltas = new ArrayList<>();
      Map<String, List<Double>> typeDeltas = new LinkedHashMap<>();
      for (Prepared p : prepared) {
        Map<String, Integer> ratings = p.ranked().ratings();
        Map<String, List<String>> ranked = new LinkedHashMap<>();
        ranked.put("bm25", p.bm25());
        ranked.put("dense", p.denseTop());
        ranked.put("rrf", top(CoordinateAscent.rank(LinearFusion.rrf(), p.ranked())));
        List<HybridRanker.Scored> servedTop =
            HybridRanker.fuse(p.ranked().query(), p.dense(), p.lexical(), served, denseDepth, 10);
        ranked.put("served", servedTop.stream().map(HybridRanker.Scored::productId).toList());
        ranked.put("refit", refit.get(p));
        Map<String, Double> row = new LinkedHashMap<>();
        for (String v : VARIANTS) {
          List<String> r = ranked.get(v);
          double ndcg = Metrics.ndcg(r, ratings, 10);
          double recall = Metrics.recall(r, relevant(ratings), 10);
          double mrr = Metrics.reciprocalRank(r, ratings, 10);
          row.put(v, ndcg);
          setAcc.computeIfAbsent(v, k -> new Acc()).add(ndcg, recall, mrr);
          typeAcc
              .computeIfAbsent(p.type(), k -> new LinkedHashMap<>())
              .computeIfAbsent(v, k -> new Acc())
              .add(ndcg, recall, mrr);
        }
        report.perQuery.add(new QueryRow(s.name(), p.ranked().query(), p.type(), row));
        double delta = row.get("served") - row.get("bm25");
        setDeltas.add(delta);
        typeDeltas.computeIfAbsent(p.type(), k -> new ArrayList<>()).add(delta);
        if (row.get("served") < row.get("bm25")) {
          List<HybridRanker.Scored> fused =
              HybridRanker.fuse(
                  p.ranked().query(),
                  p.dense(),
                  p.lexical(),
                  served,
                  denseDepth,
                  Integer.MAX_VALUE);
          report.lossesToBm25.add(loss(s.name(), p, row, fused));
        }
      }
      Map<String, Figures> figs = new LinkedHashMap<>();
      setAcc.forEach((v, a) -> figs.put(v, a.figures()));
      report.sets.put(s.name(), figs);
      Map<String, Map<String, Figures>> types = new LinkedHashMap<>();
      typeAcc.forEach(
          (t, m) -> {
            Map<String, Figures> tf = new LinkedHashMap<>();
            m.forEach((v, a) -> tf.put(v, a.figures()));
            types.put(t, tf);
          });
      report.byType.put(s.name(), types);
      PairedBootstrap bootstrap =
          new PairedBootstrap(PairedBootstrap.DEFAULT_RESAMPLES, 0.95, seed);
      if (!setDeltas.isEmpty()) {
        report.servedMinusBm25.put(s.name(), bootstrap.of(toArray(setDeltas)));
      }
      Map<String, PairedBootstrap.Interval> byType = new LinkedHashMap<>();
      typeDeltas.forEach((t, d) -> byType.put(t, bootstrap.of(toArray(d))));
      report.servedMinusBm25ByType.put(s.name(), byType);
    }

    // Latency of the served search (the first evaluated set, at most 300 queries).
    List<Prepared> lat = bySet.get(evaluated.get(0).name());
    lat = lat.size() > 300 ? lat.subList(0, 300) : lat;
    LatencyStats latency = new LatencyStats();
    for (int round = 0; round < 2; round++) { // the first round warms up
      for (Prepared p : lat) {
        float[] q = embedder.embed(p.ranked().query());
        long t0 = System.nanoTime();
        hybrid.search(
            retriever,
            lexical,
            vectors,
            p.ranked().query(),
            q,
            10,
            null,
            served,
            denseDepth,
            lexicalDepth);
        if (round == 1) {
          latency.add((System.nanoTime() - t0) / 1e6);
        }
      }
    }
    report.hybridLatencyMs.put("p50", latency.percentile(50));
    report.hybridLatencyMs.put("p99", latency.percentile(99));
    report.lossesToBm25.sort(
        Comparator.comparingDouble((Loss l) -> l.servedNdcgAt10() - l.bm25NdcgAt10()));
    return report;
  }

  private static Loss loss(
      String set, Prepared p, Map<String, Double> row, List<HybridRanker.Scored> fused) {
    Map<String, String> titles = new HashMap<>();
    p.lexical().forEach(c -> titles.put(c.productId(), c.title()));
    return loss(
        set,
        p.ranked().query(),
        p.type(),
        p.ranked().ratings(),
        row.get("bm25"),
        row.get("served"),
        fused,
        p.bm25(),
        titles);
  }

  /**
   * The loss report of one query: the first {@value #LOSS_TOP} of each list, each item with its
   * grade (0 unjudged), its served rank and its features in the served fusion by name.
   *
   * @param fused every candidate of the served fusion, best first
   * @param titles titles of the BM25 hits by product id
   */
  static Loss loss(
      String set,
      String query,
      String type,
      Map<String, Integer> ratings,
      double bm25Ndcg,
      double servedNdcg,
      List<HybridRanker.Scored> fused,
      List<String> bm25Top,
      Map<String, String> titles) {
    Map<String, Integer> rankOf = new HashMap<>();
    for (int i = 0; i < fused.size(); i++) {
      rankOf.putIfAbsent(fused.get(i).productId(), i);
    }
    List<ShownItem> served = new ArrayList<>();
    for (int i = 0; i < Math.min(LOSS_TOP, fused.size()); i++) {
      HybridRanker.Scored c = fused.get(i);
      served.add(
          new ShownItem(
              c.productId(),
              c.title(),
              ratings.getOrDefault(c.productId(), 0),
              i + 1,
              named(c.features())));
    }
    List<ShownItem> bm25 = new ArrayList<>();
    for (String id : bm25Top.subList(0, Math.min(LOSS_TOP, bm25Top.size()))) {
      Integer r = rankOf.get(id);
      bm25.add(
          new ShownItem(
              id,
              titles.get(id),
              ratings.getOrDefault(id, 0),
              r == null ? 0 : r + 1,
              r == null ? null : named(fused.get(r).features())));
    }
    return new Loss(set, query, type, bm25Ndcg, servedNdcg, served, bm25);
  }

  private static Map<String, Double> named(double[] features) {
    Map<String, Double> f = new LinkedHashMap<>();
    for (int i = 0; i < RankingFeatures.NAMES.size(); i++) {
      f.put(RankingFeatures.NAMES.get(i), features[i]);
    }
    return f;
  }

  private Prepared prepare(HybridRanker hybrid, JudgedSet s, String text) {
    Map<String, Integer> ratings = s.judgements().byQuery().get(text);
    float[] q = embedder.embed(text);
    List<Candidate> dense = retriever.search(q, denseDepth, null).items();
    List<Candidate> hits = lexical.search(hybrid.bm25(text, lexical), lexicalDepth);
    List<HybridRanker.Scored> denseScored = hybrid.dense(text, dense);
    List<HybridRanker.Scored> lex = hybrid.lexical(text, hits, c -> vectors.dot(q, c.ordinal()));
    String type = s.judgements().types().getOrDefault(text, queryType(text));
    return new Prepared(
        s.name(),
        type,
        ranked(text, denseScored, lex, ratings),
        ranked(
            text,
            hybrid.dense(text, withoutModel(dense)),
            hybrid.lexical(text, withoutModel(hits), c -> vectors.dot(q, c.ordinal())),
            ratings),
        denseScored,
        lex,
        top(lex.stream().map(HybridRanker.Scored::productId).toList()),
        top(dense.stream().map(Candidate::productId).toList()));
  }

  /** The union of both lists with complete features, in RRF order (the refit reranks it). */
  private RankedQuery ranked(
      String text,
      List<HybridRanker.Scored> dense,
      List<HybridRanker.Scored> lex,
      Map<String, Integer> ratings) {
    List<HybridRanker.Scored> union =
        HybridRanker.fuse(text, dense, lex, LinearFusion.rrf(), denseDepth, Integer.MAX_VALUE);
    return new RankedQuery(
        text,
        union.stream().map(HybridRanker.Scored::productId).toList(),
        union.stream().map(HybridRanker.Scored::features).toList(),
        ratings);
  }

  /**
   * The candidates as a shop's offers would show them: no model field, so the code features read
   * the title ({@link io.moesearch.core.rank.RankingFeatures#CODE_EXACT}).
   */
  private static List<Candidate> withoutModel(List<Candidate> cs) {
    return cs.stream()
        .map(
            c ->
                new Candidate(
                    c.ordinal(), c.productId(), c.title(), c.brand(), "", c.score(), c.price()))
        .toList();
  }

  /**
   * Fits on the training sets' queries, leaving out {@code heldOut} of set {@code heldOutSet}; each
   * set weighs alike (a query weighs 1 / its set's training size). Every training query is learned
   * from twice, each view at half its weight: with the candidates as indexed, and as a shop's
   * offers without a model field would show them ({@link Prepared#offerView}). Icecat products all
   * carry a model field, where the model code decides alone; the offer view teaches the weights
   * what to do when only titles name the codes (the dense side then conflates near-identical
   * codes).
   */
  private static LinearFusion fit(
      CoordinateAscent trainer,
      Map<String, List<Prepared>> bySet,
      Set<String> trainNames,
      String heldOutSet,
      Set<Prepared> heldOut) {
    List<RankedQuery> train = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (String name : trainNames) {
      List<Prepared> ps =
          bySet.get(name).stream()
              .filter(p -> !(name.equals(heldOutSet) && heldOut.contains(p)))
              .toList();
      for (Prepared p : ps) {
        train.add(p.ranked());
        weights.add(0.5 / ps.size());
        train.add(p.offerView());
        weights.add(0.5 / ps.size());
      }
    }
    return trainer.fit(train, weights.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static final class Acc {
    double ndcg;
    double recall;
    double mrr;
    int n;

    void add(double ndcg, double recall, double mrr) {
      this.ndcg += ndcg;
      this.recall += recall;
      this.mrr += mrr;
      n++;
    }

    Figures figures() {
      Figures f = new Figures();
      f.queries = n;
      f.ndcgAt10 = n == 0 ? Double.NaN : ndcg / n;
      f.recallAt10 = n == 0 ? Double.NaN : recall / n;
      f.mrrAt10 = n == 0 ? Double.NaN : mrr / n;
      return f;
    }
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static List<String> relevant(Map<String, Integer> ratings) {
    return ratings.entrySet().stream()
        .filter(e -> e.getValue() >= 1)
        .map(Map.Entry::getKey)
        .toList();
  }

  private static Map<String, Double> named(LinearFusion model) {
    Map<String, Double> m = new LinkedHashMap<>();
    double[] w = model.weights();
    for (int i = 0; i < w.length; i++) {
      m.put(RankingFeatures.NAMES.get(i), w[i]);
    }
    return m;
  }

  private static List<String> top(List<String> l) {
    return l.size() > 10 ? List.copyOf(l.subList(0, 10)) : l;
  }
}
