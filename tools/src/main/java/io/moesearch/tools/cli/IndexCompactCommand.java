package io.moesearch.tools.cli;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.kafka.KafkaOptions;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.IndexOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.index.IndexCompactJob;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code moe-search index compact}. */
@Command(
    name = "compact",
    description = {
      "Fold the live catalogue's updates into a new index version.",
      "",
      """
            Reads the catalogue-update topic (kafka.catalog-topic) from where the newest version under
            index.root stopped (a built version: the beginning) to its current end, folds the updates
            into that version's catalogue with the running job's rule (ts order per product, stale,
            unknown and patches of deleted products ignored), embeds only new or re-worded products,
            and writes a new version with the same gate, settings and expert layout (Flink batch jobs
            on a local MiniCluster), its manifest recording the offsets it folded up to; then points
            <index.root>/LATEST at it. A running job that follows index.root swaps it in and drops the
            delta entries it holds. The base's catalogue is the copy the version holds
            (catalog.jsonl.gz, written by index build and index compact). Needs
            kafka.bootstrap-servers."""
    })
final class IndexCompactCommand extends CliCommand {
  @Option(
      names = "--out",
      paramLabel = "DIR",
      descriptionKey = "index.root",
      parameterConsumer = CommonOptions.Setting.class)
  private String out;

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    if (config.get(KafkaOptions.BOOTSTRAP_SERVERS).isEmpty()) {
      throw new ConfigException(
          "kafka.bootstrap-servers must be set: the updates are read from kafka.catalog-topic");
    }
    KafkaIO.requireBroker(config.kafka(), PrewarmCommand.BROKER_TIMEOUT);
    IndexCompactJob.Result r =
        new IndexCompactJob(config, System.out::println)
            .run(Environments.local(config.get(IndexOptions.PARALLELISM)));
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("artifact", r.artifact().toString());
    figures.put("index_version", r.manifest().indexVersion());
    figures.put("products", r.manifest().products());
    figures.put("compaction", r.manifest().compaction());
    figures.put("malformed_updates", r.rejected());
    figures.put("build_seconds", r.manifest().buildSeconds());
    System.out.println(figures);
    Json.write(json(), figures);
    return 0;
  }
}
