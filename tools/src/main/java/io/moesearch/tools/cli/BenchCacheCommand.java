package io.moesearch.tools.cli;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.util.Zipf;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.prewarm.PrewarmJob;
import io.moesearch.jobs.prewarm.QueryLog;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.tools.demo.PipelineDriver;
import io.moesearch.tools.demo.QueryVocabulary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code moe-search bench cache}: a Zipf-distributed query stream through the running embedded
 * pipeline, cold and pre-warmed, and an all-hits throughput run.
 */
@Command(
    name = "cache",
    description = {
      "Replay a Zipf query stream cold and pre-warmed; print hit ratios, throughput, latency.",
      "",
      """
            Builds a seeded vocabulary of V distinct shopper-like queries from the catalogue titles and
            a stream of Q queries drawn from it with Zipf(S) frequencies (rank 0 most popular), then:
              1. cold: starts the embedded pipeline (Kafka + MiniCluster, caches empty) and replays the
                 stream at R queries/s;
              2. pre-warmed: starts a fresh pipeline, runs the prewarm job on the top P of the distinct
                 queries (by their Zipf popularity), waits until the job has consumed the fills, and
                 replays the same stream;
              3. all hits: on that pipeline, sends H queries drawn from the pre-warmed ones as fast as
                 possible (throughput), then at a fixed rate (latency below saturation).
            Prints hit ratios per level (overall and per window of W queries), throughput, and
            latency p50/p99 per cache path (in job: accepted → answered; end to end: produced →
            consumed)."""
    })
final class BenchCacheCommand extends CliCommand {
  @Option(
      names = "--vocabulary",
      paramLabel = "V",
      defaultValue = "1000000",
      description = "Distinct queries.")
  private int vocabularySize;

  @Option(names = "--zipf", paramLabel = "S", defaultValue = "1.0", description = "Zipf exponent.")
  private double zipfExponent;

  @Option(
      names = "--queries",
      paramLabel = "Q",
      defaultValue = "30000",
      description = "Stream length.")
  private int queries;

  @Option(
      names = "--rate",
      paramLabel = "R",
      defaultValue = "250",
      description = "Replay rate, queries/s.")
  private double rateOption;

  @Option(
      names = "--prewarm-fraction",
      paramLabel = "P",
      defaultValue = "0.01",
      description = "Fraction of the distinct queries pre-warmed.")
  private double prewarmFraction;

  @Option(
      names = "--window",
      paramLabel = "W",
      defaultValue = "10000",
      description = "Hit-ratio window.")
  private int windowOption;

  @Option(
      names = "--hits",
      paramLabel = "H",
      defaultValue = "200000",
      description = "Queries in the all-hits run (0 = skip it).")
  private int hitsOption;

  @Option(
      names = "--hits-rate",
      paramLabel = "R",
      defaultValue = "5000",
      description =
          "Then all hits again at R queries/s for 20 s, for latency below saturation (0 = skip).")
  private double hitsRateOption;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "17",
      description = "Vocabulary and stream seed.")
  private int seedOption;

  @Option(names = "--skip-cold", description = "Skip the cold run.")
  private boolean skipCold;

  /** One replay's figures. Field names are the JSON output's. */
  public static final class Run {
    public String name;
    public int queries;
    public double ratePerSec;
    public double throughputPerSec;
    public Map<String, Integer> paths;
    public double hitRatio;
    public List<Double> windowHitRatios = new ArrayList<>();
    public Map<String, Double> latencyMs;
    public boolean timedOut;
  }

  /** Everything the command measured. */
  public static final class Figures {
    public int vocabulary;
    public double zipf;
    public long seed;
    public int prewarmed;
    public double prewarmSeconds;
    public double prewarmedMass;
    public List<Run> runs = new ArrayList<>();
  }

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    int v = atLeast("--vocabulary", vocabularySize, 1);
    double s = atLeast("--zipf", zipfExponent, 0);
    int q = atLeast("--queries", queries, 1);
    double rate = atLeast("--rate", rateOption, 0);
    double fraction = within("--prewarm-fraction", prewarmFraction, 0, 1);
    int window = atLeast("--window", windowOption, 1);
    int hits = atLeast("--hits", hitsOption, 0);
    double hitsRate = atLeast("--hits-rate", hitsRateOption, 0);
    long seed = atLeast("--seed", seedOption, 0);
    IndexArtifact artifact = DemoCommand.ensureIndex(config);
    Catalog catalog = new CatalogLoader(config.badLines(), b -> {}).load(config.catalogPath());
    System.out.printf("building a vocabulary of %d distinct queries%n", v);
    List<String> vocabulary = QueryVocabulary.build(catalog, v, seed);
    Zipf zipf = new Zipf(v, s, seed + 1);
    int[] stream = new int[q];
    for (int i = 0; i < q; i++) {
      stream[i] = zipf.next();
    }
    int top = (int) Math.ceil(fraction * v);
    Figures figures = new Figures();
    figures.vocabulary = v;
    figures.zipf = s;
    figures.seed = seed;
    figures.prewarmed = top;
    figures.prewarmedMass = zipf.massOfTop(top);

    if (!skipCold) {
      try (EmbeddedPipeline pipeline = EmbeddedPipeline.startLocal(config, artifact)) {
        warmUp(pipeline);
        figures.runs.add(replay(pipeline, "cold", vocabulary, stream, rate, window));
      }
    }
    try (EmbeddedPipeline pipeline = EmbeddedPipeline.startLocal(config, artifact)) {
      warmUp(pipeline);
      if (top > 0) {
        List<QueryLog.Entry> entries = new ArrayList<>(top);
        for (int r = 0; r < top; r++) {
          entries.add(
              new QueryLog.Entry(
                  new SearchQuery("p" + r, vocabulary.get(r), 10, null, 0, null),
                  Math.round(1e9 * zipf.probability(r))));
        }
        System.out.printf(
            "pre-warming the top %d queries (%.1f%% of the stream's mass)%n",
            top, 100 * figures.prewarmedMass);
        PrewarmJob.Result r =
            new PrewarmJob(pipeline.config(), artifact, System.out::println)
                .run(
                    Environments.local(config.get(JobOptions.PARALLELISM)),
                    entries,
                    KafkaIO.cacheFillSink(
                        pipeline.config().kafka(), pipeline.config().fillSigner()));
        figures.prewarmSeconds = r.seconds();
        if (!pipeline.awaitFillsConsumed(Duration.ofMinutes(5))) {
          System.out.println("WARNING: the job had not consumed every fill after 5 minutes");
        }
      }
      figures.runs.add(replay(pipeline, "pre-warmed", vocabulary, stream, rate, window));
      if (hits > 0 && top > 0) {
        int[] hot = new int[hits];
        SplittableRandom random = new SplittableRandom(seed + 2);
        for (int i = 0; i < hits; i++) {
          hot[i] = random.nextInt(top);
        }
        figures.runs.add(replay(pipeline, "all hits", vocabulary, hot, 0, Math.max(window, hits)));
        if (hitsRate > 0) {
          // Latency is measured below saturation: at a fixed rate the queues stay empty.
          int paced = (int) Math.min(hits, Math.max(1000, hitsRate * 20));
          figures.runs.add(
              replay(
                  pipeline,
                  "all hits paced",
                  vocabulary,
                  Arrays.copyOf(hot, paced),
                  hitsRate,
                  paced));
        }
      }
    }
    print(figures);
    Json.write(json(), figures);
    return figures.runs.stream().anyMatch(r -> r.timedOut) ? 1 : 0;
  }

  /** JIT, model sessions and state: a few hundred distinct queries outside the vocabulary. */
  private static void warmUp(EmbeddedPipeline pipeline) {
    List<SearchQuery> warm = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      warm.add(new SearchQuery("warm-" + i, "warm up query " + i, 10, null, 0, null));
    }
    PipelineDriver.run(pipeline, warm, List.of(), 100, Duration.ofMinutes(5), r -> {});
  }

  private static Run replay(
      EmbeddedPipeline pipeline,
      String name,
      List<String> vocabulary,
      int[] stream,
      double rate,
      int window) {
    String prefix = name.replace(' ', '-') + "-";
    List<SearchQuery> queries = new ArrayList<>(stream.length);
    for (int i = 0; i < stream.length; i++) {
      queries.add(new SearchQuery(prefix + i, vocabulary.get(stream[i]), 10, null, 0, null));
    }
    System.out.printf(
        "%s: replaying %d queries at %s/s%n", name, stream.length, rate == 0 ? "max" : rate);
    boolean[] hit = new boolean[stream.length];
    PipelineDriver.Figures f =
        PipelineDriver.run(
            pipeline,
            queries,
            List.of(),
            rate,
            Duration.ofMinutes(30),
            r -> {
              int i = Integer.parseInt(r.queryId().substring(prefix.length()));
              hit[i] = !PipelineDriver.computed(r);
            });
    Run run = new Run();
    run.name = name;
    run.queries = stream.length;
    run.ratePerSec = rate;
    run.throughputPerSec = f.throughputPerSec;
    run.paths = f.cachePaths;
    run.latencyMs = f.cachePathLatencyMs;
    run.timedOut = f.timedOut;
    int hitCount = 0;
    for (boolean h : hit) {
      hitCount += h ? 1 : 0;
    }
    run.hitRatio = hitCount / (double) stream.length;
    for (int from = 0; from < stream.length; from += window) {
      int to = Math.min(stream.length, from + window);
      int n = 0;
      for (int i = from; i < to; i++) {
        n += hit[i] ? 1 : 0;
      }
      run.windowHitRatios.add(n / (double) (to - from));
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %.0f queries/s, hit ratio %.3f, per window %s%n",
        name,
        run.throughputPerSec,
        run.hitRatio,
        run.windowHitRatios.stream().map(x -> String.format(Locale.ROOT, "%.3f", x)).toList());
    return run;
  }

  private static void print(Figures f) {
    System.out.printf(
        Locale.ROOT,
        "%nvocabulary %d, Zipf(%.2f); pre-warmed the top %d (%.1f%% of the mass) in %.1f s%n%n",
        f.vocabulary,
        f.zipf,
        f.prewarmed,
        100 * f.prewarmedMass,
        f.prewarmSeconds);
    System.out.println(
        "| run | queries | rate/s | throughput/s | hit ratio | first window | last window | l1 | l2"
            + " | coalesced | embedding | miss |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Run r : f.runs) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %.0f | %.3f | %.3f | %.3f | %d | %d | %d | %d | %d |%n",
          r.name,
          r.queries,
          r.ratePerSec == 0 ? "max" : String.format(Locale.ROOT, "%.0f", r.ratePerSec),
          r.throughputPerSec,
          r.hitRatio,
          r.windowHitRatios.get(0),
          r.windowHitRatios.get(r.windowHitRatios.size() - 1),
          r.paths.getOrDefault(SearchResult.CACHE_L1, 0),
          r.paths.getOrDefault(SearchResult.CACHE_L2, 0),
          r.paths.getOrDefault(SearchResult.CACHE_COALESCED, 0),
          r.paths.getOrDefault(SearchResult.CACHE_EMBEDDING, 0),
          r.paths.getOrDefault(SearchResult.CACHE_MISS, 0));
    }
    System.out.println();
    System.out.println(
        "| run | path | count | in-job p50 ms | in-job p99 ms | e2e p50 ms | e2e p99 ms |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Run r : f.runs) {
      r.paths.forEach(
          (path, n) ->
              System.out.printf(
                  Locale.ROOT,
                  "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f |%n",
                  r.name,
                  path,
                  n,
                  r.latencyMs.get(path + "_in_job_p50"),
                  r.latencyMs.get(path + "_in_job_p99"),
                  r.latencyMs.get(path + "_e2e_p50"),
                  r.latencyMs.get(path + "_e2e_p99")));
    }
  }
}
