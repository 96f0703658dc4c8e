package io.moesearch.tools.bench;

import io.moesearch.core.artifact.ArtifactLayout;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.eval.Judgements;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.GateTrainer;
import io.moesearch.core.gate.SphericalKMeans;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.IndexWriting;
import io.moesearch.core.retrieval.ExactReranker;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.core.synth.BruteForce;
import io.moesearch.core.synth.SyntheticCatalog;
import io.moesearch.core.util.Vectors;
import io.moesearch.jobs.config.IndexOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.config.RoutingOptions;
import io.moesearch.jobs.routing.RoutingData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The datasets of {@code moe-search bench routing}: the shipped Icecat catalogue with its judged
 * queries and a generated catalogue (1M vectors by default), each with the centroid and the
 * re-learned gate, a distinct query pool with its exact top-{@value #K}, and the expert search.
 */
public final class RoutingDatasets {
  /** Recall is measured at this depth, against the exact top-K. */
  public static final int K = 10;

  private RoutingDatasets() {}

  /**
   * One dataset: gates, the distinct query pool with exact top-10, expert search and each expert's
   * size (the vectors it holds).
   */
  public record Dataset(
      String name,
      int products,
      Gate centroid,
      Gate updated,
      float[][] pool,
      int[][] exact,
      Searcher searcher,
      String retrieval,
      int[] expertSizes) {}

  /** Searches the given experts for one query; returns product ordinals, best first. */
  public interface Searcher {
    int[] search(int[] experts, float[] query, int k, int oversample);
  }

  public static Dataset icecat(
      MoeSearchConfig config, String updatedIndex, List<AutoCloseable> closers) throws Exception {
    Judgements judgements = Judgements.load(config.judgements().get(0), BadLinePolicy.SKIP);
    List<String> texts = new ArrayList<>(judgements.byQuery().keySet());
    try (EmbeddingModel model = EmbeddingModel.load(config.embedder());
        Embedder embedder = model.newEmbedder()) {
      IndexArtifact artifact =
          IndexArtifact.load(config.indexPath(), model.dimension())
              .requireModel(config.embedder().modelId());
      System.out.println("icecat: index " + artifact.version() + " at " + artifact.dir());
      float[][] pool = RoutingData.embed(embedder, texts, System.out::println);
      float[][] vectors = new float[artifact.vectors().size()][];
      for (int i = 0; i < vectors.length; i++) {
        vectors[i] = artifact.vectors().get(i);
      }
      int[][] expertsOf =
          GateTrainer.expertsOfProduct(
              IndexBuilder.readMembers(artifact.dir()), artifact.manifest().products());
      Gate updated;
      if (updatedIndex != null) {
        IndexArtifact u = IndexArtifact.load(Path.of(updatedIndex), model.dimension());
        if (!u.ids().equals(artifact.ids()) || u.gate().experts() != artifact.gate().experts()) {
          throw new IllegalArgumentException(
              "--updated-index "
                  + updatedIndex
                  + " is not a gate version of "
                  + artifact.version());
        }
        System.out.println("icecat: re-learned gate from " + u.version() + " at " + u.dir());
        updated = u.gate();
      } else {
        int n = config.get(RoutingOptions.UPDATE_QUERIES);
        GateTrainer.Settings s = config.gateTraining();
        List<String> log = RoutingData.titleQueries(catalogue(config), n, s.seed());
        System.out.println("icecat: re-learning the gate on " + log.size() + " product titles");
        float[][] q = RoutingData.embed(embedder, log, System.out::println);
        updated =
            RoutingData.train(
                    artifact.gate(),
                    vectors,
                    expertsOf,
                    q,
                    config.get(RoutingOptions.UPDATE_K),
                    s,
                    System.out::println)
                .result()
                .gate();
      }
      List<ExpertIndex> experts = artifact.openExperts();
      closers.add(() -> experts.forEach(ExpertIndex::close));
      Searcher searcher = hnswSearcher(experts);
      return new Dataset(
          "icecat",
          vectors.length,
          artifact.gate(),
          updated,
          pool,
          BruteForce.topK(vectors, pool, K),
          searcher,
          "HNSW per expert, exact rescoring",
          expertSizes(artifact));
    }
  }

  /** Per expert id, the products its index holds (from the manifest). */
  private static int[] expertSizes(IndexArtifact artifact) {
    int[] sizes = new int[artifact.gate().experts()];
    for (Manifest.ExpertInfo info : artifact.manifest().expertIndexes()) {
      sizes[info.id()] = info.products();
    }
    return sizes;
  }

  /**
   * The serving path's retrieval: each activated expert's HNSW top {@code k × oversample}, rescored
   * exactly, merged into the best {@code k}.
   */
  private static Searcher hnswSearcher(List<ExpertIndex> experts) {
    return (chosen, query, k, oversample) -> {
      List<List<Candidate>> partials = new ArrayList<>();
      for (int e : chosen) {
        ExpertIndex index = experts.get(e);
        if (index.size() > 0) {
          partials.add(Retriever.expertTopK(index, query, k, oversample, null));
        }
      }
      return ExactReranker.topK(partials, k).stream().mapToInt(Candidate::ordinal).toArray();
    };
  }

  /**
   * Whether {@code root} holds the synthetic experts' indexes built for {@code key} (its {@code
   * BUILT} marker); checked before any work, so indexes of another catalogue or settings fail the
   * run at once instead of being silently reused.
   */
  private static boolean builtFor(Path root, String key) throws IOException {
    Path marker = root.resolve("BUILT");
    if (!Files.exists(marker)) {
      return false;
    }
    String built = Files.readString(marker, StandardCharsets.UTF_8).trim();
    if (!built.equals(key)) {
      throw new IllegalArgumentException(
          "--hnsw-dir "
              + root
              + " holds indexes of another catalogue or settings ("
              + built
              + "); this run needs "
              + key
              + ": use another directory or delete it");
    }
    return true;
  }

  /**
   * The synthetic experts' HNSW indexes under {@code root} (index.encoding, hnsw-m, beam width):
   * reused if {@code built}, else built there on {@code threads} threads and marked with {@code
   * key}.
   */
  private static List<ExpertIndex> syntheticIndexes(
      Path root,
      boolean built,
      String key,
      float[][] data,
      int[][] members,
      IndexBuildSettings s,
      int threads)
      throws Exception {
    if (built) {
      System.out.println("synthetic: reusing the HNSW indexes in " + root);
    } else {
      long t0 = System.nanoTime();
      Files.createDirectories(root);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        Integer[] order = IntStream.range(0, members.length).boxed().toArray(Integer[]::new);
        // Largest first, so the pool does not end waiting on one big expert.
        Arrays.sort(order, (a, b) -> Integer.compare(members[b].length, members[a].length));
        for (int e : order) {
          Path dir = root.resolve(ArtifactLayout.expertDir(e));
          done.add(
              pool.submit(
                  () -> {
                    Files.createDirectories(dir);
                    IndexWriting.writeVectors(
                        dir, data, members[e], s.encoding(), s.hnswM(), s.hnswBeamWidth());
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      Files.writeString(root.resolve("BUILT"), key + "\n", StandardCharsets.UTF_8);
      System.out.printf(
          Locale.ROOT,
          "synthetic: %d expert HNSW indexes built in %.1f s (%s)%n",
          members.length,
          (System.nanoTime() - t0) / 1e9,
          key);
    }
    List<ExpertIndex> out = new ArrayList<>();
    for (int e = 0; e < members.length; e++) {
      out.add(ExpertIndex.open(root.resolve(ArtifactLayout.expertDir(e))));
    }
    return out;
  }

  private static Catalog catalogue(MoeSearchConfig config) throws IOException {
    return new CatalogLoader(config.badLines(), b -> {}).load(config.catalogPath());
  }

  /**
   * @param hnsw where the experts' HNSW indexes are (built if absent); {@code null}: exact search
   *     inside the activated experts
   */
  public static Dataset synthetic(
      MoeSearchConfig config,
      int products,
      int distinct,
      int trainQueries,
      long seed,
      Path hnsw,
      List<AutoCloseable> closers)
      throws Exception {
    IndexBuildSettings s = config.buildSettings();
    int sampleSize = Math.min(products, 50_000);
    int experts = Math.min(s.experts(), sampleSize);
    String hnswKey =
        String.format(
            Locale.ROOT,
            "%s m=%d beam=%d products=%d seed=%d experts=%d kmeans=%d/%d replication=%s/%s/%d",
            s.encoding(),
            s.hnswM(),
            s.hnswBeamWidth(),
            products,
            seed,
            experts,
            s.kmeansIterations(),
            s.seed(),
            s.temperature(),
            s.replicationRatio(),
            s.maxCopies());
    boolean reuse = hnsw != null && builtFor(hnsw, hnswKey);
    long t0 = System.nanoTime();
    SyntheticCatalog cat = new SyntheticCatalog(SyntheticCatalog.Spec.defaults(products, seed));
    float[][] data = cat.generate();
    System.out.printf(
        Locale.ROOT,
        "synthetic: %d × %d vectors in %d clusters generated in %.1f s%n",
        products,
        cat.spec().dimension(),
        cat.spec().clusters(),
        (System.nanoTime() - t0) / 1e9);
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5EED);
    float[][] sample = new float[sampleSize][];
    int[] idx = IntStream.range(0, products).toArray();
    for (int i = 0; i < sampleSize; i++) {
      int j = i + rnd.nextInt(products - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      sample[i] = data[idx[i]];
    }
    long t1 = System.nanoTime();
    Gate centroid =
        new Gate(new SphericalKMeans(experts, s.kmeansIterations(), s.seed()).fit(sample));
    ExpertAssigner assigner =
        new ExpertAssigner(centroid, s.temperature(), s.replicationRatio(), s.maxCopies());
    int[][] expertsOf = new int[products][];
    IntStream.range(0, products).parallel().forEach(i -> expertsOf[i] = assigner.assign(data[i]));
    int[] counts = new int[experts];
    long postings = 0;
    for (int[] es : expertsOf) {
      for (int e : es) {
        counts[e]++;
        postings++;
      }
    }
    int[][] members = new int[experts][];
    for (int e = 0; e < experts; e++) {
      members[e] = new int[counts[e]];
    }
    int[] fill = new int[experts];
    for (int i = 0; i < products; i++) {
      for (int e : expertsOf[i]) {
        members[e][fill[e]++] = i;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "synthetic: k-means on %d sampled vectors and assignment of all in %.1f s; %d postings (+%.1f%% replication)%n",
        sampleSize,
        (System.nanoTime() - t1) / 1e9,
        postings,
        100.0 * (postings - products) / products);
    float[][] pool = cat.queries(data, distinct, 0.5, seed + 1);
    float[][] train = cat.queries(data, trainQueries, 0.5, seed + 2);
    long t2 = System.nanoTime();
    int[][] exact = BruteForce.topK(data, pool, K);
    System.out.printf(
        Locale.ROOT,
        "synthetic: exact top-%d of %d queries by brute force in %.1f s%n",
        K,
        distinct,
        (System.nanoTime() - t2) / 1e9);
    Gate updated =
        RoutingData.train(
                centroid,
                data,
                expertsOf,
                train,
                config.get(RoutingOptions.UPDATE_K),
                config.gateTraining(),
                System.out::println)
            .result()
            .gate();
    Searcher searcher;
    String retrieval;
    if (hnsw != null) {
      List<ExpertIndex> indexes =
          syntheticIndexes(
              hnsw, reuse, hnswKey, data, members, s, config.get(IndexOptions.PARALLELISM));
      closers.add(() -> indexes.forEach(ExpertIndex::close));
      searcher = hnswSearcher(indexes);
      retrieval = "HNSW per expert (" + s.encoding() + "), exact rescoring";
    } else {
      searcher = exactSearcher(data, members);
      retrieval = "exact search inside the activated experts";
    }
    return new Dataset(
        "synthetic", products, centroid, updated, pool, exact, searcher, retrieval, counts);
  }

  /** Exact search inside the activated experts: their members scanned by brute force. */
  private static Searcher exactSearcher(float[][] data, int[][] members) {
    int[] stamp = new int[data.length];
    int[] call = {0};
    BruteForce.TopK top = new BruteForce.TopK(K);
    return (chosen, query, k, oversample) -> {
      int c = ++call[0];
      top.reset();
      for (int e : chosen) {
        for (int o : members[e]) {
          if (stamp[o] != c) {
            stamp[o] = c;
            top.offer(o, Vectors.dot(query, data[o]));
          }
        }
      }
      return top.ordinals();
    };
  }

  /** The share of {@code exact} (a query's exact top-K) that {@code found} holds. */
  public static double recall(int[] found, int[] exact) {
    int hit = 0;
    for (int e : exact) {
      for (int f : found) {
        if (f == e) {
          hit++;
          break;
        }
      }
    }
    return (double) hit / exact.length;
  }
}
