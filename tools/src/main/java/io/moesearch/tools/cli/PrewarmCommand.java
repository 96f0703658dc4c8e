package io.moesearch.tools.cli;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.kafka.KafkaOptions;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.prewarm.PrewarmJob;
import io.moesearch.jobs.prewarm.QueryLog;
import io.moesearch.jobs.search.SearchJob;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code moe-search prewarm}: compute popular queries' results ahead of time into the caches. */
@Command(
    name = "prewarm",
    description = {
      "Compute the most frequent queries of a log and feed them to the job's caches.",
      "",
      """
            Reads a query log, counts it by normalised query (+ top_k + filters), takes the most
            frequent ones, computes their results with the streaming job's own path (embed, route,
            retrieve, rank) as a Flink job on a local MiniCluster, and writes results and embeddings to
            the cache-fill topic. A running search job consumes that topic into its caches, so these
            queries are answered from cache the first time they are asked. Progress is printed while it
            runs. Needs kafka.bootstrap-servers.

            Query log formats (by file name; .gz allowed):
              .jsonl   {"text": "...", "count": 12, "top_k": 10} rows, or raw query events as sent to
                       the query topic (each counts once)
              .csv     a header with text (or query) and optionally count (or frequency) and top_k
              other    plain text, one query per line (each counts once)"""
    })
final class PrewarmCommand extends CliCommand {
  @Option(names = "--log", paramLabel = "FILE", required = true, description = "The query log.")
  private Path log;

  /** How many queries are pre-warmed without {@code --top} or {@code --top-fraction}. */
  static final int DEFAULT_TOP = 1000;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Pre-warm the N most frequent distinct queries (default " + DEFAULT_TOP + ").")
  private Integer topOption;

  @Option(
      names = "--top-fraction",
      paramLabel = "F",
      description = "Or this fraction of the distinct queries (e.g. 0.01); not with --top.")
  private Double fraction;

  /** How long a command that needs the broker waits for it to answer before failing. */
  static final java.time.Duration BROKER_TIMEOUT = java.time.Duration.ofSeconds(10);

  @Override
  public Integer call() throws Exception {
    if (topOption != null && fraction != null) {
      throw new ConfigException(
          "--top and --top-fraction both choose how many queries to pre-warm: give one");
    }
    // Both checked before the broker is asked or the log read (a typo must not cost a minute).
    int top = atLeast("--top", topOption == null ? DEFAULT_TOP : topOption, 1);
    Double share = fraction == null ? null : within("--top-fraction", fraction, 0, 1);
    MoeSearchConfig config = config();
    regularFile("--log", log);
    if (config.get(KafkaOptions.BOOTSTRAP_SERVERS).isEmpty()) {
      throw new ConfigException(
          "kafka.bootstrap-servers must be set: the results go to the cache-fill topic");
    }
    KafkaIO.requireBroker(config.kafka(), BROKER_TIMEOUT);
    IndexArtifact artifact = SearchJob.resolveArtifact(config);
    QueryCodec codec = config.queryCodec();
    int[] problems = {0};
    QueryLog queryLog =
        QueryLog.read(
            log,
            codec,
            p -> {
              if (problems[0]++ < 20) {
                System.out.println(p);
              }
            });
    if (share != null) {
      top = (int) Math.ceil(share * queryLog.distinct());
    }
    List<QueryLog.Entry> selected = queryLog.top(top);
    System.out.printf(
        "query log %s: %d lines, %d skipped, %d distinct queries (%d asks); pre-warming the top %d"
            + " (%.1f%% of asks) on index %s%n",
        log,
        queryLog.lines(),
        queryLog.skipped(),
        queryLog.distinct(),
        queryLog.total(),
        selected.size(),
        100.0
            * selected.stream().mapToLong(QueryLog.Entry::count).reduce(0, QueryLog::saturatedSum)
            / Math.max(1, queryLog.total()),
        artifact.version());
    PrewarmJob.Result r =
        new PrewarmJob(config, artifact, System.out::println)
            .run(
                Environments.local(config.get(JobOptions.PARALLELISM)),
                selected,
                KafkaIO.cacheFillSink(config.kafka(), config.fillSigner()));
    Json.write(json(), r);
    return r.results() == r.queries() ? 0 : 1;
  }
}
