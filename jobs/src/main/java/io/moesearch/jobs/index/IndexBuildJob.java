package io.moesearch.jobs.index;

import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.util.Files2;
import io.moesearch.jobs.config.IndexOptions;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The index build, as two Flink batch jobs around a client-side gate training step:
 *
 * <ol>
 *   <li>copy the loaded catalogue into the new version, which the tasks read;
 *   <li>embed the catalogue in parallel, in length-sorted batches;
 *   <li>train the gate (spherical k-means) and write vectors, gate, ids and the lexical index;
 *   <li>write one HNSW index per expert, keyed by expert so experts build in parallel;
 *   <li>write the manifest (last: a directory with a manifest is complete) and mark it LATEST.
 * </ol>
 */
public final class IndexBuildJob {

  /** What a build produced. */
  public record Result(Path artifact, Manifest manifest, int badLines) {}

  private final MoeSearchConfig config;
  private final Consumer<String> log;

  public IndexBuildJob(MoeSearchConfig config, Consumer<String> log) {
    this.config = config;
    this.log = log;
  }

  /**
   * Runs the embedding job and reports "embedded N / total" from its accumulator every few seconds
   * (the counts reach the client with TaskManager heartbeats, so they trail a little).
   */
  private void runReportingProgress(StreamExecutionEnvironment env, String name, int total, long t0)
      throws Exception {
    JobClient job = env.executeAsync(name);
    CompletableFuture<JobExecutionResult> done = job.getJobExecutionResult();
    long reported = -1;
    while (!done.isDone()) {
      try {
        done.get(5, TimeUnit.SECONDS);
      } catch (TimeoutException stillRunning) {
        Object n =
            job.getAccumulators()
                .get(5, TimeUnit.SECONDS)
                .get(EmbedCatalogBatch.PROGRESS_ACCUMULATOR);
        if (n instanceof Number count && count.longValue() != reported) {
          reported = count.longValue();
          double s = (System.nanoTime() - t0) / 1e9;
          log.accept(
              String.format("embedded %d / %d products (%.0f/s)", reported, total, reported / s));
        }
      }
    }
    done.get();
  }

  public Result run(StreamExecutionEnvironment env) throws Exception {
    IndexBuildSettings s = config.buildSettings();
    Path catalogPath = config.catalogPath().toAbsolutePath();
    long t0 = System.nanoTime();
    CatalogLoader loader =
        new CatalogLoader(config.badLines(), b -> log.accept("bad catalogue line " + b));
    Catalog catalog = loader.load(catalogPath);
    if (catalog.size() == 0) {
      throw new IllegalArgumentException(
          "the catalogue "
              + catalogPath
              + " holds no valid product ("
              + catalog.badLines().size()
              + " lines rejected"
              + (catalog.badLines().isEmpty() ? "" : "; the first: " + catalog.badLines().get(0))
              + ")");
    }
    if (catalog.size() < s.experts()) {
      throw new IllegalArgumentException(
          "index.experts ("
              + s.experts()
              + ") exceeds the catalogue's "
              + catalog.size()
              + " products: set --experts (index.experts) to at most "
              + catalog.size()
              + "; the shipped 128 hold about 150 products each");
    }
    log.accept(
        "catalogue "
            + catalogPath
            + ": "
            + catalog.size()
            + " products, "
            + catalog.badLines().size()
            + " bad lines skipped, "
            + loader.priceIgnored()
            + " products kept without the price they gave");
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    // Set explicitly: the adaptive batch scheduler would otherwise pick 1 for this small input.
    int parallelism = config.get(IndexOptions.PARALLELISM);
    int batches = IndexBuilder.embeddingBatches(catalog, s.embedBatchSize()).length;

    String version = IndexBuilder.newVersion();
    Path root = config.indexRoot().toAbsolutePath();
    Path dir = root.resolve(version);
    Path work = root.resolve(".build-" + version);
    Files.createDirectories(work);
    boolean written = false;
    try {
      // The tasks read this copy, not catalog.path, which may change while the build runs.
      IndexBuilder.writeCatalog(dir, catalog);
      env.fromData(IntStream.range(0, batches).boxed().toList())
          .name("catalogue-batches")
          .rebalance()
          .map(
              new EmbedCatalogBatch(
                  dir.toString(), work.toString(), config.embedder(), s.embedBatchSize()))
          .setParallelism(parallelism)
          .name("embed")
          .uid("embed")
          .sinkTo(new DiscardingSink<>())
          .name("embedded");
      runReportingProgress(env, config.get(JobOptions.NAME) + "-index-embed", catalog.size(), t0);
      long t1 = System.nanoTime();
      log.accept(
          String.format(
              "embedded %d products in %.1f s (%.0f/s)",
              catalog.size(), (t1 - t0) / 1e9, catalog.size() / ((t1 - t0) / 1e9)));

      VectorStore store = IndexBuilder.readEmbeddedBatches(work, catalog.size());
      Gate gate = IndexBuilder.trainGate(store, s);
      int[][] members = IndexBuilder.expertMembers(gate, store, s);
      Map<String, String> shared = IndexBuilder.writeShared(dir, catalog, store, gate, members);
      long t2 = System.nanoTime();
      log.accept(
          String.format(
              "gate trained (%d experts) and shared files written in %.1f s",
              s.experts(), (t2 - t1) / 1e9));

      env.fromData(IntStream.range(0, s.experts()).boxed().toList())
          .name("experts")
          .keyBy(e -> e)
          .map(new WriteExpertIndex(dir.toString(), s))
          .setParallelism(parallelism)
          .name("write-expert-index")
          .uid("write-expert-index")
          .sinkTo(new DiscardingSink<>())
          .name("written");
      env.execute(config.get(JobOptions.NAME) + "-index-experts");
      List<Manifest.ExpertInfo> experts = new ArrayList<>();
      for (int e = 0; e < s.experts(); e++) {
        experts.add(IndexBuilder.expertInfo(dir, e, members[e].length));
      }
      long t3 = System.nanoTime();
      Map<String, Double> seconds = new LinkedHashMap<>();
      seconds.put("embed", (t1 - t0) / 1e9);
      seconds.put("gate_and_shared", (t2 - t1) / 1e9);
      seconds.put("expert_indexes", (t3 - t2) / 1e9);
      seconds.put("total", (t3 - t0) / 1e9);
      Manifest m =
          IndexBuilder.writeManifest(
              dir, version, config.embedder().modelId(), store, s, shared, experts, seconds);
      IndexBuilder.markLatest(root, version);
      written = true;
      log.accept(String.format("index %s written to %s in %.1f s", version, dir, (t3 - t0) / 1e9));
      return new Result(dir, m, catalog.badLines().size());
    } finally {
      Files2.deleteRecursively(work);
      if (!written) {
        Files2.deleteRecursively(dir); // no manifest: not a version
      }
    }
  }
}
