package io.moesearch.jobs.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.testing.SmallIndex;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.MiniClusters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Flink batch index build on a MiniCluster produces a valid, loadable artifact. */
class IndexBuildJobITCase {
  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @Test
  void buildsAVersionedArtifactWithAManifest(@TempDir Path dir) throws Exception {
    Catalog catalog = SmallIndex.catalogue(250);
    Path file = SmallIndex.writeJsonl(catalog, dir.resolve("catalog.jsonl.gz"));
    MoeSearchConfig config =
        MoeSearchConfig.defaultsWith(
            Map.of(
                "catalog.path",
                file.toString(),
                "index.root",
                dir.resolve("index").toString(),
                "index.experts",
                "6",
                "index.embed-batch-size",
                "16"));
    List<String> log = new ArrayList<>();
    IndexBuildJob.Result r =
        new IndexBuildJob(config, log::add)
            .run(StreamExecutionEnvironment.getExecutionEnvironment());

    IndexArtifact a = IndexArtifact.load(dir.resolve("index"), 384);
    assertThat(a.dir()).isEqualTo(r.artifact());
    assertThat(a.manifest().products()).isEqualTo(250);
    assertThat(a.manifest().experts()).isEqualTo(6);
    assertThat(a.manifest().modelId()).contains("all-MiniLM-L6-v2");
    assertThat(a.manifest().expertIndexes()).allSatisfy(e -> assertThat(e.files()).isNotEmpty());
    assertThat(a.manifest().expertIndexes().stream().mapToInt(e -> e.products()).sum())
        .isGreaterThanOrEqualTo(250);
    assertThat(a.ids())
        .containsExactlyElementsOf(catalog.products().stream().map(p -> p.id()).toList());
    assertThat(log).anyMatch(l -> l.contains("embedded 250 products"));
    assertThat(dir.resolve("index"))
        .isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".build-"));
  }
}
