package io.moesearch.tools.cli;

import static io.moesearch.tools.bench.RoutingDatasets.K;
import static io.moesearch.tools.bench.RoutingDatasets.recall;

import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.ExpertPlacementPlanner;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.tools.bench.RoutingDatasets;
import io.moesearch.tools.bench.RoutingDatasets.Dataset;
import io.moesearch.tools.bench.RoutingReport;
import io.moesearch.tools.bench.RoutingReport.CurvePoint;
import io.moesearch.tools.bench.TrafficReplay;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code moe-search bench routing}: load-aware routing under Zipf-skewed traffic. */
@Command(
    name = "routing",
    description = {
      "Load-aware routing under Zipf-skewed traffic: utilisation, experts, recall, QPS.",
      "",
      """
            Replays a pool of distinct queries with Zipf-skewed frequencies (seeded; rank r drawn with
            probability ∝ 1/(r+1)^s, so a few popular queries dominate) through the load-aware router,
            one event every 10 ms of event time, with router-local decayed load counts
            (routing.load-half-life-ms). For the centroid gate and the re-learned gate, and for each
            balance strength α in --alphas (α = 0: balancing off), prints: utilisation (mean / max
            expert activations per tumbling window of --window events, averaged over windows); the
            best utilisation any replica choice could reach on the same windows with hindsight (max
            flow; equal to utilisation with one copy per expert); utilisation over windows of --grain
            activations per slot on average (the same counting granularity whatever the catalogue:
            a live choice misses the hindsight optimum by a few activations per slot, which costs
            more the fewer activations a window holds); normalised entropy of the expert load
            (H / ln N, --window windows), average experts activated, the share of queries on the fast
            path, recall@10 against exact brute force, and QPS of routing + retrieval on one thread
            (embedding excluded; queries are embedded once; each distinct (query, experts) search runs
            once and its measured time is charged to every event that repeats it).

            Gates at equal recall: for each gate, recall@10 with its top 1..4 experts, and its
            activation rule swept over --activations (no balancing, no fast path): experts activated
            against recall@10 over the distinct pool.

            Replicated experts: for each gate a placement (ExpertPlacementPlanner.plan) is sized from a query
            log (--log-events draws from the same popularity ranking with another seed, routed with
            no balancing, scaled to a --window of events) onto --slots serving slots: hot experts
            replicated with headroom for a window 0, 1, … --headroom standard deviations busier than
            expected (the layout whose hindsight-best utilisation over the log's own windows is highest
            is kept), every expert at least m times for each m in --min-replicas, replicas spread so
            experts share slots with few others. The
            same traffic is then replayed over the slots twice: replica chosen by a hash of the query
            (load-unaware) and the least-loaded replica (live balancing), the latter for each α.
            Utilisation and entropy are then over slots; recall is unchanged by construction
            (replicas serve the same index). Serving memory is reported twice: replicas per expert,
            and the same weighted by expert size (vectors held by all replicas / vectors held once).

            Datasets:
              icecat     the artifact (index.path / index.root) with the Chorus judged queries
                         (eval.judgements) embedded by the real model; retrieval is the experts' HNSW
                         indexes with exact rescoring (retrieval.oversample / routing.fast-oversample).
                         The re-learned gate comes from --updated-index, else it is trained here on
                         routing.update-queries seeded product titles, as `routing update` does.
              synthetic  --products generated 384-d vectors (SyntheticCatalog, seeded), N = index.experts
                         experts: spherical k-means on a sample of at most 50,000, boundary-replicated
                         assignment of all products; retrieval is EXACT search inside the activated
                         experts, so its recall measures routing alone, or with --hnsw-dir the
                         experts' HNSW indexes with exact rescoring, as served. The re-learned
                         gate is trained on --train-queries generated queries."""
    })
final class BenchRoutingCommand extends CliCommand {
  @Option(
      names = "--products",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Synthetic catalogue size (0 = skip).")
  private int productsOption;

  @Option(
      names = "--distinct",
      paramLabel = "N",
      defaultValue = "500",
      description = "Distinct synthetic queries in the pool.")
  private int distinctOption;

  @Option(
      names = "--train-queries",
      paramLabel = "N",
      defaultValue = "10000",
      description = "Synthetic queries the gate is re-learned on.")
  private int trainQueriesOption;

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "20000",
      description = "Replayed events per configuration.")
  private int eventsOption;

  @Option(
      names = "--window",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Events per utilisation window.")
  private int windowOption;

  @Option(
      names = "--grain",
      paramLabel = "N",
      defaultValue = "64",
      description = "Activations per slot per window of the second utilisation figure.")
  private int grainOption;

  @Option(names = "--zipf", paramLabel = "S", defaultValue = "1.0", description = "Zipf exponent.")
  private double zipfOption;

  @Option(
      names = "--alphas",
      paramLabel = "LIST",
      defaultValue = "0,0.02,0.05,0.1,0.2",
      description = "Balance strengths to sweep, comma-separated.")
  private String alphasOption;

  @Option(
      names = "--activations",
      paramLabel = "LIST",
      defaultValue = "0.5,0.7,0.9,0.97",
      description = "Activation thresholds of the gates' equal-recall comparison.")
  private String activationsOption;

  @Option(
      names = "--slots",
      paramLabel = "N",
      defaultValue = "0",
      description = "Serving slots of the replicated layout (0 = the expert count).")
  private int slotsOption;

  @Option(
      names = "--min-replicas",
      paramLabel = "LIST",
      defaultValue = "1,2,3",
      description = "Replicas every expert gets, one layout each.")
  private String minReplicasOption;

  @Option(
      names = "--headroom",
      paramLabel = "Z",
      descriptionKey = "routing.replica-headroom",
      parameterConsumer = CommonOptions.Setting.class)
  private String headroomOption;

  @Option(
      names = "--log-events",
      paramLabel = "N",
      defaultValue = "20000",
      description = "Events of the query log the layout is sized from.")
  private int logEventsOption;

  @Option(names = "--skip-replicas", description = "No replicated-layout rows.")
  private boolean skipReplicas;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "7",
      description = "Seed of the replay, generator and sampling.")
  private int seedOption;

  @Option(
      names = "--updated-index",
      paramLabel = "DIR",
      description = "The re-learned Icecat artifact (default: train in memory).")
  private String updatedIndex;

  @Option(
      names = "--hnsw-dir",
      paramLabel = "DIR",
      description =
          "Synthetic: retrieve with HNSW per expert (index.encoding, index.hnsw-m,"
              + " index.hnsw-beam-width, exact rescoring, as served) instead of exact search; the"
              + " experts' indexes are built into DIR on index.parallelism threads, or reused from"
              + " an earlier run of the same catalogue and settings.")
  private Path hnswDir;

  @Option(
      names = "--skip-icecat",
      description = "Only the synthetic catalogue (no model, no artifact needed).")
  private boolean skipIcecat;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      descriptionKey = "index.path",
      parameterConsumer = CommonOptions.Setting.class)
  private String index;

  @Option(
      names = "--judgements",
      paramLabel = "CSV",
      descriptionKey = "eval.judgements",
      parameterConsumer = CommonOptions.Setting.class)
  private String judgements;

  private static List<CurvePoint> curve(
      Dataset d, Gate gate, LoadAwareRoutingConfig routing, double[] activations) {
    List<CurvePoint> out = new ArrayList<>();
    ActivationRule base = routing.base().activation();
    for (double a : activations) {
      ActivationRule rule = new ActivationRule(a, base.minExperts(), base.maxExperts());
      double experts = 0;
      double sum = 0;
      for (int q = 0; q < d.pool().length; q++) {
        int[] chosen = rule.select(gate.probabilities(d.pool()[q], routing.base().temperature()));
        experts += chosen.length;
        sum +=
            recall(d.searcher().search(chosen, d.pool()[q], K, routing.oversample()), d.exact()[q]);
      }
      out.add(new CurvePoint(a, experts / d.pool().length, sum / d.pool().length));
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    LoadAwareRoutingConfig routing = config.loadAwareRouting();
    int products = atLeast("--products", productsOption, 0);
    int distinct = atLeast("--distinct", distinctOption, 1);
    int trainQueries = atLeast("--train-queries", trainQueriesOption, 2);
    int events = atLeast("--events", eventsOption, 1);
    int window = atLeast("--window", windowOption, 1);
    int grain = atLeast("--grain", grainOption, 1);
    double zipf = atLeast("--zipf", zipfOption, 0);
    int slotOption = atLeast("--slots", slotsOption, 0);
    double[] minReplicaList = parseList("--min-replicas", minReplicasOption);
    for (double m : minReplicaList) {
      if (!(m >= 1 && m == Math.rint(m) && m <= Integer.MAX_VALUE)) {
        // 2.5 read as 2 and 0 as 1 measured a layout nobody asked for
        throw new ConfigException(
            "--min-replicas: each value must be a whole number >= 1, got " + m);
      }
    }
    int[] minReplicas = Arrays.stream(minReplicaList).mapToInt(x -> (int) x).toArray();
    int logEvents = atLeast("--log-events", logEventsOption, 1);
    double headroom = config.replicaHeadroom();
    boolean replicas = !skipReplicas;
    long seed = atLeast("--seed", seedOption, 0);
    double[] activations = parseList("--activations", activationsOption);
    for (double a : activations) {
      if (!(a > 0 && a <= 1)) {
        throw new IllegalArgumentException("--activations: each value must be in (0, 1]");
      }
    }
    double[] alphas = parseList("--alphas", alphasOption);
    RoutingReport report = new RoutingReport();
    report.machine.put("cores", Runtime.getRuntime().availableProcessors());
    report.machine.put("java", System.getProperty("java.version"));
    report.machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    report.settings.put("events", events);
    report.settings.put("window", window);
    report.settings.put("grainActivationsPerSlot", grain);
    report.settings.put("replicaHeadroom", headroom);
    report.settings.put("zipf", zipf);
    report.settings.put("seed", seed);
    report.settings.put("alphas", alphas);
    report.settings.put("minReplicas", minReplicas);
    report.settings.put("logEvents", logEvents);
    report.settings.put("eventIntervalMs", TrafficReplay.EVENT_INTERVAL_MS);
    report.settings.put("temperature", routing.base().temperature());
    report.settings.put("activation", routing.base().activation());
    report.settings.put("loadHalfLifeMs", routing.loadHalfLifeMs());
    report.settings.put("complexityThreshold", routing.complexityThreshold());
    report.settings.put("fastActivation", routing.fast());
    report.settings.put("oversample", routing.oversample());
    report.settings.put("fastOversample", routing.fastOversample());
    List<Dataset> sets = new ArrayList<>();
    List<AutoCloseable> closers = new ArrayList<>();
    try {
      if (!skipIcecat) {
        sets.add(RoutingDatasets.icecat(config, updatedIndex, closers));
      }
      if (products > 0) {
        sets.add(
            RoutingDatasets.synthetic(
                config, products, distinct, trainQueries, seed, hnswDir, closers));
      }
      for (Dataset d : sets) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("products", d.products());
        info.put("experts", d.centroid().experts());
        info.put("distinctQueries", d.pool().length);
        info.put("retrieval", d.retrieval());
        report.datasets.put(d.name(), info);
        Map<String, double[]> topM = new LinkedHashMap<>();
        topM.put("centroid", recallTopM(d, d.centroid(), routing));
        topM.put("updated", recallTopM(d, d.updated(), routing));
        report.recallTopM.put(d.name(), topM);
        Map<String, List<CurvePoint>> curves = new LinkedHashMap<>();
        for (String gate : List.of("centroid", "updated")) {
          List<CurvePoint> c =
              curve(d, gate.equals("centroid") ? d.centroid() : d.updated(), routing, activations);
          curves.put(gate, c);
          StringBuilder sb = new StringBuilder();
          for (CurvePoint p : c) {
            sb.append(
                String.format(
                    Locale.ROOT,
                    " %.2f→%.2f experts, recall %.4f;",
                    p.activation(),
                    p.avgExperts(),
                    p.recallAt10()));
          }
          System.out.printf(Locale.ROOT, "%s: %s gate, activation sweep:%s%n", d.name(), gate, sb);
        }
        report.activationCurve.put(d.name(), curves);
        System.out.printf(
            Locale.ROOT,
            "%s: recall@10 with the top 1/2/3/4 experts (no balancing): centroid %s, updated %s%n",
            d.name(),
            RoutingReport.fmt(topM.get("centroid")),
            RoutingReport.fmt(topM.get("updated")));
        TrafficReplay.Traffic traffic = new TrafficReplay.Traffic(d.pool().length, zipf, seed);
        TrafficReplay replay = new TrafficReplay(d, traffic, events, window, grain, seed);
        new TrafficReplay(d, traffic, Math.min(events, 500), window, grain, seed + 99)
            .run(
                "warm-up",
                d.centroid(),
                routing,
                ExpertPlacement.identity(d.centroid().experts()),
                LoadAwareRouter.ReplicaChoice.LEAST_LOADED);
        for (String gate : List.of("centroid", "updated")) {
          Gate g = gate.equals("centroid") ? d.centroid() : d.updated();
          leastLoaded(
              report, replay, gate, g, routing, alphas, ExpertPlacement.identity(g.experts()));
          if (replicas) {
            int[] log = traffic.draws(logEvents, seed + 1000);
            LoadAwareRouter plain = new LoadAwareRouter(g, routing.withAlpha(0));
            int[][] routedPool = new int[d.pool().length][];
            for (int q = 0; q < routedPool.length; q++) {
              routedPool[q] = plain.route(d.pool()[q], null).experts();
            }
            int[][] routedLog = new int[log.length][];
            for (int i = 0; i < log.length; i++) {
              routedLog[i] = routedPool[log[i]];
            }
            int slots = slotOption > 0 ? slotOption : g.experts();
            for (int m : minReplicas) {
              ExpertPlacement placement =
                  ExpertPlacementPlanner.planFromLog(
                      routedLog, g.experts(), slots, m, headroom, window);
              info.put(gate + "Placement" + m, placement.toString());
              report.add(
                  replay.run(
                      gate,
                      g,
                      routing.withAlpha(0),
                      placement,
                      LoadAwareRouter.ReplicaChoice.HASHED));
              leastLoaded(report, replay, gate, g, routing, alphas, placement);
            }
          }
        }
      }
    } finally {
      for (AutoCloseable c : closers) {
        c.close();
      }
    }
    System.out.println();
    System.out.println(RoutingReport.table(report));
    Json.write(json(), report);
    return 0;
  }

  /** One row per α: the least-loaded replica choice over {@code placement}. */
  private static void leastLoaded(
      RoutingReport report,
      TrafficReplay replay,
      String gateName,
      Gate gate,
      LoadAwareRoutingConfig routing,
      double[] alphas,
      ExpertPlacement placement) {
    for (double a : alphas) {
      report.add(
          replay.run(
              gateName,
              gate,
              routing.withAlpha(a),
              placement,
              LoadAwareRouter.ReplicaChoice.LEAST_LOADED));
    }
  }

  /** Recall@10 over the distinct pool when routing to the gate's top m experts, m = 1..4. */
  private static double[] recallTopM(Dataset d, Gate gate, LoadAwareRoutingConfig routing) {
    double[] out = new double[4];
    for (int m = 1; m <= 4; m++) {
      ActivationRule all = new ActivationRule(1.0, m, m);
      double sum = 0;
      for (int q = 0; q < d.pool().length; q++) {
        int[] experts = all.select(gate.logits(d.pool()[q]));
        sum +=
            recall(
                d.searcher().search(experts, d.pool()[q], K, routing.oversample()), d.exact()[q]);
      }
      out[m - 1] = sum / d.pool().length;
    }
    return out;
  }

  private static double[] parseList(String flag, String list) {
    String[] parts = list.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + ": '" + parts[i].trim() + "' is not a number");
      }
      if (!(out[i] >= 0) || Double.isInfinite(out[i])) {
        throw new IllegalArgumentException(flag + ": each value must be finite and >= 0");
      }
    }
    return out;
  }
}
