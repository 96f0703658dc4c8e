package io.moesearch.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.IndexFields;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.core.live.DeltaEntry;
import io.moesearch.core.testing.SmallIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code index compact}'s core: a base version plus folded updates become a loadable version that
 * holds exactly the folded catalogue, reuses unchanged vectors and records what it folded.
 */
class IndexCompactionTest {
  @TempDir static Path root;
  static EmbeddingModel model;
  static Catalog catalog;
  static IndexArtifact base;
  static Path catalogFile;

  @BeforeAll
  static void build() throws Exception {
    model = SmallIndex.model();
    catalog = SmallIndex.catalogue(120);
    catalogFile = SmallIndex.writeJsonl(catalog, root.resolve("catalog.jsonl.gz"));
    base = IndexArtifact.load(SmallIndex.build(catalog, model, 4, root.resolve("index")), 0);
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  private static CatalogFold fold(IndexArtifact b, List<Product> products) {
    Manifest.GateInfo g = b.manifest().gate();
    return new CatalogFold(
        products,
        b.folded(),
        new ExpertAssigner(b.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
        b.placement());
  }

  private static IndexArtifact compact(IndexArtifact b, List<Product> products, CatalogFold f)
      throws Exception {
    try (Embedder e = model.newEmbedder()) {
      return IndexCompaction.compactLocally(
          b, products, f, e, root.resolve("index"), 16, "t", Map.of(0, 9L), 9);
    }
  }

  @Test
  void aCompactedVersionHoldsTheFoldedCatalogue() throws Exception {
    List<Product> products = IndexCompaction.baseCatalogue(base);
    assertThat(products).hasSize(120);
    CatalogFold f = fold(base, products);
    Product reworded = products.get(1);
    f.delete(products.get(0).id(), 10);
    f.upsert(
        new Product(
            reworded.id(),
            reworded.title() + " limited edition",
            reworded.brand(),
            reworded.model(),
            reworded.description(),
            reworded.price(),
            null),
        null,
        11);
    f.patch(products.get(2).id(), 1.5, false, 12);
    f.upsert(
        new Product("new-1", "Solar powered garden lamp", "Acme", "", "", 9.0, null), null, 13);

    IndexArtifact next = compact(base, products, f);

    assertThat(next.version()).isNotEqualTo(base.version());
    assertThat(next.ids()).hasSize(120).doesNotContain(products.get(0).id()).contains("new-1");
    assertThat(next.manifest().compaction().embedded()).as("re-worded and new only").isEqualTo(2);
    assertThat(next.manifest().compaction().lineage()).containsExactly(base.version());
    assertThat(next.outOfStock()).containsExactly(products.get(2).id());
    assertThat(next.folded()).containsEntry(products.get(0).id(), 10L).containsEntry("new-1", 13L);
    assertThat(next.foldedParts())
        .as("written for the next compaction, read back as folded")
        .isEqualTo(f.foldedParts())
        .containsEntry(
            products.get(2).id(),
            new CatalogFold.Parts(DeltaEntry.ARTIFACT_TS, 12, 12, 1.5, false));
    int unchanged = next.ids().indexOf(products.get(5).id());
    assertThat(next.vectors().get(unchanged))
        .as("an unchanged product keeps its vector")
        .containsExactly(base.vectors().get(5));
    int fresh = next.ids().indexOf("new-1");
    try (ExpertIndex lexical = next.openLexical()) {
      assertThat(lexical.search(new TermQuery(new Term(IndexFields.IN_STOCK, "false")), 10))
          .extracting(c -> c.productId())
          .containsExactly(products.get(2).id());
    }
    boolean found = false;
    for (int e = 0; e < next.manifest().experts(); e++) {
      try (ExpertIndex idx = next.openExpert(e)) {
        found |=
            idx.knn(next.vectors().get(fresh), 5, 5, null).stream()
                .anyMatch(c -> c.productId().equals("new-1"));
      }
    }
    assertThat(found).as("the new product is in its expert's HNSW graph").isTrue();

    // A second compaction starts from the first's catalogue and timestamps.
    List<Product> again = IndexCompaction.baseCatalogue(next);
    assertThat(again).extracting(Product::id).containsExactlyElementsOf(next.ids());
    CatalogFold f2 = fold(next, again);
    assertThat(f2.patch(products.get(2).id(), 1.5, false, 12))
        .as("a replay of a folded update")
        .isEqualTo(io.moesearch.core.live.CatalogChanges.Outcome.STALE);
    assertThat(f2.patch(products.get(2).id(), 1.0, true, 12))
        .as("a lower price and in stock at the folded ts: the folded values come last")
        .isEqualTo(io.moesearch.core.live.CatalogChanges.Outcome.STALE);
    f2.patch(products.get(2).id(), 2.0, null, 14);
    IndexArtifact third = compact(next, again, f2);
    assertThat(third.outOfStock())
        .as("a price patch keeps the stock")
        .contains(products.get(2).id());
    assertThat(third.manifest().compaction().lineage())
        .containsExactly(base.version(), next.version());
  }

  /**
   * A {@code routing update} of a compacted version shares its catalogue and every index file: it
   * is of that version's line, so its lineage names it (before, it was its parent's lineage,
   * copied), and so does the lineage of a compaction made from the update. The rest of the
   * compaction record is the parent's: the next compaction starts at its end offsets.
   */
  @Test
  void aRoutingUpdateOfACompactedVersionNamesItInItsLineage() throws Exception {
    Path line = root.resolve("gate-line");
    Files.createDirectories(line);
    List<Product> products = IndexCompaction.baseCatalogue(base);
    CatalogFold f = fold(base, products);
    f.patch(products.get(3).id(), 2.5, null, 10);
    try (Embedder e = model.newEmbedder()) {
      IndexArtifact compacted =
          IndexCompaction.compactLocally(base, products, f, e, line, 16, "t", Map.of(0, 9L), 9);
      IndexArtifact updated =
          IndexArtifact.load(
              GateVersionWriter.write(
                      compacted.dir(),
                      compacted.gate(),
                      new Manifest.GateUpdate(compacted.version(), "test", Map.of()))
                  .dir(),
              0);
      assertThat(updated.manifest().compaction().lineage())
          .containsExactly(base.version(), compacted.version());
      assertThat(updated.manifest().compaction().endOffsets()).containsExactly(Map.entry(0, 9L));
      List<Product> again = IndexCompaction.baseCatalogue(updated);
      CatalogFold f2 = IndexCompaction.foldOver(updated, again);
      f2.patch(products.get(4).id(), 3.5, null, 11);
      IndexArtifact next =
          IndexCompaction.compactLocally(updated, again, f2, e, line, 16, "t", Map.of(0, 10L), 1);
      assertThat(next.manifest().compaction().lineage())
          .containsExactly(base.version(), compacted.version(), updated.version());
    }
  }

  /**
   * A built version's catalogue is the copy it holds, not {@code catalog.path} read again: the file
   * may have been re-exported since the build (same ids, a title re-worded), and taking its text as
   * the base's counted the product as unchanged, so its vector, embedded from the old text, was
   * reused beside the new text's terms, in this version and every later one.
   */
  @Test
  void aBuiltVersionsCatalogueIsTheCopyItHoldsNotTheFileReExportedSince() throws Exception {
    List<Product> reworded = new ArrayList<>(catalog.products());
    Product p = reworded.get(0);
    reworded.set(
        0,
        new Product(p.id(), "Garden hose 25 m, green", p.brand(), p.model(), "", p.price(), null));
    SmallIndex.writeJsonl(new Catalog(reworded, List.of()), catalogFile);

    assertThat(base.manifest().files()).containsKey(ArtifactLayout.CATALOG);
    assertThat(IndexCompaction.baseCatalogue(base))
        .as("the catalogue %s was built from", base.version())
        .containsExactlyElementsOf(catalog.products());
  }

  /** A version built before versions kept their catalogue is refused, saying what to do. */
  @Test
  void aVersionWithoutACatalogueCopyIsRefused() throws Exception {
    Path dir = base.dir().resolveSibling("without-copy");
    try (var files = Files.walk(base.dir())) {
      for (Path f : files.toList()) {
        Path to = dir.resolve(base.dir().relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else if (!f.getFileName().toString().equals(ArtifactLayout.CATALOG)) {
          Files.copy(f, to);
        }
      }
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(dir.resolve(ArtifactLayout.MANIFEST).toFile());
    ((ObjectNode) manifest.get("files")).remove(ArtifactLayout.CATALOG);
    json.writeValue(dir.resolve(ArtifactLayout.MANIFEST).toFile(), manifest);
    IndexArtifact old = IndexArtifact.load(dir, 0);

    assertThatThrownBy(() -> IndexCompaction.baseCatalogue(old))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("holds no " + ArtifactLayout.CATALOG)
        .hasMessageContaining("index build");
  }
}
