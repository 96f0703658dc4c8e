package io.moesearch.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.ExpertPlacementPlanner;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.testing.SmallIndex;
import io.moesearch.core.util.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateVersionWriterTest {
  @TempDir Path root;

  /** A small complete artifact over random 8-d vectors (no embedding model needed). */
  private Path tinyArtifact() throws Exception {
    Catalog catalog = SmallIndex.catalogue(60);
    Random rnd = new Random(1);
    float[][] v = new float[60][8];
    for (float[] row : v) {
      for (int d = 0; d < 8; d++) {
        row[d] = (float) rnd.nextGaussian();
      }
      Vectors.normalizeInPlace(row);
    }
    VectorStore store = new VectorStore(v);
    IndexBuildSettings s = SmallIndex.settings(3);
    Gate gate = IndexBuilder.trainGate(store, s);
    int[][] members = IndexBuilder.expertMembers(gate, store, s);
    Path dir = root.resolve("v1");
    IndexBuilder.writeCatalog(dir, catalog);
    Map<String, String> shared = IndexBuilder.writeShared(dir, catalog, store, gate, members);
    List<Manifest.ExpertInfo> experts = new ArrayList<>();
    for (int e = 0; e < members.length; e++) {
      experts.add(IndexBuilder.writeExpert(dir, e, members[e], catalog, store, s));
    }
    IndexBuilder.writeManifest(dir, "v1", "test-model", store, s, shared, experts, Map.of());
    IndexBuilder.markLatest(root, "v1");
    return dir;
  }

  @Test
  void writesANewVersionSharingEveryFileButTheGate() throws Exception {
    Path v1 = tinyArtifact();
    IndexArtifact parent = IndexArtifact.load(root, 8);
    byte[] oldGate = Files.readAllBytes(v1.resolve(ArtifactLayout.GATE));
    String oldManifest = Files.readString(v1.resolve(ArtifactLayout.MANIFEST));
    float[][] w = new float[3][];
    for (int e = 0; e < 3; e++) {
      w[e] = parent.gate().weights(e);
      w[e][0] += 0.25f;
    }

    GateVersionWriter.Result r =
        GateVersionWriter.write(
            root,
            new Gate(w),
            new Manifest.GateUpdate(null, "softmax-regression", Map.of("queries", "10")));

    assertThat(Files.readString(root.resolve(ArtifactLayout.LATEST)).trim()).isEqualTo(r.version());
    IndexArtifact next = IndexArtifact.load(root, 8);
    assertThat(next.dir()).isEqualTo(r.dir());
    assertThat(next.gate().weights(1)).containsExactly(w[1]);
    assertThat(next.manifest().gateUpdate().parentVersion()).isEqualTo("v1");
    assertThat(next.manifest().gateUpdate().settings()).containsEntry("queries", "10");
    assertThat(next.ids()).isEqualTo(parent.ids());
    assertThat(next.openExpert(0).size()).isEqualTo(parent.openExpert(0).size());
    // unchanged files are the same inodes (hard links) where the file system allows it
    assertThat(r.linked() + r.copied()).isGreaterThan(5);
    if (r.copied() == 0) {
      Path vec = ArtifactLayout.expertPath(v1, 0);
      try (var files = Files.list(vec)) {
        Path f =
            files
                .filter(p -> Files.isRegularFile(p) && !p.endsWith("write.lock"))
                .findFirst()
                .orElseThrow();
        assertThat(Files.isSameFile(f, r.dir().resolve(v1.relativize(f).toString()))).isTrue();
      }
      assertThat(
              Files.isSameFile(
                  v1.resolve(ArtifactLayout.VECTORS), r.dir().resolve(ArtifactLayout.VECTORS)))
          .isTrue();
    }
    // the parent is untouched and still loads
    assertThat(Files.readAllBytes(v1.resolve(ArtifactLayout.GATE))).isEqualTo(oldGate);
    assertThat(Files.readString(v1.resolve(ArtifactLayout.MANIFEST))).isEqualTo(oldManifest);
    assertThat(IndexArtifact.load(v1, 8).gate().weights(1))
        .containsExactly(parent.gate().weights(1));
    assertThat(oldManifest).doesNotContain("gateUpdate");
  }

  @Test
  void aReplicatedLayoutIsWrittenVerifiedAndKeptByTheNextGateVersion() throws Exception {
    tinyArtifact();
    IndexArtifact parent = IndexArtifact.load(root, 8);
    assertThat(parent.placement().isIdentity()).isTrue();
    ExpertPlacement layout = ExpertPlacementPlanner.plan(new double[] {6, 1, 1}, 4, 1);
    GateVersionWriter.Result withLayout =
        GateVersionWriter.write(
            root, parent.gate(), layout, new Manifest.GateUpdate(null, "test", Map.of()), null);
    assertThat(IndexArtifact.load(root, 8).placement()).isEqualTo(layout);
    // a gate-only update keeps the layout
    GateVersionWriter.write(root, parent.gate(), new Manifest.GateUpdate(null, "test", Map.of()));
    assertThat(IndexArtifact.load(root, 8).placement()).isEqualTo(layout);
    // the layout is checksummed like every other file
    Files.writeString(withLayout.dir().resolve(ExpertPlacement.FILE), "slots 3\n0\n1\n2\n");
    assertThatThrownBy(() -> IndexArtifact.load(withLayout.dir(), 8))
        .hasMessageContaining(ExpertPlacement.FILE);
    assertThatThrownBy(
            () ->
                GateVersionWriter.write(
                    root,
                    parent.gate(),
                    ExpertPlacement.identity(2),
                    new Manifest.GateUpdate(null, "test", Map.of()),
                    null))
        .hasMessageContaining("placement has 2 experts");
  }

  /**
   * A gate update read from LATEST moves it only over its parent: a version that became LATEST
   * while the gate was trained (a compaction that read further) stays LATEST, and the update fails
   * naming LATEST, its version removed. It replaced it before, losing that version's updates.
   */
  @Test
  void aGateUpdateDoesNotReplaceAVersionMadeWhileItWasTrained() throws Exception {
    Path v1 = tinyArtifact();
    IndexArtifact parent = IndexArtifact.load(root, 8);
    GateVersionWriter.Result meanwhile =
        GateVersionWriter.write(root, parent.gate(), new Manifest.GateUpdate(null, "x", Map.of()));
    assertThatThrownBy(
            () ->
                GateVersionWriter.write(
                    v1,
                    parent.gate(),
                    null,
                    new Manifest.GateUpdate(null, "late", Map.of()),
                    null,
                    true))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("LATEST");
    assertThat(Files.readString(root.resolve(ArtifactLayout.LATEST)).trim())
        .isEqualTo(meanwhile.version());
    try (var dirs = Files.list(root)) {
      assertThat(dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()))
          .as("the refused version removed")
          .containsExactlyInAnyOrder("v1", meanwhile.version());
    }
    GateVersionWriter.Result over =
        GateVersionWriter.write(
            meanwhile.dir(),
            parent.gate(),
            null,
            new Manifest.GateUpdate(null, "over", Map.of()),
            null,
            true);
    assertThat(Files.readString(root.resolve(ArtifactLayout.LATEST)).trim())
        .as("over the version LATEST names, it moves")
        .isEqualTo(over.version());
  }

  @Test
  void aGateOfTheWrongShapeIsRefused() throws Exception {
    tinyArtifact();
    assertThatThrownBy(
            () ->
                GateVersionWriter.write(
                    root,
                    new Gate(new float[][] {{1, 0}, {0, 1}}),
                    new Manifest.GateUpdate(null, "x", Map.of())))
        .hasMessageContaining("3 experts of dimension 8");
    assertThat(Files.readString(root.resolve(ArtifactLayout.LATEST)).trim()).isEqualTo("v1");
  }

  /**
   * A gate update that fails while writing its version (here a file its manifest lists is gone)
   * leaves no temporary directory behind, and {@code LATEST} where it was.
   */
  @Test
  void aFailedGateUpdateLeavesNoTemporaryDirectory() throws Exception {
    Path v1 = tinyArtifact();
    IndexArtifact parent = IndexArtifact.load(root, 8);
    Files.delete(v1.resolve(ArtifactLayout.IDS));
    assertThatThrownBy(
            () ->
                GateVersionWriter.write(
                    root, parent.gate(), new Manifest.GateUpdate(null, "test", Map.of())))
        .hasMessageContaining(ArtifactLayout.IDS);
    try (var list = Files.list(root)) {
      assertThat(list.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".LATEST")))
          .containsExactlyInAnyOrder("v1", ArtifactLayout.LATEST);
    }
    assertThat(Files.readString(root.resolve(ArtifactLayout.LATEST)).trim()).isEqualTo("v1");
  }
}
