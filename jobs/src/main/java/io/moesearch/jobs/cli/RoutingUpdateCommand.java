package io.moesearch.jobs.cli;

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
import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code moe-search routing update} (also {@code moe-search --update-routing}). */
final class RoutingUpdateCommand implements Command {
  @Override
  public String name() {
    return "routing update";
  }

  @Override
  public String summary() {
    return "re-learn the gate from a query log; write it as a new artifact version";
  }

  @Override
  public String help() {
    return """
        Usage: moe-search routing update [options]      (also: moe-search --update-routing)

        Re-learns the MoE gate from a query log. Each logged query is embedded with the serving
        model; its exact top-k neighbours (brute force over the artifact's vectors) decide its
        target: each expert's share of those neighbours (expert membership from members.bin). The
        gate W is fitted by softmax regression (Adam, cross-entropy to the targets, L2 pull towards
        the current W), starting from the current gate (the k-means centroids). 10% of the log is
        held out and reported: experts needed, in gate order, to hold all / 90% of a query's
        neighbours, before and after.

        The result is a new artifact version next to the old one (or under --out-root): every
        unchanged file is a hard link to the parent's, the gate file is new, and the manifest names
        the parent version and the training settings; then LATEST points at it. The parent is not
        modified, so a running job keeps serving it until it swaps.

        Options:
          --index DIR           artifact directory or root to start from     (index.path)
          --out-root DIR        write the new version here (default: next to the parent)
          --queries FILE        query log: one query a line, text or JSON {"text": ...}
                                (default: routing.update-queries seeded product titles)
          --limit N             use at most N logged queries                 (routing.update-queries)
          --epochs N            training epochs                              (routing.update-epochs)
          --dry-run             train and report, write nothing
          --layout-only         keep the current gate: only re-plan the replicated layout
                                from the log (needs routing.replica-slots > 0), e.g. when
                                popularity shifted but the gate still ranks well

        With routing.replica-slots > 0 the version also gets a replicated expert layout
        (placement.txt): the log's queries are routed through the new gate, each expert's share of
        the activations sizes its replicas (at least routing.min-replicas, plus headroom for a
        window of routing.replica-window-events queries 0, 1, … routing.replica-headroom standard
        deviations busier than expected: the layout whose hindsight-best utilisation over the log's
        own windows is highest is kept), and the replicas are spread over that many serving slots,
        each expert's next to as few of its neighbours as possible; the streaming job then sends
        each expert's requests to its least-loaded replica.
          --json FILE           write the figures as JSON
          --config FILE / --set KEY=VALUE
        """;
  }

  @Override
  public Map<String, String> valuedFlags() {
    return Map.of(
        "index",
        "index.path",
        "out-root",
        "",
        "queries",
        "",
        "limit",
        "routing.update-queries",
        "epochs",
        "routing.update-epochs",
        "json",
        "");
  }

  @Override
  public List<String> switches() {
    return List.of("dry-run", "layout-only");
  }

  @Override
  public int run(Args args) throws Exception {
    MoeSearchConfig config = args.config();
    boolean layoutOnly = args.flag("layout-only");
    if (layoutOnly && config.replicaSlots() < 1) {
      throw new IllegalArgumentException(
          "--layout-only plans a replicated layout: set routing.replica-slots > 0");
    }
    int limit = config.intRange("routing.update-queries", 1, 10_000_000);
    int k = config.intRange("routing.update-k", 1, 1000);
    GateTrainer.Settings settings = config.gateTraining();
    Catalog catalog = new CatalogLoader(config.badLines(), b -> {}).load(config.catalogPath());
    Map<String, Object> out = new LinkedHashMap<>();
    GateTrainer.Result training = null;
    try (EmbeddingModel model = EmbeddingModel.load(config.embedder());
        Embedder embedder = model.newEmbedder()) {
      IndexArtifact artifact =
          IndexArtifact.load(config.indexPath(), model.dimension())
              .requireModel(config.embedder().modelId());
      System.out.println("starting from index " + artifact.version() + " at " + artifact.dir());
      String source;
      List<String> texts;
      if (args.option("queries") != null) {
        source = args.option("queries");
        texts = RoutingData.readQueryLog(Path.of(source), limit);
      } else {
        source = "product titles (seed " + settings.seed() + ")";
        texts = RoutingData.titleQueries(catalog, limit, settings.seed());
      }
      System.out.println("query log: " + texts.size() + " queries from " + source);
      float[][] q = RoutingData.embed(embedder, texts, System.out::println);
      int held = Math.max(1, q.length / 10);
      if (q.length - held < 1) {
        throw new IllegalArgumentException("the query log needs at least 2 queries");
      }
      float[][] train = java.util.Arrays.copyOfRange(q, 0, q.length - held);
      float[][] test = java.util.Arrays.copyOfRange(q, q.length - held, q.length);
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
            RoutingData.train(
                artifact.gate(), products, expertsOf, train, k, settings, System.out::println);
        gate = t.result().gate();
        int[][] testTop = BruteForce.topK(products, test, k);
        Map<String, Double> before = coverage(artifact.gate(), test, testTop, expertsOf);
        Map<String, Double> after = coverage(gate, test, testTop, expertsOf);
        System.out.printf(
            Locale.ROOT,
            "held-out %d queries: experts to hold all top-%d neighbours %.3f -> %.3f,"
                + " 90%% of them %.3f -> %.3f (centroid gate -> re-learned gate)%n",
            test.length,
            k,
            before.get("all"),
            after.get("all"),
            before.get("p90"),
            after.get("p90"));
        out.put("initialLoss", t.result().initialLoss());
        out.put("finalLoss", t.result().finalLoss());
        out.put("heldOutExpertsToCoverBefore", before);
        out.put("heldOutExpertsToCoverAfter", after);
        training = t.result();
      } else {
        System.out.println("--layout-only: keeping gate of " + artifact.version());
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
        System.out.printf(
            Locale.ROOT,
            "replicated layout: %d experts on %d slots, %.2f replicas per expert%n",
            placement.experts(),
            placement.slots(),
            placement.replicationFactor());
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
      if (!args.flag("dry-run")) {
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
        String outRoot = args.option("out-root");
        GateVersionWriter.Result w =
            GateVersionWriter.write(
                artifact.dir(),
                gate,
                placement,
                new Manifest.GateUpdate(
                    artifact.version(), layoutOnly ? "layout-only" : "softmax-regression", prov),
                outRoot == null ? null : Path.of(outRoot));
        System.out.printf(
            "wrote gate version %s at %s (%d files hard-linked, %d copied); LATEST updated%n",
            w.version(), w.dir(), w.linked(), w.copied());
        out.put("version", w.version());
        out.put("dir", w.dir().toString());
        out.put("linked", w.linked());
        out.put("copied", w.copied());
      }
    }
    Json.write(args.option("json"), out);
    return 0;
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
