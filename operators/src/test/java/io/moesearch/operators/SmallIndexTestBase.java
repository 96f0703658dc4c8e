package io.moesearch.operators;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.testing.SmallIndex;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live-catalogue harness tests' shared fixture: a real index of {@value #PRODUCTS} products in
 * {@value #EXPERTS} experts, built once per test class with the real embedding model ({@link
 * SmallIndex}), and that model and an embedder, closed after the class. The fields are static and
 * reassigned per class (test classes run one after another in a fork).
 */
abstract class SmallIndexTestBase {
  static final int PRODUCTS = 300;
  static final int EXPERTS = 4;

  @TempDir static Path root;
  static EmbeddingModel model;
  static Embedder embedder;
  static Catalog catalog;
  static Path dir;
  static IndexArtifact artifact;

  @BeforeAll
  static void buildIndex() {
    model = SmallIndex.model();
    embedder = model.newEmbedder();
    catalog = SmallIndex.catalogue(PRODUCTS);
    dir = SmallIndex.build(catalog, model, EXPERTS, root);
    artifact = IndexArtifact.load(dir, 384);
  }

  @AfterAll
  static void closeModel() {
    embedder.close();
    model.close();
  }
}
