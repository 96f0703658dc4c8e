package io.moesearch.core.eval;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.rank.CoordinateAscent;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.rank.RankedQuery;
import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.core.retrieval.Retriever;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Judged relevance of every ranking variant: BM25, exact dense, MoE-routed dense, hybrid by
 * reciprocal rank fusion, and hybrid by a learned linear model over {@link RankingFeatures} whose
 * weights are fit by k-fold cross-validation (each query is scored by a model that never saw it).
 * Hybrid candidates are the union of the routed dense top {@value #CANDIDATES} and the BM25 top
 * {@value #CANDIDATES}. A product is relevant when rated 1 or more.
 */
public final class RelevanceEvaluation {
  public static final int CANDIDATES = 100;
  public static final List<String> VARIANTS =
      List.of("bm25", "dense_exact", "dense_routed", "hybrid_rrf", "hybrid_learned");

  /** Per-variant aggregate figures; field names are the JSON output's. */
  public static final class VariantFigures {
    public double ndcgAt10;
    public double condensedNdcgAt10;
    public double judgedAt10;
    public double precisionAt10;
    public double candidateRecallAt100;
    public double zeroResultRate;
  }

  /** Per-query nDCG@10 of every variant. */
  public record QueryRow(String query, Map<String, Double> ndcgAt10) {}

  public static final class Report {
    public int queries;
    public int folds;
    public Map<String, VariantFigures> variants = new LinkedHashMap<>();
    public List<QueryRow> perQuery = new ArrayList<>();

    /** The model fit on all judged queries (for serving); the CV figures above never use it. */
    public Map<String, Double> learnedWeightsAllQueries = new LinkedHashMap<>();

    public List<Map<String, Double>> learnedWeightsPerFold = new ArrayList<>();

    /**
     * Latency (ms, one thread, after embedding) of the whole hybrid search with the all-queries
     * weights: routed dense top, BM25 branch, features and fusion.
     */
    public Map<String, Double> hybridLatencyMs = new LinkedHashMap<>();
  }

  private final IndexArtifact artifact;
  private final Embedder embedder;
  private final Retriever retriever;
  private final ExpertIndex lexical;
  private final int denseDepth;
  private final int lexicalDepth;
  private final int folds;
  private final long seed;
  private final Consumer<String> log;

  public RelevanceEvaluation(
      IndexArtifact artifact,
      Embedder embedder,
      Retriever retriever,
      ExpertIndex lexical,
      int denseDepth,
      int lexicalDepth,
      int folds,
      long seed,
      Consumer<String> log) {
    if (folds < 2) {
      throw new IllegalArgumentException("eval.folds must be >= 2, got " + folds);
    }
    this.artifact = artifact;
    this.embedder = embedder;
    this.retriever = retriever;
    this.lexical = lexical;
    this.denseDepth = denseDepth;
    this.lexicalDepth = lexicalDepth;
    this.folds = folds;
    this.seed = seed;
    this.log = log;
  }

  private record Prepared(
      RankedQuery ranked,
      List<String> bm25,
      List<String> denseExact,
      List<String> denseRouted,
      Set<String> bm25All,
      List<String> exact100,
      List<String> routed100,
      Set<String> union) {}

  public Report run(Judgements judgements) {
    List<String> queries = judgements.queriesWithRelevant(1);
    VectorStore vectors = artifact.vectors();
    HybridRanker hybrid = new HybridRanker();
    List<Prepared> prepared = new ArrayList<>();
    log.accept(
        "relevance: preparing candidates and features for " + queries.size() + " judged queries");
    for (String text : queries) {
      Map<String, Integer> ratings = judgements.byQuery().get(text);
      float[] q = embedder.embed(text);
      // One routing decision per query (the job routes each query once), searched at two depths.
      var route = retriever.route(q);
      List<Candidate> dense = retriever.search(q, route, denseDepth, null).items();
      List<String> routed100 =
          retriever.search(q, route, CANDIDATES, null).items().stream()
              .map(Candidate::productId)
              .toList();
      List<String> exact100 = Evaluator.exactTopIds(vectors, artifact.ids(), q, CANDIDATES);
      List<HybridRanker.Scored> lex = hybrid.lexical(lexical, vectors, text, q, lexicalDepth, null);
      List<HybridRanker.Scored> all =
          HybridRanker.fuse(
              hybrid.dense(text, dense), lex, LinearFusion.rrf(), denseDepth, Integer.MAX_VALUE);
      List<String> lexIds = lex.stream().map(HybridRanker.Scored::productId).toList();
      List<String> ids = all.stream().map(HybridRanker.Scored::productId).toList();
      prepared.add(
          new Prepared(
              new RankedQuery(
                  text, ids, all.stream().map(HybridRanker.Scored::features).toList(), ratings),
              cut(lexIds, 10),
              cut(exact100, 10),
              cut(dense.stream().map(Candidate::productId).toList(), 10),
              new HashSet<>(lexIds),
              exact100,
              routed100,
              new LinkedHashSet<>(ids)));
    }

    // k-fold cross-validation of the learned fusion, over a seeded shuffle of the queries.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < prepared.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    Map<Integer, List<String>> learned = new HashMap<>();
    Report report = new Report();
    report.queries = prepared.size();
    report.folds = folds;
    CoordinateAscent trainer = new CoordinateAscent(3, 25, seed);
    for (int f = 0; f < folds; f++) {
      List<RankedQuery> train = new ArrayList<>();
      List<Integer> test = new ArrayList<>();
      for (int pos = 0; pos < order.size(); pos++) {
        int qi = order.get(pos);
        if (pos % folds == f) {
          test.add(qi);
        } else {
          train.add(prepared.get(qi).ranked());
        }
      }
      LinearFusion model = trainer.fit(train);
      report.learnedWeightsPerFold.add(named(model));
      log.accept(
          "fold " + (f + 1) + "/" + folds + ": trained on " + train.size() + " queries: " + model);
      for (int qi : test) {
        learned.put(qi, cut(CoordinateAscent.rank(model, prepared.get(qi).ranked()), 10));
      }
    }
    LinearFusion all = trainer.fit(prepared.stream().map(Prepared::ranked).toList());
    report.learnedWeightsAllQueries = named(all);
    LatencyStats latency = new LatencyStats();
    for (int round = 0; round < 3; round++) { // the first two rounds warm up
      for (Prepared p : prepared) {
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
            all,
            denseDepth,
            lexicalDepth);
        if (round == 2) {
          latency.add((System.nanoTime() - t0) / 1e6);
        }
      }
    }
    report.hybridLatencyMs.put("p50", latency.percentile(50));
    report.hybridLatencyMs.put("p99", latency.percentile(99));

    Map<String, double[]> sums = new LinkedHashMap<>();
    for (String v : VARIANTS) {
      sums.put(v, new double[6]);
    }
    for (int qi = 0; qi < prepared.size(); qi++) {
      Prepared p = prepared.get(qi);
      Map<String, Integer> ratings = p.ranked().ratings();
      Map<String, List<String>> top = new LinkedHashMap<>();
      top.put("bm25", p.bm25());
      top.put("dense_exact", p.denseExact());
      top.put("dense_routed", p.denseRouted());
      top.put("hybrid_rrf", cut(CoordinateAscent.rank(LinearFusion.rrf(), p.ranked()), 10));
      top.put("hybrid_learned", learned.get(qi));
      Map<String, Double> row = new LinkedHashMap<>();
      for (String v : VARIANTS) {
        List<String> ranked = top.get(v);
        double ndcg = Metrics.ndcg(ranked, ratings, 10);
        row.put(v, ndcg);
        double[] acc = sums.get(v);
        acc[0] += ndcg;
        acc[1] += Metrics.ndcg(ranked.stream().filter(ratings::containsKey).toList(), ratings, 10);
        acc[2] += ranked.stream().filter(id -> ratings.getOrDefault(id, 0) >= 1).count() / 10.0;
        acc[3] += candidateRecall(v, p, ratings);
        acc[4] += ranked.isEmpty() ? 1 : 0;
        acc[5] += Metrics.judgedAtK(ranked, ratings, 10);
      }
      report.perQuery.add(new QueryRow(p.ranked().query(), row));
    }
    for (String v : VARIANTS) {
      double[] acc = sums.get(v);
      VariantFigures fig = new VariantFigures();
      fig.ndcgAt10 = acc[0] / prepared.size();
      fig.condensedNdcgAt10 = acc[1] / prepared.size();
      fig.precisionAt10 = acc[2] / prepared.size();
      fig.candidateRecallAt100 = acc[3] / prepared.size();
      fig.zeroResultRate = acc[4] / prepared.size();
      fig.judgedAt10 = acc[5] / prepared.size();
      report.variants.put(v, fig);
    }
    return report;
  }

  /** Share of the query's relevant products that the variant's candidate stage retrieved. */
  private static double candidateRecall(String variant, Prepared p, Map<String, Integer> ratings) {
    List<String> relevant =
        ratings.entrySet().stream().filter(e -> e.getValue() >= 1).map(Map.Entry::getKey).toList();
    Collection<String> candidates =
        switch (variant) {
          case "bm25" -> p.bm25All();
          case "dense_exact" -> p.exact100();
          case "dense_routed" -> p.routed100();
          default -> p.union();
        };
    Set<String> c = new HashSet<>(candidates);
    return relevant.isEmpty()
        ? 1
        : (double) relevant.stream().filter(c::contains).count() / relevant.size();
  }

  private static Map<String, Double> named(LinearFusion model) {
    Map<String, Double> m = new LinkedHashMap<>();
    double[] w = model.weights();
    for (int i = 0; i < w.length; i++) {
      m.put(RankingFeatures.NAMES.get(i), w[i]);
    }
    return m;
  }

  private static List<String> cut(List<String> l, int n) {
    return l.size() > n ? List.copyOf(l.subList(0, n)) : l;
  }
}
