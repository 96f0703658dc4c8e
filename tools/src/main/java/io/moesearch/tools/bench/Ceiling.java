package io.moesearch.tools.bench;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.embed.LengthSortedChunks;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.jobs.config.BatchOptions;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.operators.RankingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this machine's cores can do at all on a set of queries, measured outside Flink and Kafka so
 * that the pipeline's throughput can be stated as a share of it (figures from different machines
 * then compare):
 *
 * <ul>
 *   <li>{@link Figures#embedPerSec}: the embedder alone, on {@code job.parallelism} threads (one
 *       {@link Embedder} each, as the job has one per subtask), in full batches of {@code
 *       batch.max-size} fed in length-sorted chunks of {@code batch.model-batch-size} — the job's
 *       batching at its best (under load its batches are full);
 *   <li>{@link Figures#retrievalPerSec}: routing + every activated expert's HNSW search with exact
 *       rescoring + the BM25 branch + fusion, as configured ({@code ranking.*}), on the same number
 *       of threads, from precomputed embeddings;
 *   <li>{@link Figures#combinedPerSec}: both on the same cores, {@code 1 / (1/embed +
 *       1/retrieval)}: each query needs both, and both compete for the same CPUs.
 * </ul>
 *
 * Each figure is the median of three passes after one warm-up pass.
 */
public final class Ceiling {
  /** The measured ceiling (queries per second). Field names are the JSON output's. */
  public static final class Figures {
    public int threads;
    public int queries;
    public double embedPerSec;
    public double retrievalPerSec;
    public double combinedPerSec;
  }

  private Ceiling() {}

  /**
   * Measures both ceilings on {@code texts}.
   *
   * @throws IllegalArgumentException if {@code texts} is empty
   */
  public static Figures measure(MoeSearchConfig config, IndexArtifact artifact, List<String> texts)
      throws Exception {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("the ceiling needs at least one query");
    }
    int threads = config.get(JobOptions.PARALLELISM);
    Figures f = new Figures();
    f.threads = threads;
    f.queries = texts.size();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (EmbeddingModel model = EmbeddingModel.load(config.embedder())) {
      List<Embedder> embedders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        embedders.add(model.newEmbedder());
      }
      try {
        float[][] vectors = new float[texts.size()][];
        f.embedPerSec =
            median(
                () ->
                    embedAll(
                        pool,
                        embedders,
                        texts,
                        vectors,
                        config.get(BatchOptions.MAX_SIZE),
                        config.get(BatchOptions.MODEL_BATCH_SIZE)));
        f.retrievalPerSec =
            median(() -> retrieveAll(pool, threads, config, artifact, texts, vectors));
      } finally {
        embedders.forEach(Embedder::close);
      }
    } finally {
      pool.shutdownNow();
    }
    f.combinedPerSec = 1 / (1 / f.embedPerSec + 1 / f.retrievalPerSec);
    return f;
  }

  private interface Pass {
    double run() throws Exception;
  }

  /** One warm-up pass, then the median of three. */
  private static double median(Pass pass) throws Exception {
    pass.run();
    double[] r = {pass.run(), pass.run(), pass.run()};
    java.util.Arrays.sort(r);
    return r[1];
  }

  /** Embeds every text in batches of {@code maxBatch} spread over the threads; returns texts/s. */
  private static double embedAll(
      ExecutorService pool,
      List<Embedder> embedders,
      List<String> texts,
      float[][] out,
      int maxBatch,
      int modelBatch)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    long t0 = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (Embedder embedder : embedders) {
      running.add(
          pool.submit(
              () -> {
                for (int from; (from = next.getAndAdd(maxBatch)) < texts.size(); ) {
                  List<Integer> batch = new ArrayList<>();
                  for (int i = from; i < Math.min(texts.size(), from + maxBatch); i++) {
                    batch.add(i);
                  }
                  for (List<Integer> chunk : LengthSortedChunks.of(batch, texts::get, modelBatch)) {
                    float[][] v = embedder.embed(chunk.stream().map(texts::get).toList());
                    for (int i = 0; i < chunk.size(); i++) {
                      out[chunk.get(i)] = v[i];
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> r : running) {
      r.get();
    }
    return texts.size() / ((System.nanoTime() - t0) / 1e9);
  }

  /** Routed hybrid (or dense) retrieval of every query over the threads; returns queries/s. */
  private static double retrieveAll(
      ExecutorService pool,
      int threads,
      MoeSearchConfig config,
      IndexArtifact artifact,
      List<String> texts,
      float[][] vectors)
      throws Exception {
    RankingSettings ranking = config.ranking();
    List<ExpertIndex> experts = artifact.openExperts();
    try (ExpertIndex lexical = artifact.openLexical()) {
      Retriever retriever = Retriever.serving(artifact, experts, config.loadAwareRouting());
      HybridRanker hybrid = new HybridRanker(ranking.expansion());
      AtomicInteger next = new AtomicInteger();
      long t0 = System.nanoTime();
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        running.add(
            pool.submit(
                () -> {
                  for (int i; (i = next.getAndIncrement()) < texts.size(); ) {
                    if (ranking.hybrid()) {
                      hybrid.search(
                          retriever,
                          lexical,
                          artifact.vectors(),
                          texts.get(i),
                          vectors[i],
                          10,
                          null,
                          ranking.fusion(),
                          ranking.denseDepth(),
                          ranking.lexicalDepth());
                    } else {
                      retriever.search(vectors[i], 10);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> r : running) {
        r.get();
      }
      return texts.size() / ((System.nanoTime() - t0) / 1e9);
    } finally {
      experts.forEach(ExpertIndex::close);
    }
  }
}
