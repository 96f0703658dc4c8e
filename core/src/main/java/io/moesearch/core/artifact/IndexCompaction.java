package io.moesearch.core.artifact;

import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.VectorEncoding;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.live.CatalogChanges;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.core.util.Files2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The steps of {@code index compact}: a new artifact version holding a base version's catalogue
 * with the live updates folded in ({@link CatalogFold}). The version keeps the base's gate, build
 * settings and layout, so every product lands in the experts the running job assigned it live;
 * vectors of products whose text is unchanged are reused and only new or re-worded products are
 * embedded. Besides a built version's files (its catalogue, {@value ArtifactLayout#CATALOG}, what
 * the next compaction starts from, among them) it holds {@value ArtifactLayout#FOLDED}.
 *
 * <p>Order: {@link #prepare} (shared files), then each expert's index ({@link
 * IndexBuilder#writeExpert} over {@link IndexBuilder#readCatalog} of {@link Prepared#dir}), then
 * {@link #finish} (the manifest, last, and {@code LATEST}).
 */
public final class IndexCompaction {
  private IndexCompaction() {}

  /**
   * What {@link #prepare} wrote.
   *
   * @param dir the new version's directory
   * @param version its name
   * @param settings the base's build settings (experts, gate assignment, HNSW)
   * @param members per expert, the ordinals it holds
   * @param vectors the products' vectors, by ordinal
   * @param sharedFiles checksums of the files written so far
   * @param embedded products embedded anew
   */
  public record Prepared(
      Path dir,
      String version,
      IndexBuildSettings settings,
      int[][] members,
      VectorStore vectors,
      Map<String, String> sharedFiles,
      int embedded) {}

  /**
   * The base version's catalogue, in its ordinal order: the copy it holds, written when it was
   * built or compacted ({@link IndexBuilder#readCatalog}).
   *
   * @throws ArtifactException if it holds none (it was built before versions kept one)
   * @throws IOException if the copy cannot be read
   */
  public static List<Product> baseCatalogue(IndexArtifact base) throws IOException {
    return IndexBuilder.readCatalog(base.dir()).products();
  }

  /** The build settings the base version was written with. */
  public static IndexBuildSettings settings(Manifest m, int embedBatchSize) {
    Manifest.GateInfo g = m.gate();
    return new IndexBuildSettings(
        m.experts(),
        g.kmeansIterations(),
        g.seed(),
        g.temperature(),
        g.replicationRatio(),
        g.maxCopies(),
        VectorEncoding.parse(m.encoding()),
        m.hnswM(),
        m.hnswBeamWidth(),
        embedBatchSize);
  }

  /**
   * Writes the new version's shared files under {@code root}: vectors (reused or embedded with
   * {@code embedder}, which must be the base's model), ids, gate (the base's), members (assigned
   * with the base's gate and settings), the lexical index, the layout, the folded catalogue's copy,
   * its out-of-stock products and the folded updates.
   *
   * @param baseProducts the base's catalogue ({@link #baseCatalogue}), whose texts decide which
   *     vectors are reused
   * @param fold the base's catalogue with the updates folded in
   * @throws IOException if a file cannot be written
   */
  public static Prepared prepare(
      IndexArtifact base,
      List<Product> baseProducts,
      CatalogFold fold,
      Embedder embedder,
      Path root,
      int embedBatchSize)
      throws IOException {
    IndexBuildSettings s = settings(base.manifest(), embedBatchSize);
    List<Product> products = fold.products();
    Catalog catalog = new Catalog(products, List.of());
    Map<String, Integer> baseOrdinals = new HashMap<>();
    for (int i = 0; i < base.ids().size(); i++) {
      baseOrdinals.put(base.ids().get(i), i);
    }
    Map<String, String> baseTexts = new HashMap<>();
    for (Product p : baseProducts) {
      baseTexts.put(p.id(), p.searchableText());
    }
    float[][] vectors = new float[products.size()][];
    List<Integer> toEmbed = new ArrayList<>();
    for (int i = 0; i < products.size(); i++) {
      Product p = products.get(i);
      Integer ord = baseOrdinals.get(p.id());
      if (ord != null && p.searchableText().equals(baseTexts.get(p.id()))) {
        vectors[i] = base.vectors().get(ord);
      } else {
        toEmbed.add(i);
      }
    }
    for (int from = 0; from < toEmbed.size(); from += embedBatchSize) {
      List<Integer> batch = toEmbed.subList(from, Math.min(toEmbed.size(), from + embedBatchSize));
      float[][] v =
          embedder.embed(batch.stream().map(i -> products.get(i).searchableText()).toList());
      for (int j = 0; j < v.length; j++) {
        vectors[batch.get(j)] = v[j];
      }
    }
    VectorStore store = new VectorStore(vectors);
    int[][] members = IndexBuilder.expertMembers(base.gate(), store, s);
    String version = IndexBuilder.newVersion();
    Path dir = root.resolve(version);
    // Exclusively: a directory of that name is another writer's, never this one's to remove.
    Files.createDirectory(dir);
    try {
      return write(base, fold, dir, version, s, catalog, store, members, toEmbed.size());
    } catch (IOException | RuntimeException e) {
      removeAfterFailure(dir, e);
      throw e;
    }
  }

  private static Prepared write(
      IndexArtifact base,
      CatalogFold fold,
      Path dir,
      String version,
      IndexBuildSettings s,
      Catalog catalog,
      VectorStore store,
      int[][] members,
      int embedded)
      throws IOException {
    IndexBuilder.writeCatalog(dir, catalog);
    Map<String, String> files =
        new TreeMap<>(IndexBuilder.writeShared(dir, catalog, store, base.gate(), members));
    if (base.manifest().files().containsKey(ExpertPlacement.FILE)) {
      Files.copy(
          base.dir().resolve(ExpertPlacement.FILE),
          dir.resolve(ExpertPlacement.FILE),
          StandardCopyOption.REPLACE_EXISTING);
      files.put(ExpertPlacement.FILE, Files2.sha256(dir.resolve(ExpertPlacement.FILE)));
    }
    List<String> folded = new ArrayList<>();
    new TreeMap<>(fold.folded()).forEach((id, ts) -> folded.add(id + "\t" + ts));
    Files.write(dir.resolve(ArtifactLayout.FOLDED), folded, StandardCharsets.UTF_8);
    files.put(ArtifactLayout.FOLDED, Files2.sha256(dir.resolve(ArtifactLayout.FOLDED)));
    List<String> parts = new ArrayList<>();
    new TreeMap<>(fold.foldedParts())
        .forEach(
            (id, x) ->
                parts.add(
                    String.join(
                        "\t",
                        id,
                        Long.toString(x.existsTs()),
                        Long.toString(x.priceTs()),
                        Long.toString(x.stockTs()),
                        x.price() == null ? "" : Double.toString(x.price()),
                        Boolean.toString(x.inStock()))));
    Files.write(dir.resolve(ArtifactLayout.FOLDED_PARTS), parts, StandardCharsets.UTF_8);
    files.put(ArtifactLayout.FOLDED_PARTS, Files2.sha256(dir.resolve(ArtifactLayout.FOLDED_PARTS)));
    return new Prepared(dir, version, s, members, store, files, embedded);
  }

  /**
   * Removes the directory of a version whose compaction failed before its manifest (not a version:
   * nothing reads it); a failure to remove it is added to {@code cause}, which the caller throws.
   */
  public static void removeAfterFailure(Path dir, Throwable cause) {
    try {
      if (namedByLatest(dir)) {
        // LATEST moved before the failure (a lock released with an error): it is served.
        return;
      }
      Files2.deleteRecursively(dir);
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** Whether {@code dir}'s parent has a {@code LATEST} that names {@code dir}. */
  private static boolean namedByLatest(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    return abs.equals(IndexBuilder.latestVersion(abs.getParent()));
  }

  /**
   * Writes the manifest (last) with {@code compaction} as its provenance and marks the version
   * {@code LATEST} in {@code root}, if it still names {@code base}.
   *
   * @throws ArtifactException if {@code LATEST} moved since {@code base} was read (another
   *     compaction finished first); the version is then removed
   */
  public static Manifest finish(
      Prepared p,
      IndexArtifact base,
      Path root,
      List<Manifest.ExpertInfo> experts,
      Manifest.Compaction compaction,
      Map<String, Double> seconds)
      throws IOException {
    Manifest m =
        IndexBuilder.writeManifest(
            p.dir(),
            p.version(),
            base.manifest().modelId(),
            p.vectors(),
            p.settings(),
            p.sharedFiles(),
            experts,
            seconds,
            compaction);
    // Only over its base: a compaction that read further and finished first stays LATEST.
    IndexBuilder.markLatestIf(root, base.dir(), p.version());
    return m;
  }

  /**
   * A whole compaction in this JVM, without Flink (the expert indexes one after the other): {@link
   * #prepare}, every expert's index, {@link #finish}. For tools and tests; {@code index compact}
   * runs the same steps as Flink jobs.
   *
   * @param topic the topic the updates were read from
   * @param endOffsets per partition, the offset after the last update folded
   * @param updatesRead updates read (dead ones included)
   * @return the new version, loaded
   * @throws IOException if a file cannot be read or written
   */
  public static IndexArtifact compactLocally(
      IndexArtifact base,
      List<Product> baseProducts,
      CatalogFold fold,
      Embedder embedder,
      Path root,
      int embedBatchSize,
      String topic,
      Map<Integer, Long> endOffsets,
      int updatesRead)
      throws IOException {
    Prepared p = prepare(base, baseProducts, fold, embedder, root, embedBatchSize);
    try {
      List<Manifest.ExpertInfo> experts = writeExpertsLocally(p);
      Manifest.Compaction c =
          new Manifest.Compaction(
              base.version(),
              lineage(base),
              topic,
              Map.copyOf(endOffsets),
              updatesRead,
              fold.count(CatalogChanges.Outcome.APPLIED),
              fold.productsChanged(),
              p.embedded(),
              null);
      finish(p, base, root, experts, c, Map.of());
    } catch (IOException | RuntimeException e) {
      removeAfterFailure(p.dir(), e);
      throw e;
    }
    return IndexArtifact.load(p.dir(), 0);
  }

  /**
   * Writes every expert index of a prepared version in this JVM, one after the other ({@code index
   * compact} writes them as a Flink job).
   */
  public static List<Manifest.ExpertInfo> writeExpertsLocally(Prepared p) throws IOException {
    Catalog folded = IndexBuilder.readCatalog(p.dir());
    List<Manifest.ExpertInfo> experts = new ArrayList<>();
    for (int e = 0; e < p.members().length; e++) {
      experts.add(
          IndexBuilder.writeExpert(p.dir(), e, p.members()[e], folded, p.vectors(), p.settings()));
    }
    return experts;
  }

  /**
   * The fold of catalogue updates over {@code base}: its catalogue ({@link #baseCatalogue}), what
   * it folded and assigned with its gate, settings and layout, as {@code index compact} folds.
   */
  public static CatalogFold foldOver(IndexArtifact base, List<Product> baseProducts) {
    Manifest.GateInfo g = base.manifest().gate();
    return new CatalogFold(
        baseProducts,
        base.folded(),
        base.foldedParts(),
        new ExpertAssigner(base.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
        base.placement());
  }

  /** The lineage of a version compacted from {@code base}: the base's, then the base. */
  public static List<String> lineage(IndexArtifact base) {
    return lineage(base.manifest());
  }

  /**
   * The lineage of a version made from the version of manifest {@code base}, by a compaction or a
   * {@code routing update} ({@link GateVersionWriter}, which shares the base's catalogue and
   * files): the base's, then the base.
   */
  public static List<String> lineage(Manifest base) {
    List<String> out = new ArrayList<>();
    if (base.compaction() != null) {
      out.addAll(base.compaction().lineage());
    }
    out.add(base.indexVersion());
    return List.copyOf(out);
  }
}
