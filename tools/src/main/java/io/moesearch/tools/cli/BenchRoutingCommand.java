package io.moesearch.tools.cli;

import static io.moesearch.tools.bench.RoutingDatasets.K;
import static io.moesearch.tools.bench.RoutingDatasets.recall;

import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.ExpertPlacementPlanner;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.tools.bench.RoutingDatasets;
import io.moesearch.tools.bench.RoutingDatasets.Dataset;
import io.moesearch.tools.bench.RoutingReport;
import io.moesearch.tools.bench.RoutingReport.CurvePoint;
import io.moesearch.tools.bench.TrafficReplay;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code moe-search bench routing}: load-aware routing under Zipf-skewed traffic. */
final class BenchRoutingCommand implements Command {
  @Override
  public String name() {
    return "bench routing";
  }

  @Override
  public String summary() {
    return "load-aware routing under Zipf-skewed traffic: utilisation, experts, recall, QPS";
  }

  @Override
  public String help() {
    return """
        Usage: moe-search bench routing [options]

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
                     gate is trained on --train-queries generated queries.

        Options:
          --products N          synthetic catalogue size (default 1000000; 0 = skip)
          --distinct N          distinct synthetic queries in the pool (default 500)
          --train-queries N     synthetic queries the gate is re-learned on (default 10000)
          --events N            replayed events per configuration (default 20000)
          --window N            events per utilisation window (default 1000)
          --grain N             activations per slot per window of the second utilisation
                                figure (default 64)
          --zipf S              Zipf exponent (default 1.0)
          --alphas LIST         balance strengths to sweep, comma-separated (default 0,0.02,0.05,0.1,0.2)
          --activations LIST    activation thresholds of the gates' equal-recall comparison
                                (default 0.5,0.7,0.9,0.97)
          --slots N             serving slots of the replicated layout (default: the expert count)
          --min-replicas LIST   replicas every expert gets, one layout each (default 1,2,3)
          --headroom Z          most replica headroom tried, in standard deviations
                                                                            (routing.replica-headroom)
          --log-events N        events of the query log the layout is sized from (default 20000)
          --skip-replicas       no replicated-layout rows
          --seed N              seed of the replay, generator and sampling (default 7)
          --updated-index DIR   the re-learned Icecat artifact (default: train in memory)
          --hnsw-dir DIR        synthetic: retrieve with HNSW per expert (index.encoding,
                                index.hnsw-m, index.hnsw-beam-width, exact rescoring, as served)
                                instead of exact search; the experts' indexes are built into
                                DIR on index.parallelism threads, or reused from an earlier run
                                of the same catalogue and settings
          --skip-icecat         only the synthetic catalogue (no model, no artifact needed)
          --index DIR           artifact directory or root                  (index.path)
          --judgements CSV      judged queries                              (eval.judgements)
          --json FILE           write the figures as JSON
          --config FILE / --set KEY=VALUE
        """;
  }

  @Override
  public Map<String, String> valuedFlags() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String f :
        List.of(
            "products",
            "distinct",
            "train-queries",
            "events",
            "window",
            "zipf",
            "alphas",
            "slots",
            "min-replicas",
            "log-events",
            "grain",
            "activations",
            "seed",
            "updated-index",
            "hnsw-dir",
            "json")) {
      m.put(f, "");
    }
    m.put("headroom", "routing.replica-headroom");
    m.put("index", "index.path");
    m.put("judgements", "eval.judgements");
    return m;
  }

  @Override
  public List<String> switches() {
    return List.of("skip-icecat", "skip-replicas");
  }

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
  public int run(Args args) throws Exception {
    MoeSearchConfig config = args.config();
    LoadAwareRoutingConfig routing = config.loadAwareRouting();
    int products = args.intOption("products", 1_000_000, 0);
    int distinct = args.intOption("distinct", 500, 1);
    int trainQueries = args.intOption("train-queries", 10_000, 2);
    int events = args.intOption("events", 20_000, 1);
    int window = args.intOption("window", 1000, 1);
    int grain = args.intOption("grain", 64, 1);
    double zipf = args.doubleOption("zipf", 1.0, 0);
    int slotOption = args.intOption("slots", 0, 0);
    int[] minReplicas =
        java.util.Arrays.stream(
                parseList(
                    "--min-replicas",
                    args.option("min-replicas") == null ? "1,2,3" : args.option("min-replicas")))
            .mapToInt(x -> Math.max(1, (int) x))
            .toArray();
    int logEvents = args.intOption("log-events", 20_000, 1);
    double headroom = config.replicaHeadroom();
    boolean replicas = !args.flag("skip-replicas");
    long seed = args.intOption("seed", 7, 0);
    double[] activations =
        parseList(
            "--activations",
            args.option("activations") == null ? "0.5,0.7,0.9,0.97" : args.option("activations"));
    for (double a : activations) {
      if (!(a > 0 && a <= 1)) {
        throw new IllegalArgumentException("--activations: each value must be in (0, 1]");
      }
    }
    double[] alphas =
        parseList(
            "--alphas",
            args.option("alphas") == null ? "0,0.02,0.05,0.1,0.2" : args.option("alphas"));
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
      if (!args.flag("skip-icecat")) {
        sets.add(RoutingDatasets.icecat(config, args.option("updated-index"), closers));
      }
      if (products > 0) {
        String hnsw = args.option("hnsw-dir");
        sets.add(
            RoutingDatasets.synthetic(
                config,
                products,
                distinct,
                trainQueries,
                seed,
                hnsw == null ? null : Path.of(hnsw),
                closers));
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
    Json.write(args.option("json"), report);
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
