package io.moesearch.jobs.routing;

import io.moesearch.core.artifact.GateVersionWriter;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.ExpertPlacementPlanner;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.GateTrainer;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.synth.BruteForce;
import io.moesearch.jobs.config.IndexOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.config.QueryOptions;
import io.moesearch.jobs.config.RoutingOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The routing update, a batch step: re-learns the MoE gate from a query log (its source) and writes
 * it, with an optional replicated expert layout, as a new artifact version (its sink: next to the
 * parent version or under {@code outRoot}), then moves LATEST so a running search job swaps it in.
 * {@code bin/moe-search routing update} runs it.
 */
public final class RoutingUpdateJob {
  private RoutingUpdateJob() {}

  /**
   * @param queryLog the query log, one query a line (text or JSON {@code {"text": ...}}); {@code
   *     null}: {@code routing.update-queries} seeded product titles
   * @param outRoot where the new version goes; {@code null}: next to the parent
   * @param layoutOnly keep the current gate, only re-plan the replicated layout
   * @param dryRun train and report, write nothing
   */
  public record Options(Path queryLog, Path outRoot, boolean layoutOnly, boolean dryRun) {}

  /** Runs the update; returns its figures (the CLI's {@code --json}). */
  public static Map<String, Object> run(
      MoeSearchConfig config, Options options, Consumer<String> progress) throws Exception {
    boolean layoutOnly = options.layoutOnly();
    if (layoutOnly && config.replicaSlots() < 1) {
      throw new IllegalArgumentException(
          "--layout-only plans a replicated layout: set routing.replica-slots > 0");
    }
    int limit = config.get(RoutingOptions.UPDATE_QUERIES);
    int k = config.get(RoutingOptions.UPDATE_K);
    GateTrainer.Settings settings = config.gateTraining();
    Catalog catalog = new CatalogLoader(config.badLines(), b -> {}).load(config.catalogPath());
    Map<String, Object> out = new LinkedHashMap<>();
    GateTrainer.Result training = null;
    try (EmbeddingModel model = EmbeddingModel.load(config.embedder());
        Embedder embedder = model.newEmbedder()) {
      IndexArtifact artifact =
          IndexArtifact.load(config.indexPath(), model.dimension())
              .requireModel(config.embedder().modelId());
      progress.accept("starting from index " + artifact.version() + " at " + artifact.dir());
      String source;
      List<String> texts;
      if (options.queryLog() != null) {
        source = options.queryLog().toString();
        texts =
            RoutingData.readQueryLog(options.queryLog(), limit, config.get(QueryOptions.MAX_CHARS));
      } else {
        source = "product titles (seed " + settings.seed() + ")";
        texts = RoutingData.titleQueries(catalog, limit, settings.seed());
      }
      progress.accept("query log: " + texts.size() + " queries from " + source);
      float[][] q = RoutingData.embed(embedder, texts, progress);
      int held = Math.max(1, q.length / 10);
      if (q.length - held < 1) {
        throw new IllegalArgumentException("the query log needs at least 2 queries");
      }
      float[][] train = Arrays.copyOfRange(q, 0, q.length - held);
      float[][] test = Arrays.copyOfRange(q, q.length - held, q.length);
      long t0 = System.nanoTime();
      Gate gate = artifact.gate();
      if (!layoutOnly) {
        float[][] products = new float[artifact.vectors().size()][];
        for (int i = 0; i < products.length; i++) {
          products[i] = artifact.vectors().get(i);
        }
        int[][] expertsOf =
            GateTrainer.expertsOfProduct(
                IndexBuilder.readMembers(artifact.dir()), artifact.manifest().products());
        RoutingData.Training t =
            RoutingData.train(artifact.gate(), products, expertsOf, train, k, settings, progress);
        gate = t.result().gate();
        int[][] testTop = BruteForce.topK(products, test, k);
        Map<String, Double> before = coverage(artifact.gate(), test, testTop, expertsOf);
        Map<String, Double> after = coverage(gate, test, testTop, expertsOf);
        progress.accept(
            String.format(
                Locale.ROOT,
                "held-out %d queries: experts to hold all top-%d neighbours %.3f -> %.3f,"
                    + " 90%% of them %.3f -> %.3f (centroid gate -> re-learned gate)",
                test.length,
                k,
                before.get("all"),
                after.get("all"),
                before.get("p90"),
                after.get("p90")));
        out.put("initialLoss", t.result().initialLoss());
        out.put("finalLoss", t.result().finalLoss());
        out.put("heldOutExpertsToCoverBefore", before);
        out.put("heldOutExpertsToCoverAfter", after);
        training = t.result();
      } else {
        progress.accept("--layout-only: keeping gate of " + artifact.version());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      ExpertPlacement placement = null;
      if (config.replicaSlots() > 0) {
        // The log's own frequencies (a query logged n times counts n times) under the new gate,
        // in activations per balancing window for the headroom.
        LoadAwareRouter plain = new LoadAwareRouter(gate, config.loadAwareRouting().withAlpha(0));
        int[][] routed = new int[q.length][];
        for (int i = 0; i < q.length; i++) {
          routed[i] = plain.route(q[i], null).experts();
        }
        placement =
            ExpertPlacementPlanner.planFromLog(
                routed,
                gate.experts(),
                config.replicaSlots(),
                config.minReplicas(),
                config.replicaHeadroom(),
                config.replicaWindowEvents());
        progress.accept(
            String.format(
                Locale.ROOT,
                "replicated layout: %d experts on %d slots, %.2f replicas per expert",
                placement.experts(),
                placement.slots(),
                placement.replicationFactor()));
        out.put("slots", placement.slots());
        out.put("replicationFactor", placement.replicationFactor());
      }
      out.put("parentVersion", artifact.version());
      out.put("queries", texts.size());
      out.put("trainQueries", train.length);
      out.put("heldOutQueries", test.length);
      out.put("k", k);
      out.put("layoutOnly", layoutOnly);
      out.put("trainSeconds", seconds);
      if (!options.dryRun()) {
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("queryLog", source);
        if (training != null) {
          prov.put("queries", String.valueOf(train.length));
          prov.put("k", String.valueOf(k));
          prov.put("temperature", String.valueOf(settings.temperature()));
          prov.put("epochs", String.valueOf(settings.epochs()));
          prov.put("learningRate", String.valueOf(settings.learningRate()));
          prov.put("l2", String.valueOf(settings.l2()));
          prov.put("seed", String.valueOf(settings.seed()));
        } else {
          prov.put("queries", String.valueOf(q.length));
        }
        if (placement != null) {
          prov.put("replicaSlots", String.valueOf(placement.slots()));
          prov.put("minReplicas", String.valueOf(config.minReplicas()));
          prov.put("replicaHeadroom", String.valueOf(config.replicaHeadroom()));
          prov.put("replicaWindowEvents", String.valueOf(config.replicaWindowEvents()));
        }
        if (training != null) {
          prov.put("initialLoss", String.format(Locale.ROOT, "%.5f", training.initialLoss()));
          prov.put("finalLoss", String.format(Locale.ROOT, "%.5f", training.finalLoss()));
        }
        GateVersionWriter.Result w =
            GateVersionWriter.write(
                artifact.dir(),
                gate,
                placement,
                new Manifest.GateUpdate(
                    artifact.version(), layoutOnly ? "layout-only" : "softmax-regression", prov),
                options.outRoot(),
                // Read from LATEST (no index.path pinned) into its own root: move LATEST only
                // over it, not over a compaction that finished while the gate was trained.
                config.get(IndexOptions.PATH).isEmpty() && options.outRoot() == null);
        progress.accept(
            String.format(
                "wrote gate version %s at %s (%d files hard-linked, %d copied); LATEST updated",
                w.version(), w.dir(), w.linked(), w.copied()));
        out.put("version", w.version());
        out.put("dir", w.dir().toString());
        out.put("linked", w.linked());
        out.put("copied", w.copied());
      }
    }
    return out;
  }

  /** Mean experts (in gate order) needed to hold all, and 90%, of each query's neighbours. */
  static Map<String, Double> coverage(Gate gate, float[][] q, int[][] top, int[][] expertsOf) {
    double all = 0;
    double p90 = 0;
    for (int i = 0; i < q.length; i++) {
      all += GateTrainer.expertsToCover(gate, q[i], top[i], expertsOf, 1.0);
      p90 += GateTrainer.expertsToCover(gate, q[i], top[i], expertsOf, 0.9);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("all", all / q.length);
    m.put("p90", p90 / q.length);
    return m;
  }
}
