package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.testing.SmallIndex;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code routing update} through the command line, with a replicated serving layout. */
class RoutingUpdateCommandTest {

  @Test
  void aReplicatedLayoutIsPlannedFromTheLogAndWrittenIntoTheNewVersion(@TempDir Path root)
      throws Exception {
    Catalog catalog = SmallIndex.catalogue(200);
    Path parent;
    try (EmbeddingModel model = SmallIndex.model()) {
      parent = SmallIndex.build(catalog, model, 4, root.resolve("index"));
    }
    // A skewed log: the first title logged 20 times, the next nine once each.
    List<String> log = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      log.add(catalog.get(0).title());
    }
    for (int i = 1; i < 10; i++) {
      log.add(catalog.get(i * 7).title());
    }
    Path queries = Files.write(root.resolve("log.txt"), log, StandardCharsets.UTF_8);
    Path json = root.resolve("update.json");
    int code =
        MoeSearch.run(
            new String[] {
              "routing", "update",
              "--index", parent.toString(),
              "--queries", queries.toString(),
              "--epochs", "1",
              "--set", "catalog.path=" + SmallIndex.shippedCatalogue(),
              "--set", "routing.replica-slots=6",
              "--set", "routing.min-replicas=2",
              "--set", "routing.replica-window-events=10",
              "--json", json.toString()
            });
    assertThat(code).isZero();
    var out = new ObjectMapper().readTree(json.toFile());
    assertThat(out.get("slots").asInt()).isEqualTo(6);
    assertThat(out.get("replicationFactor").asDouble()).isGreaterThanOrEqualTo(2.0);

    IndexArtifact updated = IndexArtifact.load(Path.of(out.get("dir").asText()), 384);
    assertThat(updated.version()).isEqualTo(out.get("version").asText());
    ExpertPlacement p = updated.placement();
    assertThat(p.isIdentity()).isFalse();
    assertThat(p.slots()).isEqualTo(6);
    assertThat(p.replicationFactor()).isEqualTo(out.get("replicationFactor").asDouble());
    for (int e = 0; e < p.experts(); e++) {
      int[] r = p.replicas(e);
      assertThat(r.length).as("expert %d", e).isBetween(2, 6);
      assertThat(Arrays.stream(r).distinct().count()).as("distinct slots").isEqualTo(r.length);
    }
    // the parent is left as it was: one copy per expert
    assertThat(IndexArtifact.load(parent, 384).placement().isIdentity()).isTrue();

    // --layout-only re-plans the layout from another log and keeps the gate it starts from
    List<String> shifted = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      shifted.add(catalog.get(150).title());
    }
    shifted.add(catalog.get(3).title());
    Path shiftedLog = Files.write(root.resolve("shifted.txt"), shifted, StandardCharsets.UTF_8);
    Path json2 = root.resolve("layout.json");
    assertThat(
            MoeSearch.run(
                new String[] {
                  "routing",
                  "update",
                  "--index",
                  updated.dir().toString(),
                  "--queries",
                  shiftedLog.toString(),
                  "--layout-only",
                  "--set",
                  "catalog.path=" + SmallIndex.shippedCatalogue(),
                  "--set",
                  "routing.replica-slots=5",
                  "--set",
                  "routing.min-replicas=1",
                  "--set",
                  "routing.replica-window-events=10",
                  "--json",
                  json2.toString()
                }))
        .isZero();
    var out2 = new ObjectMapper().readTree(json2.toFile());
    assertThat(out2.get("layoutOnly").asBoolean()).isTrue();
    IndexArtifact relaid = IndexArtifact.load(Path.of(out2.get("dir").asText()), 384);
    assertThat(relaid.placement().slots()).isEqualTo(5);
    assertThat(relaid.manifest().gateUpdate().method()).isEqualTo("layout-only");
    assertThat(relaid.manifest().gateUpdate().parentVersion()).isEqualTo(updated.version());
    for (int e = 0; e < relaid.gate().experts(); e++) {
      assertThat(relaid.gate().weights(e)).as("expert %d", e).isEqualTo(updated.gate().weights(e));
    }
  }

  @Test
  void layoutOnlyWithoutReplicaSlotsFailsNamingTheSetting() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(MoeSearch.run(new String[] {"routing", "update", "--layout-only"})).isNotZero();
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("routing.replica-slots");
  }
}
