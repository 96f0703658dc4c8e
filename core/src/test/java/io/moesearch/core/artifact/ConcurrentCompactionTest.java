package io.moesearch.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.core.testing.SmallIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code index compact} runs over the same base at once (an hourly cron whose previous run is
 * still writing its expert indexes): the one that started first read fewer updates, and finishing
 * last it must not move {@code LATEST} back over the newer compaction, whose folded updates a
 * running job has already dropped from its live delta at the swap.
 */
class ConcurrentCompactionTest {
  @TempDir static Path dir;
  static EmbeddingModel model;
  static IndexArtifact base;
  static Path root;

  @BeforeAll
  static void build() {
    model = SmallIndex.model();
    Catalog catalog = SmallIndex.catalogue(40);
    root = dir.resolve("index");
    base = IndexArtifact.load(SmallIndex.build(catalog, model, 2, root), 0);
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  @Test
  void aSlowCompactionFinishingLastDoesNotMoveLatestBackOverANewerOne() throws Exception {
    List<Product> products = IndexCompaction.baseCatalogue(base);
    String gone = products.get(0).id();
    String alsoGone = products.get(1).id();

    // Run 1 starts: reads the topic up to offset 1 (one delete) and writes its shared files.
    CatalogFold f1 = IndexCompaction.foldOver(base, products);
    f1.delete(gone, 10);
    IndexCompaction.Prepared slow;
    try (Embedder e = model.newEmbedder()) {
      slow = IndexCompaction.prepare(base, products, f1, e, root, 16);
    }

    // Run 2 starts later from the same LATEST, reads further (a second delete) and finishes first.
    CatalogFold f2 = IndexCompaction.foldOver(base, products);
    f2.delete(gone, 10);
    f2.delete(alsoGone, 11);
    IndexArtifact fast;
    try (Embedder e = model.newEmbedder()) {
      fast = IndexCompaction.compactLocally(base, products, f2, e, root, 16, "t", Map.of(0, 2L), 2);
    }
    assertThat(IndexArtifact.load(root, 0).version()).isEqualTo(fast.version());

    // Run 1 now writes its expert indexes and finishes.
    List<Manifest.ExpertInfo> experts = IndexCompaction.writeExpertsLocally(slow);
    Manifest.Compaction c =
        new Manifest.Compaction(
            base.version(), IndexCompaction.lineage(base), "t", Map.of(0, 1L), 1, 1, 1, 0, null);
    Throwable refused =
        catchThrowable(() -> IndexCompaction.finish(slow, base, root, experts, c, Map.of()));

    IndexArtifact latest = IndexArtifact.load(root, 0);
    assertThat(latest.ids())
        .as(
            "LATEST (%s) must still hold the delete that %s folded and a running job dropped"
                + " from its delta when it swapped that version in",
            latest.version(), fast.version())
        .doesNotContain(alsoGone);
    assertThat(latest.version()).isEqualTo(fast.version());
    assertThat(refused)
        .as("the slow run fails, saying LATEST moved under it")
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining(ArtifactLayout.LATEST)
        .hasMessageContaining(fast.version());
    assertThat(Files.exists(slow.dir().resolve(ArtifactLayout.MANIFEST)))
        .as("the refused version is not left behind as a complete version")
        .isFalse();
  }

  /**
   * A compaction that fails after writing part of its version (here an embedding that is not a
   * finite vector, refused by the expert index) leaves no directory behind: a partial version is no
   * version, and each failed hourly run would otherwise leave one more.
   */
  @Test
  void aFailedCompactionLeavesNoPartialVersionDirectory() throws Exception {
    List<Product> products = IndexCompaction.baseCatalogue(base);
    Product p = products.get(2);
    CatalogFold f = IndexCompaction.foldOver(base, products);
    f.upsert(
        new Product(
            p.id(),
            p.title() + " renamed",
            p.brand(),
            p.model(),
            p.description(),
            p.price(),
            p.attributes()),
        true,
        20);
    List<Path> before = versions();
    Throwable t;
    try (Embedder real = model.newEmbedder();
        Embedder nan = new NotFinite(real)) {
      t =
          catchThrowable(
              () ->
                  IndexCompaction.compactLocally(
                      base, products, f, nan, root, 16, "t", Map.of(0, 1L), 1));
    }
    assertThat(t).isNotNull();
    assertThat(versions()).isEqualTo(before);
    assertThat(IndexArtifact.load(root, 0).version()).isEqualTo(base.version());
  }

  private static List<Path> versions() throws Exception {
    try (var list = Files.list(root)) {
      return list.filter(Files::isDirectory).sorted().toList();
    }
  }

  /** Embeds as {@code real} does, but every vector's first component is NaN. */
  private record NotFinite(Embedder real) implements Embedder {
    @Override
    public float[][] embed(List<String> texts) {
      float[][] v = real.embed(texts);
      for (float[] row : v) {
        row[0] = Float.NaN;
      }
      return v;
    }

    @Override
    public int dimension() {
      return real.dimension();
    }

    @Override
    public void close() {}
  }
}
