package io.moesearch.core.testing;

import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.catalog.CatalogWriter;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.VectorEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test fixture: a real index artifact over the first {@code n} products of the shipped Icecat
 * catalogue, built with the real embedding model.
 */
public final class SmallIndex {
  private SmallIndex() {}

  /** The shipped catalogue, found from any module's working directory. */
  public static Path shippedCatalogue() {
    for (Path p :
        List.of(
            Path.of("data/icecat/products_core.jsonl.gz"),
            Path.of("../data/icecat/products_core.jsonl.gz"),
            Path.of("../../data/icecat/products_core.jsonl.gz"))) {
      if (Files.isRegularFile(p)) {
        return p.toAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "shipped catalogue not found from " + Path.of("").toAbsolutePath());
  }

  /** The first {@code n} shipped products. */
  public static Catalog catalogue(int n) {
    Catalog all = new CatalogLoader(BadLinePolicy.FAIL, b -> {}).loadUnchecked(shippedCatalogue());
    return new Catalog(all.products().subList(0, n), List.of());
  }

  /** Writes {@code catalog} as gzipped JSONL (the build job reads catalogues from files). */
  public static Path writeJsonl(Catalog catalog, Path file) {
    try {
      return CatalogWriter.writeJsonl(catalog.products(), file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static IndexBuildSettings settings(int experts) {
    return new IndexBuildSettings(
        experts, 10, 42L, 0.05, 0.5, 2, VectorEncoding.FLOAT32, 16, 100, 32);
  }

  /** Builds an artifact under {@code root} and returns its directory. */
  public static Path build(Catalog catalog, EmbeddingModel model, int experts, Path root) {
    return IndexBuilder.buildLocally(catalog, model, settings(experts), root, 2, n -> {});
  }

  public static EmbeddingModel model() {
    return EmbeddingModel.load(EmbedderConfig.bundled());
  }
}
