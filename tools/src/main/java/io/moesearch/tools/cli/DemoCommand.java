package io.moesearch.tools.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.ArtifactException;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.eval.Judgements;
import io.moesearch.jobs.config.IndexOptions;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.index.IndexBuildJob;
import io.moesearch.jobs.search.SearchJob;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.operators.CacheSettings;
import io.moesearch.tools.bench.JitSettling;
import io.moesearch.tools.demo.PipelineDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code moe-search demo}: the main job end to end on the embedded default. */
@Command(
    name = "demo",
    description = {
      "Run the streaming job end to end: embedded Kafka + MiniCluster + shipped catalogue.",
      "",
      """
            Builds the index from the shipped catalogue if none exists, starts a real Kafka broker (KRaft,
            in this JVM) and the streaming search job on Flink's MiniCluster (RocksDB state), streams the
            Chorus judged queries (and a few malformed messages, which go to the dead-letter topic) into
            the query topic, prints the ranked results as they arrive, asks a few of them again (answered
            from the query cache), and prints a closing summary with the cache paths taken. Stops the job
            and the broker and exits."""
    })
final class DemoCommand extends CliCommand {
  @Option(
      names = "--queries",
      paramLabel = "N",
      description = "How many of the Chorus queries to send (default: all 135).")
  private Integer queriesOption;

  @Option(
      names = "--rate",
      paramLabel = "QPS",
      defaultValue = "20",
      description = "Send rate, queries/s (0 = as fast as possible).")
  private double rateOption;

  @Option(
      names = "--results",
      paramLabel = "N",
      defaultValue = "3",
      description = "Items printed per query.")
  private int results;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      defaultValue = "10",
      description = "Then ask the first N queries again, answered from the cache.")
  private int repeatOption;

  @Option(
      names = "--max-warmup-seconds",
      paramLabel = "S",
      defaultValue = "90",
      description =
          "Warm the job up with other queries until the JIT compiler has settled, starting no"
              + " warm-up round after S seconds.")
  private int maxWarmUpSeconds;

  /**
   * Queries per warm-up round: never-seen texts, so that each is searched (a cached one would
   * compile only the hit path).
   */
  static final int WARM_UP_ROUND = 150;

  /**
   * The warm-up rounds' pace, queries/s: the job searches them as they come instead of queueing
   * them. Measured on 2 slow vCPUs (2026-12-06): 400 warm-up queries sent at full speed left the
   * demo's 20 q/s stream at in-job p50 / p99 758 / 1,427 ms, the JIT compiling on 0.6 of the cores
   * while it ran; rounds at this pace for 60 s gave 18 / 114 ms, for 120 s 16 / 26 and 17 / 88 ms
   * (the compiler still on 17–38% of the cores in every round: not settled).
   */
  static final double WARM_UP_RATE = 40;

  /** Query texts of the configured judgement sets that are not among the demo's, in file order. */
  private static List<String> warmUpTexts(MoeSearchConfig config, List<String> demo)
      throws Exception {
    Set<String> seen = new HashSet<>(demo);
    List<String> out = new ArrayList<>();
    for (Path file : config.judgements()) {
      for (String q : Judgements.load(file, BadLinePolicy.SKIP).byQuery().keySet()) {
        if (seen.add(q)) {
          out.add(q);
        }
      }
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    atLeast("--max-warmup-seconds", maxWarmUpSeconds, 1);
    atLeast("--rate", rateOption, 0);
    atLeast("--results", results, 0);
    atLeast("--repeat", repeatOption, 0);
    if (queriesOption != null) {
      atLeast("--queries", queriesOption, 1); // before the index is built, not after
    }
    IndexArtifact artifact = ensureIndex(config);
    List<String> texts =
        new ArrayList<>(
            Judgements.load(config.judgements().get(0), BadLinePolicy.SKIP).byQuery().keySet());
    int n =
        Math.min(
            texts.size(),
            atLeast("--queries", queriesOption == null ? texts.size() : queriesOption, 1));
    double rate = atLeast("--rate", rateOption, 0);
    int show = atLeast("--results", results, 0);
    List<SearchQuery> queries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      queries.add(
          new SearchQuery("demo-" + i, texts.get(i), 10, null, System.currentTimeMillis(), null));
    }
    List<byte[]> malformed =
        List.of(
            "{\"query_id\": \"broken\", \"text\": ".getBytes(StandardCharsets.UTF_8),
            "{\"query_id\": \"no-text\"}".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xC3, (byte) 0x28});
    System.out.printf(
        "starting Kafka (KRaft, in-process) and the search job (parallelism %d, %s state) on index %s%n",
        config.get(JobOptions.PARALLELISM),
        config.get(JobOptions.STATE_BACKEND),
        artifact.version());
    int repeat = atLeast("--repeat", repeatOption, 0);
    PipelineDriver.Figures f;
    PipelineDriver.Figures repeated = null;
    JitSettling.Result warmed;
    try (EmbeddedPipeline pipeline = EmbeddedPipeline.startLocal(config, artifact)) {
      // Let the job start and warm up (model sessions, JIT, the ranking's title-term cache, state)
      // so the latencies shown are the steady state, not start-up: a cold job answers its first
      // few hundred misses several times slower. The warm-up asks other queries than the demo's.
      List<String> others = warmUpTexts(config, texts);
      System.out.printf(
          Locale.ROOT,
          "broker at %s; warming the job up with other queries (%d a round at %.0f/s) until the JIT"
              + " compiler has settled (at most %d s)%n",
          pipeline.bootstrapServers(),
          WARM_UP_ROUND,
          WARM_UP_RATE,
          maxWarmUpSeconds);
      warmed =
          JitWarmUpOptions.warm(
              Double.parseDouble(JitWarmUpOptions.SETTLED_SHARE),
              maxWarmUpSeconds,
              round -> {
                List<SearchQuery> warm = new ArrayList<>();
                for (int i = 0; i < WARM_UP_ROUND; i++) {
                  int k = round * WARM_UP_ROUND + i;
                  String text =
                      k < others.size()
                          ? others.get(k)
                          : "warm up " + k + " " + texts.get(k % texts.size());
                  warm.add(new SearchQuery("warm-up-" + k, text, 10, null, 0, null));
                }
                PipelineDriver.run(
                    pipeline, warm, List.of(), WARM_UP_RATE, Duration.ofMinutes(5), r -> {});
              });
      // The warm-up's last answers may have queued: with cache.doorkeeper-ms
      // set, the cache then caches only repeated texts until it has heard of no computation for
      // two of its intervals (a computation given up on after the coalescing wait counts). Let it
      // see the job idle, as the demo's pace will keep it.
      Thread.sleep(
          2 * CacheSettings.DOORKEEPER_INTERVAL_MILLIS + config.cache().coalesceWaitMillis());
      System.out.printf(
          "sending %d queries at %s/s and %d malformed messages%n%n",
          n, rate == 0 ? "max" : rate, malformed.size());
      Map<String, SearchResult> answered = new ConcurrentHashMap<>();
      f =
          PipelineDriver.run(
              pipeline,
              queries,
              malformed,
              rate,
              Duration.ofMinutes(5),
              r -> {
                answered.put(r.queryId(), r);
                print(r, show);
              });
      // Shoppers repeat popular queries: ask some again, to show them answered from the cache.
      List<SearchQuery> again = new ArrayList<>();
      for (int i = 0; i < Math.min(repeat, n); i++) {
        SearchQuery q = queries.get(i);
        again.add(new SearchQuery("again-" + i, q.text(), q.topK(), null, 0, null));
      }
      if (!again.isEmpty()) {
        System.out.printf("%nasking %d of them again (now cached):%n%n", again.size());
        repeated =
            PipelineDriver.run(
                pipeline, again, List.of(), rate, Duration.ofMinutes(5), r -> print(r, 0));
      }
      liveCatalogue(pipeline, queries.isEmpty() ? null : answered.get(queries.get(0).queryId()));
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "summary: %d queries sent, %d results, %d dead letters (of %d malformed sent)%s%n",
        f.queriesSent,
        f.resultsReceived,
        f.deadLetters,
        f.malformedSent,
        f.timedOut ? " — TIMED OUT waiting for results" : "");
    System.out.printf(
        Locale.ROOT,
        "latency end to end (produce → result consumed): p50 %.1f ms, p99 %.1f ms; in job: p50 %.1f ms, p99 %.1f ms; avg experts %.2f%n",
        f.e2eP50Ms,
        f.e2eP99Ms,
        f.inJobP50Ms,
        f.inJobP99Ms,
        f.avgExperts);
    System.out.println("cache paths: " + cacheLine(f));
    if (repeated != null) {
      System.out.println("cache paths of the repeated queries: " + cacheLine(repeated));
    }
    // The stream's figures, and how the job was warmed before it.
    Map<String, Object> figures =
        new ObjectMapper().convertValue(f, new TypeReference<LinkedHashMap<String, Object>>() {});
    figures.put("warmUp", warmed);
    Json.write(json(), figures);
    return f.timedOut || (repeated != null && repeated.timedOut) ? 1 : 0;
  }

  /**
   * The live catalogue: the first query's top product gets a new price and its second is deleted
   * (catalogue-update topic), then the query is asked again until the answer shows both.
   */
  private static void liveCatalogue(EmbeddedPipeline pipeline, SearchResult base) throws Exception {
    if (base == null || base.items().length < 2) {
      return;
    }
    RankedItem repriced = base.items()[0];
    RankedItem deleted = base.items()[1];
    System.out.printf(
        Locale.ROOT,
        "%nlive catalogue: %s now costs 1.99 (was %s), %s is deleted; asking \"%s\" again:%n%n",
        repriced.productId(),
        repriced.price(),
        deleted.productId(),
        base.text());
    long now = System.currentTimeMillis();
    pipeline.sendUpdate(CatalogUpdate.patch(repriced.productId(), 1.99, null, now));
    pipeline.sendUpdate(CatalogUpdate.delete(deleted.productId(), now));
    SearchResult[] last = new SearchResult[1];
    for (int attempt = 0; attempt < 20; attempt++) {
      SearchQuery q = new SearchQuery("live-" + attempt, base.text(), 10, null, 0, null);
      PipelineDriver.run(
          pipeline, List.of(q), List.of(), 0, Duration.ofMinutes(1), r -> last[0] = r);
      SearchResult r = last[0];
      boolean gone =
          r != null
              && Arrays.stream(r.items()).noneMatch(i -> i.productId().equals(deleted.productId()));
      boolean priced =
          r != null
              && Arrays.stream(r.items())
                  .anyMatch(
                      i ->
                          i.productId().equals(repriced.productId())
                              && Double.valueOf(1.99).equals(i.price()));
      if (gone && priced) {
        break;
      }
      Thread.sleep(250);
    }
    if (last[0] != null) {
      print(last[0], 3);
    }
  }

  /** E.g. "miss 135 (in job p50 30.0 ms, p99 50.0 ms), l1 10 (...)". */
  private static String cacheLine(PipelineDriver.Figures f) {
    List<String> parts = new ArrayList<>();
    f.cachePaths.forEach(
        (path, count) ->
            parts.add(
                String.format(
                    Locale.ROOT,
                    "%s %d (in job p50 %.1f ms, p99 %.1f ms)",
                    path,
                    count,
                    f.cachePathLatencyMs.get(path + "_in_job_p50"),
                    f.cachePathLatencyMs.get(path + "_in_job_p99"))));
    return String.join(", ", parts);
  }

  private static void print(SearchResult r, int show) {
    StringBuilder sb = new StringBuilder();
    int[] e = r.experts();
    String experts =
        e.length
            + " "
            + Arrays.toString(Arrays.copyOf(e, Math.min(4, e.length)))
                .replace("]", e.length > 4 ? ", …]" : "]");
    sb.append(
        String.format(
            Locale.ROOT,
            "%-9s %-34s experts %-22s %6.1f ms  %s%n",
            r.queryId(),
            '"' + abbreviate(r.text(), 32) + '"',
            experts,
            r.latency().totalMs(),
            r.cache()));
    for (int i = 0; i < Math.min(show, r.items().length); i++) {
      var item = r.items()[i];
      sb.append(
          String.format(
              Locale.ROOT,
              "    %d. %.3f  %-10s %8s  %s%n",
              i + 1,
              item.score(),
              item.productId(),
              item.price() == null ? "" : String.format(Locale.ROOT, "%.2f", item.price()),
              abbreviate(item.title(), 80)));
    }
    System.out.print(sb);
  }

  private static String abbreviate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  /** The configured index, built from the configured catalogue first if there is none. */
  static IndexArtifact ensureIndex(MoeSearchConfig config) throws Exception {
    try {
      return SearchJob.resolveArtifact(config);
    } catch (ArtifactException e) {
      if (!config.get(IndexOptions.PATH).isEmpty()) {
        throw e;
      }
      System.out.println(
          "no usable index ("
              + e.getMessage()
              + "): building one from "
              + config.catalogPath()
              + " (a few minutes, once)");
      new IndexBuildJob(config, System.out::println)
          .run(Environments.local(config.get(IndexOptions.PARALLELISM)));
      return SearchJob.resolveArtifact(config);
    }
  }
}
