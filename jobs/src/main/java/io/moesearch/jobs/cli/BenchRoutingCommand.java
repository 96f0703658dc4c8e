package io.moesearch.jobs.cli;

import io.moesearch.core.artifact.ArtifactLayout;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.eval.Judgements;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertLoadTracker;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.ExpertPlacementPlanner;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.GateTrainer;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.LoadStats;
import io.moesearch.core.gate.Route;
import io.moesearch.core.gate.SphericalKMeans;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.IndexWriting;
import io.moesearch.core.retrieval.ExactReranker;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.core.synth.BruteForce;
import io.moesearch.core.synth.SyntheticCatalog;
import io.moesearch.core.util.Zipf;
import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** {@code moe-search bench routing}: load-aware routing under Zipf-skewed traffic. */
final class BenchRoutingCommand implements Command {
  static final int K = 10;

  /** Event-time spacing of replayed queries (100 queries/s of event time). */
  static final long EVENT_INTERVAL_MS = 10;

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

        Replicated experts: for each gate a placement (ExpertPlacement.plan) is sized from a query
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

  /**
   * One dataset: gates, the distinct query pool with exact top-10, expert search and each expert's
   * size (the vectors it holds).
   */
  record Dataset(
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
  interface Searcher {
    int[] search(int[] experts, float[] query, int k, int oversample);
  }

  /**
   * One measured configuration; field names are the JSON output's. {@code layout}: {@code experts}
   * (one copy each, utilisation over experts), {@code replicas/hashed} or {@code
   * replicas/least-loaded} (utilisation over slots).
   */
  public record Row(
      String dataset,
      String gate,
      String layout,
      double replication,
      double replicationPostings,
      double alpha,
      double utilisation,
      double bestUtilisation,
      double grainUtilisation,
      double loadEntropy,
      double avgExperts,
      double fastShare,
      double recallAt10,
      double qps,
      int events) {}

  /** The whole report. */
  public static final class Report {
    public Map<String, Object> machine = new LinkedHashMap<>();
    public Map<String, Object> settings = new LinkedHashMap<>();
    public Map<String, Object> datasets = new LinkedHashMap<>();
    public List<Row> rows = new ArrayList<>();

    /** dataset → gate → recall@10 when routing to the top m = 1, 2, 3, 4 experts (no balancing). */
    public Map<String, Map<String, double[]>> recallTopM = new LinkedHashMap<>();

    /**
     * dataset → gate → the activation rule swept over --activations (no balancing, no fast path):
     * experts activated against recall, to compare the gates at equal recall.
     */
    public Map<String, Map<String, List<CurvePoint>>> activationCurve = new LinkedHashMap<>();
  }

  /** One point of an activation sweep over the distinct query pool. */
  public record CurvePoint(double activation, double avgExperts, double recallAt10) {}

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
    Report report = new Report();
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
    report.settings.put("eventIntervalMs", EVENT_INTERVAL_MS);
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
        sets.add(icecat(config, args.option("updated-index"), closers));
      }
      if (products > 0) {
        String hnsw = args.option("hnsw-dir");
        sets.add(
            synthetic(
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
            fmt(topM.get("centroid")),
            fmt(topM.get("updated")));
        Traffic traffic = new Traffic(d.pool().length, zipf, seed);
        Replay replay = new Replay(d, traffic, events, window, grain, seed);
        new Replay(d, traffic, Math.min(events, 500), window, grain, seed + 99)
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
              add(
                  report,
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
    System.out.println(table(report));
    Json.write(args.option("json"), report);
    return 0;
  }

  /** One row per α: the least-loaded replica choice over {@code placement}. */
  private static void leastLoaded(
      Report report,
      Replay replay,
      String gateName,
      Gate gate,
      LoadAwareRoutingConfig routing,
      double[] alphas,
      ExpertPlacement placement) {
    for (double a : alphas) {
      add(
          report,
          replay.run(
              gateName,
              gate,
              routing.withAlpha(a),
              placement,
              LoadAwareRouter.ReplicaChoice.LEAST_LOADED));
    }
  }

  private static void add(Report report, Row r) {
    report.rows.add(r);
    System.out.println(line(r));
  }

  /** Seeded Zipf popularity over a query pool: which query has which rank is fixed by the seed. */
  static final class Traffic {
    final int[] perm;
    final double exponent;

    Traffic(int pool, double exponent, long seed) {
      this.exponent = exponent;
      perm = IntStream.range(0, pool).toArray();
      SplittableRandom rnd = new SplittableRandom(seed ^ 0xC0FFEEL);
      for (int i = perm.length - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
    }

    Zipf sampler(long seed) {
      return new Zipf(perm.length, exponent, seed);
    }

    /** A log of {@code events} pool queries drawn with this popularity (another sample). */
    int[] draws(int events, long seed) {
      int[] out = new int[events];
      Zipf z = sampler(seed);
      for (int i = 0; i < events; i++) {
        out[i] = perm[z.next()];
      }
      return out;
    }
  }

  private static Dataset icecat(
      MoeSearchConfig config, String updatedIndex, List<AutoCloseable> closers) throws Exception {
    Judgements judgements =
        Judgements.load(Path.of(config.string("eval.judgements")), BadLinePolicy.SKIP);
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
        int n = config.intRange("routing.update-queries", 1, 10_000_000);
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
                    config.intRange("routing.update-k", 1, 1000),
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
    for (io.moesearch.core.artifact.Manifest.ExpertInfo info :
        artifact.manifest().expertIndexes()) {
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
  private static boolean builtFor(Path root, String key) throws java.io.IOException {
    Path marker = root.resolve("BUILT");
    if (!Files.exists(marker)) {
      return false;
    }
    String built = Files.readString(marker, java.nio.charset.StandardCharsets.UTF_8).trim();
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
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        Integer[] order = IntStream.range(0, members.length).boxed().toArray(Integer[]::new);
        // Largest first, so the pool does not end waiting on one big expert.
        java.util.Arrays.sort(
            order, (a, b) -> Integer.compare(members[b].length, members[a].length));
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
        for (java.util.concurrent.Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      Files.writeString(root.resolve("BUILT"), key + "\n", java.nio.charset.StandardCharsets.UTF_8);
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

  private static io.moesearch.core.catalog.Catalog catalogue(MoeSearchConfig config)
      throws java.io.IOException {
    return new io.moesearch.core.catalog.CatalogLoader(config.badLines(), b -> {})
        .load(config.catalogPath());
  }

  /**
   * @param hnsw where the experts' HNSW indexes are (built if absent); {@code null}: exact search
   *     inside the activated experts
   */
  private static Dataset synthetic(
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
                config.intRange("routing.update-k", 1, 1000),
                config.gateTraining(),
                System.out::println)
            .result()
            .gate();
    Searcher searcher;
    String retrieval;
    if (hnsw != null) {
      List<ExpertIndex> indexes =
          syntheticIndexes(
              hnsw, reuse, hnswKey, data, members, s, config.intRange("index.parallelism", 1, 256));
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
            top.offer(o, io.moesearch.core.util.Vectors.dot(query, data[o]));
          }
        }
      }
      return top.ordinals();
    };
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

  /** A search's result and measured cost, kept for events that repeat it. */
  private record Searched(double recall, long nanos) {}

  /**
   * Replays {@code events} draws of {@code traffic} (seeded by {@code seed}), with utilisation
   * windows of {@code window} events and of {@code grain} activations per slot.
   */
  private record Replay(Dataset d, Traffic traffic, int events, int window, int grain, long seed) {

    /**
     * One configuration: loads counted over the placement's slots and the replica picked by {@code
     * choice} ({@link ExpertPlacement#identity}: one copy per expert, routed exactly as without a
     * layout).
     */
    Row run(
        String gateName,
        Gate gate,
        LoadAwareRoutingConfig routing,
        ExpertPlacement placement,
        LoadAwareRouter.ReplicaChoice choice) {
      int n = placement.slots();
      LoadAwareRouter router =
          new LoadAwareRouter(
              gate, routing, placement, new ExpertLoadTracker(n, routing.loadHalfLifeMs()), choice);
      Zipf zipf = traffic.sampler(seed);
      int[] perm = traffic.perm;
      Map<String, Searched> searched = new java.util.HashMap<>();
      Windows fixed = new Windows(n);
      Windows grained = new Windows(n);
      long[] expertCounts = new long[gate.experts()];
      double best = 0;
      long grainActivations = (long) grain * n;
      long activations = 0;
      long busy = 0;
      double experts = 0;
      double recall = 0;
      int fast = 0;
      for (int i = 0; i < events; i++) {
        int q = perm[zipf.next()];
        float[] query = d.pool()[q];
        long t0 = System.nanoTime();
        Route r = router.route(query, i * EVENT_INTERVAL_MS, i);
        busy += System.nanoTime() - t0;
        int[] sorted = r.experts().clone();
        java.util.Arrays.sort(sorted);
        Searched hit =
            searched.computeIfAbsent(
                q + "/" + r.oversample() + "/" + java.util.Arrays.toString(sorted),
                key -> {
                  long s0 = System.nanoTime();
                  int[] found = d.searcher().search(r.experts(), query, K, r.oversample());
                  long nanos = System.nanoTime() - s0;
                  return new Searched(recall(found, d.exact()[q]), nanos);
                });
        busy += hit.nanos();
        recall += hit.recall();
        experts += r.experts().length;
        fast += r.fast() ? 1 : 0;
        for (int e : r.experts()) {
          expertCounts[e]++;
        }
        for (int s : r.slots()) {
          fixed.counts[s]++;
          grained.counts[s]++;
        }
        activations += r.slots().length;
        if ((i + 1) % window == 0 || (i + 1 == events && fixed.closed == 0)) {
          best += ExpertPlacementPlanner.hindsightUtilisation(placement, List.of(expertCounts));
          java.util.Arrays.fill(expertCounts, 0);
          fixed.close();
        }
        if (activations >= grainActivations || (i + 1 == events && grained.closed == 0)) {
          grained.close();
          activations = 0;
        }
      }
      return new Row(
          d.name(),
          gateName,
          placement.isIdentity()
              ? "experts"
              : choice == LoadAwareRouter.ReplicaChoice.HASHED
                  ? "replicas/hashed"
                  : "replicas/least-loaded",
          placement.replicationFactor(),
          placement.replicationFactor(d.expertSizes()),
          routing.balanceAlpha(),
          fixed.utilisation / fixed.closed,
          best / fixed.closed,
          grained.utilisation / grained.closed,
          fixed.entropy / fixed.closed,
          experts / events,
          (double) fast / events,
          recall / events,
          events / (busy / 1e9),
          events);
    }
  }

  /** Tumbling windows of per-slot activation counts, summed figures of the closed ones. */
  private static final class Windows {
    final double[] counts;
    double utilisation;
    double entropy;
    int closed;

    Windows(int slots) {
      counts = new double[slots];
    }

    void close() {
      utilisation += LoadStats.utilisation(counts);
      entropy += LoadStats.normalisedEntropy(counts);
      closed++;
      java.util.Arrays.fill(counts, 0);
    }
  }

  private static double recall(int[] found, int[] exact) {
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

  private static String line(Row r) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %.2f× | %.2f× | %s | %.3f | %.3f | %.3f | %.3f | %.2f | %.0f%% | %.3f | %.0f |",
        r.dataset(),
        r.gate(),
        r.layout(),
        r.replication(),
        r.replicationPostings(),
        String.valueOf(r.alpha()),
        r.utilisation(),
        r.bestUtilisation(),
        r.grainUtilisation(),
        r.loadEntropy(),
        r.avgExperts(),
        100 * r.fastShare(),
        r.recallAt10(),
        r.qps());
  }

  static String table(Report report) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| dataset | gate | layout | memory (replicas) | memory (vectors) | α | utilisation | best (hindsight) | utilisation (grain windows) | load entropy | avg experts | fast path | recall@10 vs exact | QPS (route+retrieve, 1 thread) |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : report.rows) {
      sb.append(line(r)).append('\n');
    }
    return sb.toString();
  }

  private static String fmt(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (double x : v) {
      sb.append(sb.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.3f", x));
    }
    return sb.toString();
  }
}
