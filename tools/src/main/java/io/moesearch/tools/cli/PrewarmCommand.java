package io.moesearch.tools.cli;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.kafka.KafkaOptions;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.config.QueryOptions;
import io.moesearch.jobs.prewarm.PrewarmJob;
import io.moesearch.jobs.prewarm.QueryLog;
import io.moesearch.jobs.search.SearchJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code moe-search prewarm}: compute popular queries' results ahead of time into the caches. */
final class PrewarmCommand implements Command {
  @Override
  public String name() {
    return "prewarm";
  }

  @Override
  public String summary() {
    return "compute the most frequent queries of a log and feed them to the job's caches";
  }

  @Override
  public String help() {
    return """
        Usage: moe-search prewarm --log FILE [--top N | --top-fraction F] [options]

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
          other    plain text, one query per line (each counts once)

        Options:
          --log FILE            the query log (required)
          --top N               pre-warm the N most frequent distinct queries (default 1000)
          --top-fraction F      or this fraction of the distinct queries (e.g. 0.01)
          --json FILE           write the figures as JSON
          --config FILE / --set KEY=VALUE
        """;
  }

  @Override
  public Map<String, String> valuedFlags() {
    return Map.of("log", "", "top", "", "top-fraction", "", "json", "");
  }

  @Override
  public int run(Args args) throws Exception {
    MoeSearchConfig config = args.config();
    String logFile = args.option("log");
    if (logFile == null) {
      throw new ConfigException("--log FILE is required (see moe-search prewarm --help)");
    }
    Path log = Path.of(logFile);
    if (!Files.isRegularFile(log)) {
      throw new ConfigException("--log: no such file " + log);
    }
    if (config.get(KafkaOptions.BOOTSTRAP_SERVERS).isEmpty()) {
      throw new ConfigException(
          "kafka.bootstrap-servers must be set: the results go to the cache-fill topic");
    }
    IndexArtifact artifact = SearchJob.resolveArtifact(config);
    QueryCodec codec =
        new QueryCodec(config.get(QueryOptions.MAX_CHARS), config.get(QueryOptions.MAX_BYTES));
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
    int top = args.intOption("top", 1000, 1);
    String fraction = args.option("top-fraction");
    if (fraction != null) {
      double f = args.doubleOption("top-fraction", 0.01, 0);
      if (f > 1) {
        throw new ConfigException("--top-fraction must be in [0, 1], got " + f);
      }
      top = (int) Math.ceil(f * queryLog.distinct());
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
        100.0 * selected.stream().mapToLong(QueryLog.Entry::count).sum() / queryLog.total(),
        artifact.version());
    PrewarmJob.Result r =
        new PrewarmJob(config, artifact, System.out::println)
            .run(
                Environments.local(config.get(JobOptions.PARALLELISM)),
                selected,
                KafkaIO.cacheFillSink(config.kafka(), config.fillSigner()));
    Json.write(args.option("json"), r);
    return r.results() == r.queries() ? 0 : 1;
  }
}
