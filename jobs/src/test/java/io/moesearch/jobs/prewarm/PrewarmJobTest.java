package io.moesearch.jobs.prewarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.artifact.Manifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrewarmJobTest {
  private static final RankedItem[] ITEMS = {new RankedItem("p1", "Anker USB-C cable", 0.9f)};

  /**
   * Prewarm searches the artifact without the live catalogue's changes, so a result fill claims no
   * later catalogue than the artifact's: the running job then checks it against every change since
   * (before, it was dated at its search, and a product deleted earlier was served from it).
   */
  @Test
  void resultFillsAreDatedAtTheArtifactsCatalogueAndEmbeddingsAreLeftAlone() {
    PrewarmJob.DateAt built = new PrewarmJob.DateAt(0);
    CacheFill result = CacheFill.result("usb cable", 10, "", "v1#r1", ITEMS, new int[] {3}, 5_000);
    assertThat(built.map(result).ts()).isZero();
    assertThat(built.map(result)).usingRecursiveComparison().ignoringFields("ts").isEqualTo(result);
    CacheFill embedding = CacheFill.embedding("usb cable", "model", new float[] {1, 0});
    assertThat(built.map(embedding)).isSameAs(embedding);
    assertThat(new PrewarmJob.DateAt(9_000).map(result)).as("already older").isSameAs(result);
  }

  @Test
  void aCompactedVersionsCatalogueIsAsOfItsReadingOfTheTopicsEndOffsets() {
    Manifest.Compaction read =
        new Manifest.Compaction("v0", List.of("v0"), "updates", Map.of(0, 9L), 9, 9, 9, 0, 1_234L);
    Manifest.Compaction older =
        new Manifest.Compaction("v0", List.of("v0"), "updates", Map.of(0, 9L), 9, 9, 9, 0, null);
    assertThat(manifest(read).catalogueAsOfMillis()).isEqualTo(1_234L);
    assertThat(manifest(older).catalogueAsOfMillis()).isZero();
    assertThat(manifest(null).catalogueAsOfMillis()).as("a built version").isZero();
  }

  private static Manifest manifest(Manifest.Compaction c) {
    return new Manifest(
        Manifest.FORMAT_VERSION,
        "v1",
        "2026-12-03T00:00:00Z",
        "model",
        2,
        1,
        1,
        "float32",
        16,
        100,
        null,
        Map.of(),
        List.of(),
        Map.of(),
        null,
        c);
  }
}
