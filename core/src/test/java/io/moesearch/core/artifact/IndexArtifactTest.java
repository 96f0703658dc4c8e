package io.moesearch.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.testing.SmallIndex;
import io.moesearch.core.util.Files2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexArtifactTest {
  @TempDir static Path built;
  static Path pristine;
  static String soldOut;
  @TempDir Path copy;
  Path dir;

  @BeforeAll
  static void build() {
    try (EmbeddingModel model = SmallIndex.model()) {
      Catalog c = SmallIndex.catalogue(120);
      List<Product> products = new ArrayList<>(c.products());
      Product p = products.get(0);
      products.set(
          0,
          new Product(
              p.id(),
              p.title(),
              p.brand(),
              p.model(),
              p.description(),
              p.price(),
              Map.of(Product.IN_STOCK, "false")));
      soldOut = p.id();
      pristine = SmallIndex.build(new Catalog(products, List.of()), model, 4, built);
    }
  }

  @BeforeEach
  void copyArtifact() throws Exception {
    dir = copy.resolve("a");
    try (var paths = Files.walk(pristine)) {
      for (Path p : paths.toList()) {
        Path t = dir.resolve(pristine.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  /**
   * A built artifact lists its out-of-stock products as a compacted one does: the live catalogue
   * and the router took every product of a built version as in stock, while its index excluded the
   * out-of-stock ones from in_stock filters (found in review).
   */
  @Test
  void aBuiltArtifactListsItsOutOfStockProducts() {
    assertThat(IndexArtifact.load(dir, 384).outOfStock()).containsExactly(soldOut);
  }

  @Test
  void loadsAValidArtifactDirectlyOrThroughLatest() {
    IndexArtifact a = IndexArtifact.load(dir, 384);
    assertThat(a.manifest().products()).isEqualTo(120);
    assertThat(a.gate().experts()).isEqualTo(4);
    assertThat(a.ids()).hasSize(120);
    assertThat(IndexArtifact.resolve(built)).isEqualTo(pristine);
  }

  @Test
  void wrongDimensionIsNamed() {
    assertThatThrownBy(() -> IndexArtifact.load(dir, 768))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("384-dimensional")
        .hasMessageContaining("768");
  }

  @Test
  void missingExpertIsNamed() throws Exception {
    Files2.deleteRecursively(dir.resolve(ArtifactLayout.expertDir(2)));
    assertThatThrownBy(() -> IndexArtifact.load(dir, 384))
        .hasMessageContaining("expert 2 is missing");
  }

  /**
   * A manifest missing a field every reader needs fails naming the file and the field (it gave a
   * NullPointerException trace; found by an attack review).
   */
  @Test
  void aManifestMissingARequiredFieldIsNamed() throws Exception {
    Path manifest = dir.resolve(ArtifactLayout.MANIFEST);
    ObjectMapper json = new ObjectMapper();
    String original = Files.readString(manifest);
    for (String field : new String[] {"gate", "modelId", "files", "expertIndexes"}) {
      ObjectNode m = (ObjectNode) json.readTree(original);
      m.remove(field);
      Files.writeString(manifest, json.writeValueAsString(m));
      assertThatThrownBy(() -> IndexArtifact.load(dir, 384))
          .as(field)
          .isInstanceOf(ArtifactException.class)
          .hasMessageContaining(manifest.toString())
          .hasMessageContaining("field " + field + " is missing");
    }
    ObjectNode m = (ObjectNode) json.readTree(original);
    ((ObjectNode) m.withArray("expertIndexes").get(1)).remove("dir");
    Files.writeString(manifest, json.writeValueAsString(m));
    assertThatThrownBy(() -> IndexArtifact.load(dir, 384))
        .hasMessageContaining("field expertIndexes[1].dir is missing");
  }

  @Test
  void corruptedFileIsNamed() throws Exception {
    Files.write(
        dir.resolve(ArtifactLayout.VECTORS), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> IndexArtifact.load(dir, 384))
        .hasMessageContaining("vectors.f32 is corrupted");
  }

  @Test
  void loadVerifiedChecksStructureButDoesNotHashAgain() throws Exception {
    Files.write(
        dir.resolve(ArtifactLayout.VECTORS), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    // Operators trust an artifact the job already verified; only the full load hashes.
    assertThat(IndexArtifact.loadVerified(dir).version()).isNotBlank();
    Files.delete(dir.resolve(ArtifactLayout.IDS));
    assertThatThrownBy(() -> IndexArtifact.loadVerified(dir)).hasMessageContaining("missing");
  }

  @Test
  void corruptedExpertSegmentIsNamed() throws Exception {
    Path expert = dir.resolve(ArtifactLayout.expertDir(1));
    Path seg;
    try (var files = Files.list(expert)) {
      seg =
          files.filter(p -> p.getFileName().toString().endsWith(".vec")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(seg);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(seg, bytes);
    assertThatThrownBy(() -> IndexArtifact.load(dir, 384))
        .hasMessageContaining(seg.getFileName() + " is corrupted");
  }

  @Test
  void aDifferentEmbeddingModelIsNamed() {
    IndexArtifact a = IndexArtifact.load(dir, 384);
    assertThat(a.requireModel(EmbedderConfig.bundled().modelId())).isSameAs(a);
    assertThatThrownBy(() -> a.requireModel("/models/other.onnx|mean|128"))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("embedder.model-path")
        .hasMessageContaining("/models/other.onnx");
  }

  @Test
  void noArtifactTellsHowToBuildOne(@TempDir Path empty) {
    assertThatThrownBy(() -> IndexArtifact.load(empty, 384))
        .hasMessageContaining("bin/moe-search index build");
  }
}
