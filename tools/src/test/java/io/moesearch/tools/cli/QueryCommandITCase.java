package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.testing.SmallIndex;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.jobs.testing.MiniClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/moe-search query} against a running job (real broker, the search job on a
 * MiniCluster): the query goes to the job's query topic and the command prints, and writes with
 * {@code --json}, the job's answer to it; against a broker where no job answers it gives up after
 * {@code --timeout-ms} with exit code 1.
 */
class QueryCommandITCase {
  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @TempDir Path root;

  @Test
  void aQuerySentByHandIsAnsweredByTheRunningJob() throws Exception {
    Catalog catalog = SmallIndex.catalogue(200);
    Path dir;
    try (EmbeddingModel model = SmallIndex.model()) {
      dir = SmallIndex.build(catalog, model, 4, root.resolve("index"));
    }
    String key = root.resolve("cache-fill.key").toString();
    MoeSearchConfig config =
        MoeSearchConfig.defaultsWith(
            Map.of(
                "index.path",
                dir.toString(),
                "job.parallelism",
                "2",
                "job.checkpoint-dir",
                root.resolve("checkpoints").toString(),
                "cache.fill-key-file",
                key,
                "overload.enabled",
                "false"));
    String title = catalog.get(7).title();
    try (EmbeddedPipeline job = EmbeddedPipeline.startLocal(config, IndexArtifact.load(dir, 384))) {
      Path out = root.resolve("answer.json");
      int exit =
          MoeSearch.run(
              new String[] {
                "query",
                title,
                "--top-k",
                "5",
                "--timeout-ms",
                "120000",
                "--set",
                "kafka.bootstrap-servers=" + job.bootstrapServers(),
                "--json",
                out.toString()
              });
      assertThat(exit).isZero();
      SearchResult answer = new MessageJson().decodeResult(Files.readAllBytes(out));
      assertThat(answer.queryId()).startsWith("cli-");
      assertThat(answer.items()).hasSizeLessThanOrEqualTo(5);
      assertThat(Arrays.stream(answer.items()).map(RankedItem::productId))
          .contains(catalog.get(7).id());

      // The query to a topic the job does not read, the answer awaited on one nobody writes to:
      // no answer, exit code 1.
      try (Admin admin =
          Admin.create(Map.of("bootstrap.servers", (Object) job.bootstrapServers()))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("unread-queries", 1, (short) 1),
                    new NewTopic("unwritten-results", 1, (short) 1)))
            .all()
            .get();
      }
      int none =
          MoeSearch.run(
              new String[] {
                "query",
                title,
                "--timeout-ms",
                "3000",
                "--set",
                "kafka.bootstrap-servers=" + job.bootstrapServers(),
                "--set",
                "kafka.query-topic=unread-queries",
                "--set",
                "kafka.result-topic=unwritten-results"
              });
      assertThat(none).isEqualTo(1);
    }
  }
}
