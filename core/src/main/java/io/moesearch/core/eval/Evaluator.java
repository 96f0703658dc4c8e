package io.moesearch.core.eval;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.IndexWriting;
import io.moesearch.core.index.VectorEncoding;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.retrieval.Bm25Queries;
import io.moesearch.core.retrieval.ExactReranker;
import io.moesearch.core.retrieval.RetrievalResult;
import io.moesearch.core.retrieval.Retriever;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Measures an index artifact: nDCG@10 on judged queries and recall@10 against exact brute-force
 * search (on the judged queries and on seeded product titles, self-match excluded) for routed MoE
 * retrieval, a single HNSW over everything, exact dense search and BM25; plus the share of the
 * catalogue the activated experts hold, experts activated and per-stage latency percentiles.
 */
public final class Evaluator {
  public static final int K = 10;

  /**
   * Evaluation settings.
   *
   * @param routing the serving routing (balancing and the fast path included): routed retrieval is
   *     measured through the job's router ({@link Retriever#serving})
   * @param oversample HNSW candidates per expert = k × this, for the routed experts' normal path
   *     and the single HNSW
   */
  public record Settings(
      LoadAwareRoutingConfig routing, int oversample, int titleQueries, long seed) {}

  private final IndexArtifact artifact;
  private final Catalog catalog;
  private final Embedder embedder;
  private final Settings settings;
  private final Consumer<String> log;

  public Evaluator(
      IndexArtifact artifact,
      Catalog catalog,
      Embedder embedder,
      Settings settings,
      Consumer<String> log) {
    if (catalog.size() != artifact.manifest().products()) {
      throw new IllegalArgumentException(
          "the catalogue has "
              + catalog.size()
              + " products but the index was built over "
              + artifact.manifest().products()
              + "; evaluate with the catalogue the index was built from");
    }
    this.artifact = artifact;
    this.catalog = catalog;
    this.embedder = embedder;
    this.settings = settings;
    this.log = log;
  }

  /** Per-method figures for one query set. */
  public static final class MethodFigures {
    public double ndcgAt10 = Double.NaN;
    public double recallAt10VsExact = Double.NaN;
    public double condensedNdcgAt10 = Double.NaN;
    public double judgedAt10 = Double.NaN;
    public double avgExperts = Double.NaN;
    public double avgCatalogueFraction = Double.NaN;
    public Map<String, Double> latencyMs = new LinkedHashMap<>();
  }

  /** The whole report; field names are the JSON output's. */
  public static final class Report {
    public String indexVersion;
    public int products;
    public int experts;
    public String encoding;
    public double temperature;
    public double activation;
    public int minExperts;
    public int maxExperts;
    public int oversample;
    public double balanceAlpha;
    public double complexityThreshold;
    public int judgedQueries;
    public int judgedQueriesWithRelevant;
    public int titleQueries;
    public Map<String, MethodFigures> judged = new LinkedHashMap<>();
    public Map<String, MethodFigures> titles = new LinkedHashMap<>();
    public Map<String, Double> buildSeconds;
    public long indexBytes;
  }

  public Report run(Judgements judgements) {
    List<ExpertIndex> experts = artifact.openExperts();
    try (ExpertIndex single = openSingleHnsw();
        ExpertIndex lexical = artifact.openLexical()) {
      Retriever retriever = Retriever.serving(artifact, experts, settings.routing());
      Report r = new Report();
      r.indexVersion = artifact.version();
      r.products = artifact.manifest().products();
      r.experts = artifact.manifest().experts();
      r.encoding = artifact.manifest().encoding();
      r.temperature = settings.routing().base().temperature();
      r.activation = settings.routing().base().activation().activation();
      r.minExperts = settings.routing().base().activation().minExperts();
      r.maxExperts = settings.routing().base().activation().maxExperts();
      r.oversample = settings.oversample();
      r.balanceAlpha = settings.routing().balanceAlpha();
      r.complexityThreshold = settings.routing().complexityThreshold();
      r.buildSeconds = artifact.manifest().buildSeconds();
      r.indexBytes = sizeOf(artifact.dir());

      // Warm up (JIT, page cache) on other titles so the percentiles measure steady state.
      Random warm = new Random(settings.seed() ^ 0x5DEECE66DL);
      List<String> warmTexts = new ArrayList<>();
      int[] warmSelf = new int[Math.min(300, catalog.size())];
      for (int i = 0; i < warmSelf.length; i++) {
        warmSelf[i] = warm.nextInt(catalog.size());
        warmTexts.add(catalog.get(warmSelf[i]).title());
      }
      log.accept("warming up on " + warmTexts.size() + " queries");
      evaluate(
          warmTexts, warmSelf, null, Set.of(), retriever, single, lexical, new LinkedHashMap<>());

      List<String> judgedQueries = new ArrayList<>(judgements.byQuery().keySet());
      Set<String> withRelevant = new HashSet<>(judgements.queriesWithRelevant(1));
      r.judgedQueries = judgedQueries.size();
      r.judgedQueriesWithRelevant = withRelevant.size();
      log.accept("evaluating " + judgedQueries.size() + " judged queries");
      evaluate(judgedQueries, null, judgements, withRelevant, retriever, single, lexical, r.judged);

      Random rnd = new Random(settings.seed());
      int n = Math.min(settings.titleQueries(), catalog.size());
      List<Integer> ords = IntStream.range(0, catalog.size()).boxed().collect(Collectors.toList());
      Collections.shuffle(ords, rnd);
      List<String> titleTexts = new ArrayList<>(n);
      int[] selfOrd = new int[n];
      for (int i = 0; i < n; i++) {
        selfOrd[i] = ords.get(i);
        titleTexts.add(catalog.get(selfOrd[i]).title());
      }
      r.titleQueries = n;
      log.accept("evaluating " + n + " product-title queries (self-match excluded)");
      evaluate(titleTexts, selfOrd, null, Set.of(), retriever, single, lexical, r.titles);
      return r;
    } finally {
      experts.forEach(ExpertIndex::close);
    }
  }

  private void evaluate(
      List<String> queries,
      int[] selfOrd,
      Judgements judgements,
      Set<String> ndcgQueries,
      Retriever retriever,
      ExpertIndex single,
      ExpertIndex lexical,
      Map<String, MethodFigures> out) {
    VectorStore vectors = artifact.vectors();
    List<String> ids = artifact.ids();
    Bm25Queries bm25 = new Bm25Queries();
    LatencyStats embed = new LatencyStats();
    LatencyStats route = new LatencyStats();
    LatencyStats retrieve = new LatencyStats();
    LatencyStats rerank = new LatencyStats();
    LatencyStats routedTotal = new LatencyStats();
    LatencyStats singleTotal = new LatencyStats();
    LatencyStats bm25Total = new LatencyStats();
    LatencyStats exactTotal = new LatencyStats();
    Acc routed = new Acc();
    Acc singleAcc = new Acc();
    Acc exactAcc = new Acc();
    Acc bmAcc = new Acc();
    int extra = selfOrd == null ? 0 : 1;
    for (int qi = 0; qi < queries.size(); qi++) {
      String text = queries.get(qi);
      int self = selfOrd == null ? -1 : selfOrd[qi];
      long t0 = System.nanoTime();
      float[] q = embedder.embed(text);
      embed.add((System.nanoTime() - t0) / 1e6);

      long e0 = System.nanoTime();
      List<String> exact = withoutSelf(exactTopIds(vectors, ids, q, K + extra), self, ids);
      exactTotal.add((System.nanoTime() - e0) / 1e6);

      RetrievalResult rr = retriever.search(q, K + extra);
      route.add(rr.routeNanos() / 1e6);
      retrieve.add(rr.retrieveNanos() / 1e6);
      rerank.add(rr.rerankNanos() / 1e6);
      routedTotal.add((rr.routeNanos() + rr.retrieveNanos() + rr.rerankNanos()) / 1e6);
      List<String> routedIds = withoutSelf(toIds(rr.items()), self, ids);

      long s0 = System.nanoTime();
      List<Candidate> sc =
          ExactReranker.topK(
              List.of(single.knn(q, (K + extra) * settings.oversample(), K + extra, null)),
              K + extra);
      singleTotal.add((System.nanoTime() - s0) / 1e6);
      List<String> singleIds = withoutSelf(toIds(sc), self, ids);

      long b0 = System.nanoTime();
      List<String> bmIds =
          withoutSelf(toIds(lexical.search(bm25.query(text), K + extra)), self, ids);
      bm25Total.add((System.nanoTime() - b0) / 1e6);

      Map<String, Integer> ratings = judgements == null ? null : judgements.byQuery().get(text);
      boolean scoreNdcg = ratings != null && ndcgQueries.contains(text);
      routed.add(
          routedIds,
          exact,
          ratings,
          scoreNdcg,
          rr.experts().length,
          (double) rr.productsScanned() / vectors.size());
      singleAcc.add(singleIds, exact, ratings, scoreNdcg, Double.NaN, 1.0);
      exactAcc.add(exact, exact, ratings, scoreNdcg, Double.NaN, 1.0);
      bmAcc.add(bmIds, exact, ratings, scoreNdcg, Double.NaN, Double.NaN);
    }
    MethodFigures m = routed.figures(judgements != null);
    m.latencyMs.put("embed_p50", embed.percentile(50));
    m.latencyMs.put("embed_p99", embed.percentile(99));
    m.latencyMs.put("route_p50", route.percentile(50));
    m.latencyMs.put("route_p99", route.percentile(99));
    m.latencyMs.put("retrieve_p50", retrieve.percentile(50));
    m.latencyMs.put("retrieve_p99", retrieve.percentile(99));
    m.latencyMs.put("rerank_p50", rerank.percentile(50));
    m.latencyMs.put("rerank_p99", rerank.percentile(99));
    m.latencyMs.put("retrieval_p50", routedTotal.percentile(50));
    m.latencyMs.put("retrieval_p99", routedTotal.percentile(99));
    out.put("moe_routed_hnsw", m);
    MethodFigures s = singleAcc.figures(judgements != null);
    s.latencyMs.put("retrieval_p50", singleTotal.percentile(50));
    s.latencyMs.put("retrieval_p99", singleTotal.percentile(99));
    out.put("single_hnsw", s);
    MethodFigures x = exactAcc.figures(judgements != null);
    x.latencyMs.put("retrieval_p50", exactTotal.percentile(50));
    x.latencyMs.put("retrieval_p99", exactTotal.percentile(99));
    out.put("exact_dense", x);
    MethodFigures b = bmAcc.figures(judgements != null);
    b.recallAt10VsExact = Double.NaN;
    b.latencyMs.put("retrieval_p50", bm25Total.percentile(50));
    b.latencyMs.put("retrieval_p99", bm25Total.percentile(99));
    out.put("bm25", b);
  }

  private static final class Acc {
    double ndcg;
    double condensed;
    double judged;
    int ndcgN;
    double recall;
    int recallN;
    double experts;
    double fraction;
    int n;

    void add(
        List<String> ranked,
        List<String> exact,
        Map<String, Integer> ratings,
        boolean scoreNdcg,
        double nExperts,
        double frac) {
      if (scoreNdcg) {
        ndcg += Metrics.ndcg(ranked, ratings, K);
        List<String> judgedOnly = ranked.stream().filter(ratings::containsKey).toList();
        condensed += Metrics.ndcg(judgedOnly, ratings, K);
        judged += Metrics.judgedAtK(ranked, ratings, K);
        ndcgN++;
      }
      recall += Metrics.recall(ranked, exact.subList(0, Math.min(K, exact.size())), K);
      recallN++;
      experts += nExperts;
      fraction += frac;
      n++;
    }

    MethodFigures figures(boolean judgedSet) {
      MethodFigures f = new MethodFigures();
      if (judgedSet && ndcgN > 0) {
        f.ndcgAt10 = ndcg / ndcgN;
        f.condensedNdcgAt10 = condensed / ndcgN;
        f.judgedAt10 = judged / ndcgN;
      }
      f.recallAt10VsExact = recall / recallN;
      f.avgExperts = experts / n;
      f.avgCatalogueFraction = fraction / n;
      return f;
    }
  }

  private static List<String> toIds(List<Candidate> c) {
    return c.stream().map(Candidate::productId).toList();
  }

  private static List<String> withoutSelf(List<String> ranked, int self, List<String> ids) {
    if (self < 0) {
      return ranked.size() > K ? ranked.subList(0, K) : ranked;
    }
    String selfId = ids.get(self);
    List<String> out = ranked.stream().filter(id -> !id.equals(selfId)).toList();
    return out.size() > K ? out.subList(0, K) : out;
  }

  /** Exact brute-force top-n product ids by dot product, ties by id. */
  public static List<String> exactTopIds(VectorStore vectors, List<String> ids, float[] q, int n) {
    return exactTop(vectors, q, n).stream().map(ids::get).toList();
  }

  private static List<Integer> exactTop(VectorStore vectors, float[] q, int n) {
    // bounded min-heap over (score, ordinal)
    PriorityQueue<float[]> heap =
        new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Float.compare(a[0], b[0]) : Float.compare(b[1], a[1]));
    for (int i = 0; i < vectors.size(); i++) {
      float s = vectors.dot(q, i);
      if (heap.size() < n) {
        heap.add(new float[] {s, i});
      } else if (s > heap.peek()[0]) {
        heap.poll();
        heap.add(new float[] {s, i});
      }
    }
    List<float[]> sorted = new ArrayList<>(heap);
    sorted.sort((a, b) -> a[0] != b[0] ? Float.compare(b[0], a[0]) : Float.compare(a[1], b[1]));
    List<Integer> out = new ArrayList<>(sorted.size());
    for (float[] e : sorted) {
      out.add((int) e[1]);
    }
    return out;
  }

  private ExpertIndex openSingleHnsw() {
    Path dir = artifact.dir().resolve("baseline-single-hnsw");
    try {
      if (!Files.isRegularFile(dir.resolve("DONE"))) {
        log.accept(
            "building the single-HNSW baseline over all "
                + catalog.size()
                + " products (cached in "
                + dir
                + ")");
        Files.createDirectories(dir);
        VectorEncoding enc = VectorEncoding.parse(artifact.manifest().encoding());
        IndexWriting.write(
            dir,
            catalog,
            IntStream.range(0, catalog.size()).toArray(),
            artifact.vectors(),
            enc,
            artifact.manifest().hnswM(),
            artifact.manifest().hnswBeamWidth());
        Files.writeString(dir.resolve("DONE"), "ok\n");
      }
      return ExpertIndex.open(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long sizeOf(Path dir) {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("baseline-single-hnsw"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    } catch (IOException e) {
      return -1;
    }
  }
}
