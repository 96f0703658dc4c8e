package io.moesearch.tools.cli;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.tools.bench.Ceiling;
import io.moesearch.tools.bench.JitSettling;
import io.moesearch.tools.bench.LatencyLog;
import io.moesearch.tools.demo.PipelineDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code moe-search bench pipeline}: throughput and end-to-end latency through Kafka. */
@Command(
    name = "pipeline",
    description = {
      "Drive the embedded pipeline through Kafka at a rate; print throughput and latency.",
      "",
      """
            Starts the embedded pipeline (real Kafka broker + the streaming job on Flink's MiniCluster),
            sends Q distinct (uncached) queries at R queries/s — each the first 2 to 5 words of a seeded
            random product title (shoppers' queries are short: "HP Pavilion dv7", "Canon 710 Original"),
            and reports throughput and end-to-end latency p50/p95/p99 (produce time → result consumed,
            producer and consumer on threads of their own) and in-job latency, with the cache on and
            off (each on a fresh pipeline, same queries; with both, in the order on, off, off, on,
            each mode's figures the mean of its two runs). First an unmeasured pipeline warms the
            JVM with rounds of never-seen queries until the JIT compiler has settled
            (--jit-settled-share, --max-warmup-seconds); then it measures what the cores can do at
            all on the same queries (embedder alone, retrieval alone: see Ceiling) and reports each
            run's throughput as a ratio of that ceiling; then a second unmeasured pipeline settles
            the JIT again (the ceiling's code changed what it had compiled). Each run has a warm-up
            first (--warmup) so its own start-up is not measured."""
    })
final class BenchPipelineCommand extends CliCommand {
  /** Never-seen queries per JIT warm-up round. */
  private static final int WARM_UP_ROUND = 600;

  @Option(
      names = "--queries",
      paramLabel = "Q",
      defaultValue = "2000",
      description = "Measured queries.")
  private int queries;

  @Option(
      names = "--rate",
      paramLabel = "R",
      defaultValue = "100",
      description = "Target rate, queries/s (0 = as fast as possible).")
  private double rateOption;

  @Option(
      names = "--warmup",
      paramLabel = "W",
      defaultValue = "300",
      description = "Warm-up queries sent first at the same rate.")
  private int warmupOption;

  @Option(
      names = "--cache",
      paramLabel = "MODE",
      defaultValue = "both",
      description =
          "Run the pipeline with the cache on, off, or both (on, off, off, on: each mode"
              + " measured twice, at the same mean position in the run).")
  private String cacheMode;

  @Option(
      names = "--skip-jvm-warmup",
      description =
          "No unmeasured pipelines (by default one runs first, cache on, rounds of never-seen"
              + " queries until the JIT compiler has settled, so that no measured run is the"
              + " JVM's warm-up, and another after the ceiling).")
  private boolean skipJvmWarmup;

  @Option(
      names = "--latency-log",
      paramLabel = "FILE",
      description =
          "Also write every measured answer as a CSV line (mode, run, accepted and answered times,"
              + " in-job and stage latencies, cache path, degradation level): when the tail"
              + " happens, which percentiles do not show.")
  private Path latencyLog;

  @Mixin private JitWarmUpOptions jitWarmUp;

  @Spec private CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    int q = atLeast("--queries", queries, 1);
    double rate = atLeast("--rate", rateOption, 0);
    int warmup = atLeast("--warmup", warmupOption, 0);
    List<Boolean> modes = cacheModes(); // before the warm-up and the ceiling, not after
    jitWarmUp.check();
    // Opened now so that a path it cannot write fails before minutes of warm-up, not after.
    LatencyLog log = latencyLog == null ? null : LatencyLog.create(latencyLog);
    IndexArtifact artifact = DemoCommand.ensureIndex(config);
    Catalog catalog = new CatalogLoader(config.badLines(), b -> {}).load(config.catalogPath());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < catalog.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(11));
    List<SearchQuery> warm = new ArrayList<>();
    List<SearchQuery> measured = new ArrayList<>();
    Random words = new Random(13);
    Set<String> distinct = new HashSet<>();
    for (int i = 0, o = 0; i < warmup + q && o < order.size(); o++) {
      String[] w = catalog.get(order.get(o)).title().split("\\s+");
      String text = String.join(" ", Arrays.copyOf(w, Math.min(w.length, 2 + words.nextInt(4))));
      if (!distinct.add(text)) {
        continue;
      }
      SearchQuery sq =
          new SearchQuery((i < warmup ? "warm-" : "bench-") + i, text, 10, null, 0, null);
      (i < warmup ? warm : measured).add(sq);
      i++;
    }
    Report report = new Report();
    BenchOverloadCommand.DistinctTexts warmTexts =
        new BenchOverloadCommand.DistinctTexts(catalog, 19);
    if (!skipJvmWarmup) {
      // The first pipeline of a JVM ran 25-35% slower than the later ones even after its own
      // warm-up queries (measured: 77 vs 104-108 q/s): the JIT compiles Flink's, Kafka's and the
      // job's code on it (for about two minutes on 2 cores), and the heap grows. Its figures would
      // charge that to one mode. This pipeline runs rounds of never-seen queries until the JIT has
      // settled.
      System.out.println("JVM warm-up pipeline (not measured)");
      report.warmUp = settleJit(config, artifact, warmTexts, rate, "jit-warm");
    }
    System.out.printf("ceiling: %d queries outside Flink and Kafka ...%n", measured.size());
    report.ceiling =
        Ceiling.measure(config, artifact, measured.stream().map(SearchQuery::text).toList());
    System.out.printf(
        Locale.ROOT,
        "ceiling on %d threads: embedder %.1f/s, retrieval %.1f/s, both on the same cores %.1f/s%n",
        report.ceiling.threads,
        report.ceiling.embedPerSec,
        report.ceiling.retrievalPerSec,
        report.ceiling.combinedPerSec);
    if (!skipJvmWarmup) {
      // The ceiling runs the embedder and retrieval outside Flink; the JIT recompiles what that
      // changed on the next pipeline (measured: JIT compiler threads 2.7 s of CPU in the first
      // measured run after it, 1.5, 0.7 and 0.5 s in the three after that, ~14% of the first run's
      // CPU). That drift is not linear, so ABBA would charge most of it to the mode that runs
      // first. A second unmeasured pipeline settles the JIT again; ABBA takes what is left.
      System.out.println("JIT re-settle pipeline after the ceiling (not measured)");
      report.warmUpAfterCeiling = settleJit(config, artifact, warmTexts, rate, "jit-resettle");
    }
    boolean timedOut = false;
    Map<Boolean, List<PipelineDriver.Figures>> byMode = new LinkedHashMap<>();
    // try-with-resources skips a null resource: no log unless asked for.
    try (log) {
      for (boolean cacheOn : cacheOrder(modes)) {
        String mode = cacheOn ? "on" : "off";
        int run = byMode.getOrDefault(cacheOn, List.of()).size() + 1;
        Consumer<SearchResult> onMeasured = log == null ? r -> {} : r -> log.write(mode, run, r);
        PipelineDriver.Figures f =
            drive(config, artifact, cacheOn, warm, measured, rate, onMeasured);
        System.out.printf(
            Locale.ROOT,
            "cache %s: %.1f full answers/s; %d cache fills written; JVM over the run %s%n",
            mode,
            f.fullAnswersPerSec,
            f.cacheFillsWritten,
            f.jvm.describe());
        byMode.computeIfAbsent(cacheOn, k -> new ArrayList<>()).add(f);
        timedOut |= f.timedOut;
      }
    }
    if (byMode.containsKey(true)) {
      report.cacheOn = new Run(byMode.get(true), report.ceiling);
    }
    if (byMode.containsKey(false)) {
      report.cacheOff = new Run(byMode.get(false), report.ceiling);
    }
    System.out.printf(
        "%n| cache | queries | target rate/s | answers/s | full answers/s | ratio to ceiling | degraded | e2e p50 ms | e2e p99 ms | in-job p50 ms | in-job p99 ms | avg experts |%n|---|---|---|---|---|---|---|---|---|---|---|---|%n");
    Map<String, Run> runs = new LinkedHashMap<>();
    if (report.cacheOn != null) {
      runs.put("on", report.cacheOn);
    }
    if (report.cacheOff != null) {
      runs.put("off", report.cacheOff);
    }
    runs.forEach(
        (mode, r) ->
            System.out.printf(
                Locale.ROOT,
                "| %s | %d | %s | %.1f | %.1f | %.2f | %.1f%% | %.1f | %.1f | %.1f | %.1f | %.2f |%n",
                mode,
                r.pipeline.resultsReceived,
                rate == 0 ? "max" : String.valueOf(rate),
                r.throughputPerSec,
                r.fullAnswersPerSec,
                r.ratioToCeiling,
                100 * r.degradedShare,
                r.e2eP50Ms,
                r.e2eP99Ms,
                r.inJobP50Ms,
                r.inJobP99Ms,
                r.avgExperts));
    runs.forEach(
        (mode, r) -> {
          for (int i = 0; i < r.runs.size(); i++) {
            System.out.printf(
                Locale.ROOT,
                "in-job stages (ms), cache %s, run %d of %d: %s%n",
                mode,
                i + 1,
                r.runs.size(),
                r.runs.get(i).stageMs);
          }
        });
    if (report.cacheOn != null && report.cacheOff != null) {
      report.cacheOnToOffThroughput =
          report.cacheOn.fullAnswersPerSec / Math.max(1e-9, report.cacheOff.fullAnswersPerSec);
      System.out.printf(
          Locale.ROOT,
          "cache-on / cache-off full answers per second: %.2f%n",
          report.cacheOnToOffThroughput);
    }
    if (timedOut) {
      System.out.println("TIMED OUT: not every query was answered");
    }
    Json.write(json(), report);
    return timedOut ? 1 : 0;
  }

  /** Runs rounds of never-seen queries on an unmeasured pipeline until the JIT has settled. */
  private JitSettling.Result settleJit(
      MoeSearchConfig config,
      IndexArtifact artifact,
      BenchOverloadCommand.DistinctTexts texts,
      double rate,
      String prefix)
      throws Exception {
    try (EmbeddedPipeline pipeline = EmbeddedPipeline.startLocal(config, artifact)) {
      return jitWarmUp.warm(
          i ->
              PipelineDriver.run(
                  pipeline,
                  texts.takeWarmUp(prefix + i + "-", WARM_UP_ROUND),
                  List.of(),
                  rate,
                  Duration.ofMinutes(5),
                  r -> {}));
    }
  }

  /**
   * Runs one fresh pipeline with the cache on or off: {@code warm} first (if any), then {@code
   * measured}, both at {@code rate}; returns the figures of {@code measured}.
   */
  private static PipelineDriver.Figures drive(
      MoeSearchConfig config,
      IndexArtifact artifact,
      boolean cacheOn,
      List<SearchQuery> warm,
      List<SearchQuery> measured,
      double rate,
      Consumer<SearchResult> onMeasured)
      throws Exception {
    String mode = cacheOn ? "on" : "off";
    try (EmbeddedPipeline pipeline =
        EmbeddedPipeline.startLocal(
            config.with(Map.of("cache.enabled", String.valueOf(cacheOn))), artifact)) {
      if (!warm.isEmpty()) {
        System.out.printf("cache %s, warm-up: %d queries%n", mode, warm.size());
        PipelineDriver.run(pipeline, warm, List.of(), rate, Duration.ofMinutes(5), r -> {});
      }
      System.out.printf(
          "cache %s, measuring: %d queries at %s/s%n",
          mode, measured.size(), rate == 0 ? "max" : rate);
      long fillsBefore = pipeline.cacheFillRecords();
      PipelineDriver.Figures f =
          PipelineDriver.run(
              pipeline, measured, List.of(), rate, Duration.ofMinutes(10), onMeasured);
      f.cacheFillsWritten = pipeline.cacheFillRecords() - fillsBefore;
      return f;
    }
  }

  /**
   * The order the pipelines run in: one run for a single mode; for both, on, off, off, on (ABBA).
   * Each pipeline is fresh but the JVM is not: code the first pipeline made the JIT compile serves
   * the later ones, so whichever mode ran first was measured colder (measured: cache off ran 10-15%
   * faster second than first). In ABBA order both modes sit at the same mean position, which
   * cancels such a drift if it is linear; the one the ceiling causes is not, and the JIT is settled
   * again after it, before the first of these runs.
   */
  static List<Boolean> cacheOrder(List<Boolean> modes) {
    return modes.size() == 1 ? modes : List.of(true, false, false, true);
  }

  private List<Boolean> cacheModes() {
    return switch (cacheMode) {
      case "on" -> List.of(true);
      case "off" -> List.of(false);
      case "both" -> List.of(true, false);
      default ->
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(), "--cache must be on, off or both, got '" + cacheMode + "'");
    };
  }

  /** The JSON output. */
  public static final class Report {
    public Ceiling.Figures ceiling;

    /** The unmeasured JVM warm-up: rounds until the JIT settled (or the cap); null if skipped. */
    public JitSettling.Result warmUp;

    /** The same after the ceiling, right before the measured runs; null if skipped. */
    public JitSettling.Result warmUpAfterCeiling;

    public Run cacheOn;
    public Run cacheOff;

    /** cacheOn.fullAnswersPerSec / cacheOff.fullAnswersPerSec (when both ran). */
    public Double cacheOnToOffThroughput;
  }

  /**
   * One mode's figures: with one run its figures; with two (ABBA order) the mean of each figure
   * over its runs (percentiles too: the mean of the runs' percentiles). {@code ratioToCeiling} =
   * full answers per second / the combined ceiling (answers cut short under overload do not count;
   * see {@code degradedShare}); {@code pipeline} is the first run's figures, {@code runs} every
   * run's.
   */
  public static final class Run {
    public double throughputPerSec;
    public double fullAnswersPerSec;
    public double degradedShare;
    public double inJobP50Ms;
    public double inJobP99Ms;
    public double e2eP50Ms;
    public double e2eP99Ms;
    public double avgExperts;
    public double ratioToCeiling;
    public PipelineDriver.Figures pipeline;
    public List<PipelineDriver.Figures> runs;

    Run(List<PipelineDriver.Figures> runs, Ceiling.Figures ceiling) {
      if (runs.isEmpty()) {
        throw new IllegalArgumentException("a mode needs at least one run");
      }
      this.runs = List.copyOf(runs);
      this.pipeline = runs.get(0);
      this.throughputPerSec = mean(runs, f -> f.throughputPerSec);
      this.fullAnswersPerSec = mean(runs, f -> f.fullAnswersPerSec);
      this.degradedShare =
          mean(
              runs,
              f ->
                  f.resultsReceived == 0
                      ? 0
                      : 1 - f.degraded.getOrDefault("none", 0) / (double) f.resultsReceived);
      this.inJobP50Ms = mean(runs, f -> f.inJobP50Ms);
      this.inJobP99Ms = mean(runs, f -> f.inJobP99Ms);
      this.e2eP50Ms = mean(runs, f -> f.e2eP50Ms);
      this.e2eP99Ms = mean(runs, f -> f.e2eP99Ms);
      this.avgExperts = mean(runs, f -> f.avgExperts);
      this.ratioToCeiling = fullAnswersPerSec / ceiling.combinedPerSec;
    }

    private static double mean(
        List<PipelineDriver.Figures> runs, ToDoubleFunction<PipelineDriver.Figures> figure) {
      return runs.stream().mapToDouble(figure).average().orElseThrow();
    }
  }
}
