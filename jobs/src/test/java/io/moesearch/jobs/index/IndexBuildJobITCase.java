package io.moesearch.jobs.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexCompaction;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.retrieval.Bm25Queries;
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

  /** The defaults, reading {@code catalog}, building under {@code dir/index}, with {@code more}. */
  private static MoeSearchConfig config(Path catalog, Path dir, Map<String, String> more) {
    Map<String, String> m = new java.util.HashMap<>(more);
    m.put("catalog.path", catalog.toString());
    m.put("index.root", dir.resolve("index").toString());
    return MoeSearchConfig.defaultsWith(m);
  }

  @Test
  void buildsAVersionedArtifactWithAManifest(@TempDir Path dir) throws Exception {
    Catalog catalog = SmallIndex.catalogue(250);
    Path file = SmallIndex.writeJsonl(catalog, dir.resolve("catalog.jsonl.gz"));
    MoeSearchConfig config =
        config(file, dir, Map.of("index.experts", "6", "index.embed-batch-size", "16"));
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
    assertThat(IndexCompaction.baseCatalogue(a))
        .as("the version's own copy of the catalogue it was built from")
        .containsExactlyElementsOf(catalog.products());
    assertThat(log).anyMatch(l -> l.contains("embedded 250 products"));
    assertThat(dir.resolve("index"))
        .isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".build-"));
  }

  /**
   * A shop's CSV export as spreadsheets write it: a byte-order mark, a merchant feed's column names
   * in another case, some products with a brand or model and some without, prices written with
   * currencies or not at all, an inch mark, and one row whose quote is never closed. Every readable
   * product is indexed and found by its title words; only the broken row is lost.
   */
  @Test
  void aShopsCsvExportIsIndexedWhole(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("\uFEFFID,Name,Manufacturer,MPN,Price,Availability\n");
    String[] kinds = {"kettle", "toaster", "blender", "grinder"};
    for (int i = 0; i < 24; i++) {
      String kind = kinds[i % kinds.length];
      String brand = i % 3 == 0 ? "" : "Acme";
      String model = i % 2 == 0 ? "" : "K-" + (200 + i);
      String price = i % 4 == 0 ? "N/A" : i % 4 == 1 ? "\"$1,299.00\"" : i % 4 == 2 ? "" : "19.99";
      String title = i == 5 ? "Kitchen " + kind + " 12\" wide " + i : "Kitchen " + kind + " " + i;
      csv.append(i == 7 ? "p7,\"Kitchen broken row," : "p" + i + "," + title + ",")
          .append(brand)
          .append(',')
          .append(model)
          .append(',')
          .append(price)
          .append(',')
          .append(i % 5 == 0 ? "out of stock" : "in stock")
          .append('\n');
    }
    Path file = dir.resolve("shop.csv");
    java.nio.file.Files.writeString(file, csv);
    MoeSearchConfig config =
        config(
            file,
            dir,
            Map.of("index.experts", "2", "index.max-copies", "1", "index.embed-batch-size", "8"));
    List<String> log = new ArrayList<>();
    new IndexBuildJob(config, log::add).run(StreamExecutionEnvironment.getExecutionEnvironment());

    IndexArtifact a = IndexArtifact.load(dir.resolve("index"), 384);
    assertThat(a.manifest().products()).isEqualTo(23);
    assertThat(a.ids()).doesNotContain("p7").contains("p0", "p1", "p5", "p23");
    assertThat(log).anyMatch(l -> l.contains("23 products, 1 bad lines skipped"));
    try (var lexical = a.openLexical()) {
      for (String kind : kinds) {
        // Every product of the kind, with a brand or model or neither (row 7, a grinder, is lost).
        assertThat(lexical.search(new Bm25Queries().query(kind), 30))
            .as(kind)
            .hasSize(kind.equals("grinder") ? 5 : 6);
      }
    }
  }
}
