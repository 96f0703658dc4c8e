package io.moesearch.tools.cli;

import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.eval.LatencyStats;
import io.moesearch.core.util.Zipf;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.tools.bench.FreshnessTimeline;
import io.moesearch.tools.bench.FreshnessWorkload;
import io.moesearch.tools.bench.JitSettling;
import io.moesearch.tools.bench.RecallAfterDeletes;
import io.moesearch.tools.demo.PipelineDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code moe-search bench freshness}: the live catalogue under a stream of updates. */
@Command(
    name = "freshness",
    description = {
      "Stream catalogue updates beside queries; print update-to-searchable latency, query"
          + " latency with and without updates, stale items served, and recall after deletes.",
      "",
      """
            Starts the embedded pipeline (broker + search job on a MiniCluster), warms it (rounds
            of the query mix and of catalogue updates of products the phases do not touch, until
            the JIT compiler has settled: --jit-settled-share, --max-warmup-seconds), then
            runs two phases at --rate queries/s: --seconds without updates, then with
            --updates-per-sec catalogue updates (a seeded mix, each of a different
            shipped product: new products, text changes, price patches, stock-outs, deletes) for
            --seconds and --tail more seconds of queries. A tracked share of the updates is probed:
            its product's own title (under in_stock for a stock-out) asked at fixed offsets after
            the update (and once before a removal); the other queries are background: --hit-share
            repeats of --popular popular queries, the rest never-seen title prefixes, every other
            one with the in_stock filter. The phase without updates sends the same stream with
            each probe replaced by the title of a product no update touches, so both phases put
            the same mix on the job. Update-to-searchable = produce time to the
            ts_out of the first probe answer that reflects it (found, new title or price shown,
            or absent in an answer searched in full; answers turned away as overloaded show
            nothing). Query latency is in job, over background answers that were searched. Stale = a deleted (or, under in_stock, out-of-stock) product, or an old
            price, in an answer accepted after the change had been seen searchable. Then, in
            process: routed recall@10 against exact search over the remaining products after
            deleting --delete-share of the catalogue (the served artifact with the deleted
            products skipped inside HNSW, as the job does), beside a fresh rebuild of the same remaining
            products with the index build's code."""
    })
final class BenchFreshnessCommand extends CliCommand {
  @Option(
      names = "--updates-per-sec",
      paramLabel = "U",
      defaultValue = "50",
      description = "Catalogue updates per second.")
  private double updatesPerSec;

  @Option(
      names = "--rate",
      paramLabel = "Q",
      defaultValue = "100",
      description = "Queries per second (probes and background).")
  private double rate;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "60",
      description = "Duration of each phase (updates stream for this long).")
  private int seconds;

  @Option(
      names = "--tail",
      paramLabel = "S",
      defaultValue = "15",
      description = "Seconds of queries after the last update (late probes).")
  private int tail;

  @Option(
      names = "--warmup-seconds",
      paramLabel = "S",
      defaultValue = "20",
      description =
          "Seconds of the mix per warm-up round, at the same query rate, before the phases;"
              + " rounds run until the JIT has settled (--jit-settled-share).")
  private int warmupSeconds;

  @Option(
      names = "--warmup-updates",
      paramLabel = "N",
      defaultValue = "-1",
      description =
          "Catalogue updates sent during the warm-up rounds, at the update rate, cycling over as"
              + " many products as the update phase changes (a bounded delta); -1: as many as the"
              + " rounds last (every round carries updates, so the JIT settles with the update"
              + " path compiled, as in a job that takes updates all day).")
  private int warmupUpdates;

  @Mixin private JitWarmUpOptions jitWarmUp;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "42",
      description = "Seeds updates, queries, deletes.")
  private long seed;

  @Option(
      names = "--tracked-share",
      paramLabel = "SHARE",
      defaultValue = "0",
      description =
          "Share of the updates probed, in (0, 1]; 0 = as many as keep probes within"
              + " --probe-share of the query stream.")
  private double trackedShare;

  @Option(
      names = "--probe-share",
      paramLabel = "SHARE",
      defaultValue = "0.6",
      description = "At most this share of the queries are probes.")
  private double probeShare;

  @Option(
      names = "--target-ms",
      paramLabel = "MS",
      defaultValue = "1000",
      description = "Removals served later than this after their update are counted too.")
  private long targetMs;

  @Option(
      names = "--hit-share",
      paramLabel = "SHARE",
      defaultValue = "0.5",
      description =
          "Share of the background queries that repeat popular (cached) queries, in [0, 0.95].")
  private double hitShare;

  @Option(
      names = "--popular",
      paramLabel = "N",
      defaultValue = "200",
      description = "Distinct popular queries the repeats draw from (Zipf, exponent 1).")
  private int popular;

  @Option(
      names = "--delete-share",
      paramLabel = "SHARE",
      defaultValue = "0.2",
      description = "Share of the catalogue deleted for the recall measurement.")
  private double deleteShare;

  @Option(
      names = "--recall-queries",
      paramLabel = "N",
      defaultValue = "500",
      description = "Queries (seeded title prefixes) of the recall measurement.")
  private int recallQueries;

  /** The JSON output. */
  public static final class Report {
    /** The warm-up: rounds of the mix until the JIT settled (or the cap). */
    public JitSettling.Result warmUp;

    /**
     * Catalogue updates sent during the warm-up (at the update rate, at most as many as the update
     * phase sends, of products the phases neither change nor ask for; the phases run on the
     * catalogue they left).
     */
    public int warmUpUpdates;

    public double updatesPerSecTarget;
    public double queriesPerSecTarget;
    public int seconds;
    public long seed;
    public double trackedShare;
    public double updateToSearchableP50Ms;
    public double updateToSearchableP99Ms;
    public boolean updateToSearchableP99IsLowerBound;
    public int staleItemsServed;
    public int stalePricesServed;
    public int removedServedAfterTarget;
    public double queryP50MsWithUpdates;
    public double queryP99MsWithUpdates;
    public double queryP50MsWithoutUpdates;
    public double queryP99MsWithoutUpdates;
    public double overloadedShareWithUpdates;
    public double overloadedShareWithoutUpdates;
    public double queryE2eP99MsWithUpdates;
    public double queryE2eP99MsWithoutUpdates;
    public double updatesPerSecAchieved;
    public double queriesPerSecAchievedWithUpdates;
    public double queriesPerSecAchievedWithoutUpdates;
    public int queriesSentWithUpdates;
    public int answersWithUpdates;
    public int probesSent;

    /**
     * Probe-like queries in the phase without updates: unchanged products' titles in the probes'
     * slots ({@link FreshnessWorkload#control}).
     */
    public int controlProbes;

    public double recallAfterDeletes;
    public double recallFreshRebuild;
    public RecallAfterDeletes.Result recall;
    public FreshnessTimeline.Figures timeline;
    public PipelineDriver.Figures withUpdates;
    public PipelineDriver.Figures withoutUpdates;
  }

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    atLeast("--updates-per-sec", updatesPerSec, 0.01);
    atLeast("--rate", rate, 0.01);
    atLeast("--seconds", seconds, 1);
    atLeast("--tail", tail, 0);
    atLeast("--warmup-seconds", warmupSeconds, 0);
    atLeast("--warmup-updates", warmupUpdates, -1);
    jitWarmUp.check();
    atLeast("--recall-queries", recallQueries, 1);
    if (targetMs < 0) {
      throw new ConfigException("--target-ms must be >= 0, got " + targetMs);
    }
    if (!(trackedShare >= 0 && trackedShare <= 1) || !(probeShare > 0 && probeShare <= 1)) {
      throw new ConfigException("--tracked-share must be in [0, 1] and --probe-share in (0, 1]");
    }
    atLeast("--popular", popular, 1);
    within("--hit-share", hitShare, 0, 0.95);
    if (!(deleteShare >= 0 && deleteShare < 1)) {
      throw new ConfigException("--delete-share must be in [0, 1), got " + deleteShare);
    }
    IndexArtifact artifact = DemoCommand.ensureIndex(config);
    Catalog catalog = new CatalogLoader(config.badLines(), b -> {}).load(config.catalogPath());
    BenchOverloadCommand.DistinctTexts texts =
        new BenchOverloadCommand.DistinctTexts(catalog, seed);
    List<String> pool = new ArrayList<>();
    for (SearchQuery q : texts.take("pop-", popular)) {
      pool.add(q.text());
    }
    Background background = new Background(texts, pool, hitShare, seed);
    double tracked =
        trackedShare > 0
            ? trackedShare
            : FreshnessWorkload.Settings.autoTrackedShare(
                updatesPerSec, rate, seconds, tail, probeShare);
    FreshnessWorkload.Plan plan =
        FreshnessWorkload.plan(
            catalog,
            new FreshnessWorkload.Settings(
                updatesPerSec, rate, seconds, tail, tracked, probeShare, seed),
            background);
    List<SearchQuery> control =
        FreshnessWorkload.control(
            plan,
            catalog,
            Math.min(plan.queries().size(), (int) Math.round(seconds * rate)),
            seed,
            background);
    Report report = new Report();
    report.controlProbes =
        (int) control.stream().filter(q -> q.queryId().startsWith("control-")).count();
    report.updatesPerSecTarget = updatesPerSec;
    report.queriesPerSecTarget = rate;
    report.seconds = seconds;
    report.seed = seed;
    report.trackedShare = tracked;
    report.probesSent = plan.probes();
    System.out.printf(
        Locale.ROOT,
        "plan: %d updates at %.0f/s, %d queries at %.0f/s (%d probes of %.1f%% of the updates)%n",
        plan.updates().size(),
        updatesPerSec,
        plan.queries().size(),
        rate,
        plan.probes(),
        100 * tracked);

    long[] producedAt = new long[plan.updates().size()];
    Arrays.fill(producedAt, -1);
    List<SearchResult> answers = Collections.synchronizedList(new ArrayList<>());
    try (EmbeddedPipeline pipeline = EmbeddedPipeline.startLocal(config, artifact)) {
      int warm = (int) Math.round(warmupSeconds * rate);
      System.out.printf("warming: %d popular queries, then %d of the mix%n", pool.size(), warm);
      List<SearchQuery> popularQueries = new ArrayList<>();
      for (int i = 0; i < pool.size(); i++) {
        popularQueries.add(new SearchQuery("pop-" + i, pool.get(i), 10, null, 0, null));
      }
      PipelineDriver.run(pipeline, popularQueries, List.of(), rate / 2, timeout(), r -> {});
      if (warm > 0) {
        // Updates too, at the update rate in every round, so that the update path (embedding
        // products, applying deltas and reopening the slots' delta readers, the cache's coherence
        // checks) is compiled before the phases and the JIT settles with it, not during the phase
        // with updates (where the compiler threads took 12 s of CPU in 75 s when only the first
        // rounds carried updates). They cycle over as many products as the update phase changes,
        // so the phases start from a live delta of that size however long the warm-up (a first
        // run sent 13,000 updates of distinct products, two thirds of the catalogue).
        int warmCount =
            warmupUpdates >= 0
                ? warmupUpdates
                : (int) Math.round(updatesPerSec * jitWarmUp.maxSeconds);
        List<FreshnessWorkload.Planned> warmUpdates =
            FreshnessWorkload.warmUpUpdates(
                catalog, plan, control, warmCount, Math.max(1, plan.updates().size()), seed);
        int perRound = (int) Math.round(updatesPerSec * warmupSeconds);
        int[] warmSent = {0};
        report.warmUp =
            jitWarmUp.warm(
                i -> {
                  List<SearchQuery> round = background.takeWarmUp("warm" + i + "-", warm);
                  int end = Math.min(warmUpdates.size(), warmSent[0] + perRound);
                  PipelineDriver.run(
                      pipeline,
                      round,
                      List.of(),
                      rate,
                      timeout(),
                      r -> {},
                      k -> {
                        // as many updates as are due after k of the round's queries
                        long due = Math.min(end, (long) i * perRound + (long) k * perRound / warm);
                        while (warmSent[0] < due) {
                          pipeline.sendUpdate(
                              warmUpdates.get(warmSent[0]).at(System.currentTimeMillis()));
                          warmSent[0]++;
                        }
                      });
                });
        report.warmUpUpdates = warmSent[0];
        System.out.printf("warm-up: %d catalogue updates sent%n", warmSent[0]);
      }

      System.out.printf(
          "phase 1: %d s of queries, no updates (%d control probes)%n",
          seconds, report.controlProbes);
      LatencyStats without = new LatencyStats();
      report.withoutUpdates =
          PipelineDriver.run(
              pipeline,
              control,
              List.of(),
              rate,
              timeout(),
              r -> {
                if (!r.queryId().startsWith("control-")
                    && !r.degraded().equals(SearchResult.OVERLOADED)) {
                  without.add(r.latency().totalMs());
                }
              });
      report.queryP50MsWithoutUpdates = without.percentile(50);
      report.queryP99MsWithoutUpdates = without.percentile(99);

      System.out.printf(
          "phase 2: %d s of updates + %d s tail, queries throughout%n", seconds, tail);
      LatencyStats with = new LatencyStats();
      int[] sent = {0};
      report.withUpdates =
          PipelineDriver.run(
              pipeline,
              plan.queries(),
              List.of(),
              rate,
              timeout(),
              r -> {
                answers.add(r);
                if (!plan.probeOf().containsKey(r.queryId())
                    && !r.degraded().equals(SearchResult.OVERLOADED)) {
                  with.add(r.latency().totalMs());
                }
              },
              k -> {
                while (sent[0] < plan.updatesBefore()[k]) {
                  long now = System.currentTimeMillis();
                  producedAt[sent[0]] = now;
                  pipeline.sendUpdate(plan.updates().get(sent[0]).at(now));
                  sent[0]++;
                }
              });
      report.queryP50MsWithUpdates = with.percentile(50);
      report.queryP99MsWithUpdates = with.percentile(99);
      int n = sent[0];
      report.updatesPerSecAchieved =
          n < 2 ? 0 : (n - 1) * 1000.0 / (producedAt[n - 1] - producedAt[0]);
    }
    report.queryE2eP99MsWithUpdates = report.withUpdates.e2eP99Ms;
    report.queryE2eP99MsWithoutUpdates = report.withoutUpdates.e2eP99Ms;
    report.queriesPerSecAchievedWithUpdates =
        report.withUpdates.queriesSent / report.withUpdates.sendSeconds;
    report.queriesPerSecAchievedWithoutUpdates =
        report.withoutUpdates.queriesSent / report.withoutUpdates.sendSeconds;
    report.overloadedShareWithUpdates = overloadedShare(report.withUpdates);
    report.overloadedShareWithoutUpdates = overloadedShare(report.withoutUpdates);
    report.queriesSentWithUpdates = report.withUpdates.queriesSent;
    report.answersWithUpdates = answers.size();
    FreshnessTimeline.Figures t =
        FreshnessTimeline.analyse(plan, producedAt, List.copyOf(answers), targetMs);
    report.timeline = t;
    report.updateToSearchableP50Ms = t.updateToSearchableP50Ms;
    report.updateToSearchableP99Ms = t.updateToSearchableP99Ms;
    report.updateToSearchableP99IsLowerBound = t.p99IsLowerBound;
    report.staleItemsServed = t.staleItemsServed;
    report.stalePricesServed = t.stalePricesServed;
    report.removedServedAfterTarget = t.removedServedAfterTarget;

    System.out.printf(
        "recall: deleting %.0f%% of the catalogue, %d queries (in process)%n",
        100 * deleteShare, recallQueries);
    report.recall = recall(config, artifact, catalog, texts);
    report.recallAfterDeletes = report.recall.recallAfterDeletes();
    report.recallFreshRebuild = report.recall.recallFreshRebuild();
    print(report);
    Json.write(json(), report);
    return report.staleItemsServed + report.stalePricesServed > 0 ? 1 : 0;
  }

  private static Duration timeout() {
    return Duration.ofMinutes(3);
  }

  private static double overloadedShare(PipelineDriver.Figures f) {
    return f.resultsReceived == 0
        ? 0
        : f.degraded.getOrDefault(SearchResult.OVERLOADED, 0) / (double) f.resultsReceived;
  }

  /**
   * Background queries: with probability {@code hitShare} a repeat of a popular query (Zipf), else
   * a never-seen one, every other of which asks with the in_stock filter.
   */
  static final class Background implements Function<String, SearchQuery> {
    private static final Filters IN_STOCK = new Filters(null, null, null, true);
    private final BenchOverloadCommand.DistinctTexts texts;
    private final List<String> pool;
    private final double hitShare;
    private final Random random;
    private final Zipf zipf;
    private int distinct;

    Background(
        BenchOverloadCommand.DistinctTexts texts, List<String> pool, double hitShare, long seed) {
      this.texts = texts;
      this.pool = pool;
      this.hitShare = hitShare;
      this.random = new Random(seed + 1);
      this.zipf = new Zipf(pool.size(), 1.0, seed + 2);
    }

    @Override
    public SearchQuery apply(String id) {
      return mix(id, texts::next);
    }

    /** A repeat of a popular query, or (every other one under in_stock) a never-seen one. */
    private SearchQuery mix(String id, Function<String, SearchQuery> neverSeen) {
      if (random.nextDouble() < hitShare) {
        return new SearchQuery(id, pool.get(zipf.next()), 10, null, 0, null);
      }
      SearchQuery q = neverSeen.apply(id);
      return distinct++ % 2 == 1
          ? new SearchQuery(id, q.text(), q.topK(), IN_STOCK, q.ts(), q.sessionId())
          : q;
    }

    List<SearchQuery> take(String prefix, int n) {
      List<SearchQuery> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(apply(prefix + i));
      }
      return out;
    }

    /**
     * The same mix for warming up, its never-seen texts from {@link
     * BenchOverloadCommand.DistinctTexts#warmUp}: a long warm-up takes none of the texts the phases
     * are planned with, and cannot exhaust them.
     */
    List<SearchQuery> takeWarmUp(String prefix, int n) {
      List<SearchQuery> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(mix(prefix + i, texts::warmUp));
      }
      return out;
    }
  }

  private RecallAfterDeletes.Result recall(
      MoeSearchConfig config,
      IndexArtifact artifact,
      Catalog catalog,
      BenchOverloadCommand.DistinctTexts texts)
      throws Exception {
    Set<String> deleted = RecallAfterDeletes.sample(artifact.ids(), deleteShare, seed);
    List<String> queryTexts = new ArrayList<>();
    for (SearchQuery q : texts.take("recall-", recallQueries)) {
      queryTexts.add(q.text());
    }
    List<float[]> vectors;
    try (EmbeddingModel model = EmbeddingModel.load(config.embedder());
        Embedder embedder = model.newEmbedder()) {
      vectors = Arrays.asList(embedder.embed(queryTexts));
    }
    Path work = Files.createTempDirectory("moe-freshness-");
    try {
      return RecallAfterDeletes.measure(
          artifact,
          catalog,
          deleted,
          vectors,
          config.loadAwareRouting(),
          config.buildSettings(),
          work);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void print(Report r) {
    FreshnessTimeline.Figures t = r.timeline;
    System.out.printf(
        Locale.ROOT,
        "%n%.0f updates/s (achieved %.1f) beside %.0f queries/s, %d s, seed %d; %d tracked updates:"
            + " %d measured, %d never seen reflected, %d unverifiable%n%n",
        r.updatesPerSecTarget,
        r.updatesPerSecAchieved,
        r.queriesPerSecTarget,
        r.seconds,
        r.seed,
        t.trackedUpdates,
        t.measured,
        t.censored,
        t.unverifiable);
    System.out.println("| figure | value |");
    System.out.println("|---|---|");
    row(
        "update-to-searchable p50 / p99 ms",
        "%s / %s%s",
        ms(t.updateToSearchableP50Ms),
        ms(t.updateToSearchableP99Ms),
        t.p99IsLowerBound ? " (lower bound)" : "");
    row("probe resolution p50 / p99 ms", "%s / %s", ms(t.resolutionP50Ms), ms(t.resolutionP99Ms));
    row("stale items served (deleted / out of stock under in_stock)", "%d", r.staleItemsServed);
    row("stale prices served", "%d", r.stalePricesServed);
    row(
        "removed products served > " + t.targetMs + " ms after the update",
        "%d",
        r.removedServedAfterTarget);
    row(
        "query p50 / p99 ms in job, without updates",
        "%s / %s",
        ms(r.queryP50MsWithoutUpdates),
        ms(r.queryP99MsWithoutUpdates));
    row(
        "query p50 / p99 ms in job, with updates",
        "%s / %s",
        ms(r.queryP50MsWithUpdates),
        ms(r.queryP99MsWithUpdates));
    row(
        "answered overloaded (not searched), without / with updates",
        "%.3f / %.3f",
        r.overloadedShareWithoutUpdates,
        r.overloadedShareWithUpdates);
    row(
        "query e2e p99 ms without / with updates",
        "%s / %s",
        ms(r.queryE2eP99MsWithoutUpdates),
        ms(r.queryE2eP99MsWithUpdates));
    row(
        "routed recall@10 after deleting " + r.recall.deleted() + " products",
        "%.3f",
        r.recallAfterDeletes);
    row(
        "routed recall@10, fresh rebuild of the " + r.recall.remaining() + " left",
        "%.3f",
        r.recallFreshRebuild);
    System.out.println("\nJVM without updates: " + r.withoutUpdates.jvm.describe());
    System.out.println("JVM with updates: " + r.withUpdates.jvm.describe());
    System.out.println("by kind (ms): " + t.byKind);
    t.staleExamples.forEach(e -> System.out.println("stale: " + e));
    t.slowExamples.forEach(e -> System.out.println("slower than the target: " + e));
  }

  private static void row(String what, String format, Object... args) {
    System.out.printf(Locale.ROOT, "| %s | " + format + " |%n", prepend(what, args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f", v);
  }
}
