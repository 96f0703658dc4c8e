package io.moesearch.tools.cli;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.tools.demo.PipelineDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
            and reports throughput and end-to-end latency p50/p95/p99 (produce time → result consumed) and
            in-job latency. Run a warm-up first (--warmup) so JIT and model start-up are not measured."""
    })
final class BenchPipelineCommand extends CliCommand {
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

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    int q = atLeast("--queries", queries, 1);
    double rate = atLeast("--rate", rateOption, 0);
    int warmup = atLeast("--warmup", warmupOption, 0);
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
    PipelineDriver.Figures f;
    try (EmbeddedPipeline pipeline = EmbeddedPipeline.startLocal(config, artifact)) {
      if (!warm.isEmpty()) {
        System.out.printf("warm-up: %d queries%n", warm.size());
        PipelineDriver.run(pipeline, warm, List.of(), rate, Duration.ofMinutes(5), r -> {});
      }
      System.out.printf("measuring: %d queries at %s/s%n", q, rate == 0 ? "max" : rate);
      f = PipelineDriver.run(pipeline, measured, List.of(), rate, Duration.ofMinutes(10), r -> {});
    }
    System.out.printf(
        Locale.ROOT,
        "| queries | target rate/s | throughput/s | e2e p50 ms | e2e p95 ms | e2e p99 ms | in-job p50 ms | in-job p99 ms | avg experts |%n|---|---|---|---|---|---|---|---|---|%n| %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f |%n",
        f.resultsReceived,
        rate == 0 ? "max" : String.valueOf(rate),
        f.throughputPerSec,
        f.e2eP50Ms,
        f.e2eP95Ms,
        f.e2eP99Ms,
        f.inJobP50Ms,
        f.inJobP99Ms,
        f.avgExperts);
    System.out.println("in-job stages (ms): " + f.stageMs);
    if (f.timedOut) {
      System.out.println("TIMED OUT: not every query was answered");
    }
    Json.write(json(), f);
    return f.timedOut ? 1 : 0;
  }
}
