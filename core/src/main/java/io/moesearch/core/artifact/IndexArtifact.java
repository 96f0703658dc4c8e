package io.moesearch.core.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.core.util.Files2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded, validated index artifact: manifest, gate and product ids; full-precision vectors are
 * read and expert indexes opened on demand. Loading checks the manifest against the files (every
 * expert present, every checksum matching, dimensions consistent) and fails with an {@link
 * ArtifactException} that says what is wrong.
 */
public final class IndexArtifact {
  private final Path dir;
  private final Manifest manifest;
  private final Gate gate;
  private final List<String> ids;
  private final ExpertPlacement placement;
  private VectorStore vectors;
  private Map<String, Long> folded;
  private Map<String, CatalogFold.Parts> foldedParts;
  private Set<String> outOfStock;

  private IndexArtifact(
      Path dir, Manifest manifest, Gate gate, List<String> ids, ExpertPlacement placement) {
    this.dir = dir;
    this.manifest = manifest;
    this.gate = gate;
    this.ids = ids;
    this.placement = placement;
  }

  /**
   * Most bytes of a {@code LATEST} file that names a version: a version's directory name is far
   * shorter. A larger file (written there by mistake) names none and is not read, so that a poll on
   * a task's thread neither reads megabytes nor echoes them into its error.
   */
  static final int MAX_LATEST_BYTES = 4096;

  /**
   * Resolves an artifact directory: {@code path} itself if it holds a manifest, else the version
   * named by {@code path/LATEST} (at most {@value #MAX_LATEST_BYTES} bytes).
   *
   * @throws ArtifactException if neither holds an artifact, or LATEST cannot be read or names none
   */
  public static Path resolve(Path path) {
    if (Files.isRegularFile(path.resolve(ArtifactLayout.MANIFEST))) {
      return path;
    }
    Path latest = path.resolve(ArtifactLayout.LATEST);
    if (Files.isRegularFile(latest)) {
      try {
        if (Files.size(latest) > MAX_LATEST_BYTES) {
          throw new ArtifactException(
              latest + " names no version: larger than " + MAX_LATEST_BYTES + " bytes");
        }
        Path version = path.resolve(Files.readString(latest).trim());
        if (Files.isRegularFile(version.resolve(ArtifactLayout.MANIFEST))) {
          return version;
        }
        throw new ArtifactException(
            latest + " names " + version + ", which has no " + ArtifactLayout.MANIFEST);
      } catch (IOException e) {
        throw new ArtifactException("cannot read " + latest + ": " + e.getMessage(), e);
      } catch (InvalidPathException e) {
        // A NUL byte amid the name (a LATEST overwritten by a crash): it names no version.
        throw new ArtifactException(latest + " names no version: " + e.getReason(), e);
      }
    }
    throw new ArtifactException(
        "no index artifact at "
            + path
            + " (no "
            + ArtifactLayout.MANIFEST
            + " and no "
            + ArtifactLayout.LATEST
            + "); build one with `bin/moe-search index build`");
  }

  /**
   * The product ids of the artifact in {@code dir} (its {@value ArtifactLayout#IDS}), without
   * loading the rest.
   *
   * @throws ArtifactException if the file cannot be read
   */
  public static List<String> readIds(Path dir) {
    try {
      return Files.readAllLines(dir.resolve(ArtifactLayout.IDS), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ArtifactException("cannot read " + dir.resolve(ArtifactLayout.IDS) + ": " + e, e);
    }
  }

  /**
   * The manifest of the artifact in {@code dir}, with the fields every reader needs present.
   *
   * @throws ArtifactException naming the file: unreadable, not a manifest, or a required field
   *     ({@code indexVersion}, {@code modelId}, {@code gate.file}, {@code files}, {@code
   *     expertIndexes} and each entry's {@code dir} and {@code files}) missing
   */
  public static Manifest readManifest(Path dir) {
    Path file = dir.resolve(ArtifactLayout.MANIFEST);
    Manifest m;
    try {
      m = new ObjectMapper().readValue(file.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new ArtifactException("cannot read manifest " + file + ": " + e.getMessage(), e);
    }
    if (m == null) {
      throw new ArtifactException("cannot read manifest " + file + ": it is empty (null)");
    }
    requirePresent(file, "indexVersion", m.indexVersion());
    requirePresent(file, "modelId", m.modelId());
    requirePresent(file, "gate", m.gate());
    requirePresent(file, "gate.file", m.gate().file());
    requirePresent(file, "files", m.files());
    requirePresent(file, "expertIndexes", m.expertIndexes());
    for (int e = 0; e < m.expertIndexes().size(); e++) {
      Manifest.ExpertInfo info = m.expertIndexes().get(e);
      requirePresent(file, "expertIndexes[" + e + "]", info);
      requirePresent(file, "expertIndexes[" + e + "].dir", info.dir());
      requirePresent(file, "expertIndexes[" + e + "].files", info.files());
    }
    return m;
  }

  private static void requirePresent(Path manifest, String field, Object value) {
    if (value == null) {
      throw new ArtifactException(
          manifest + ": field " + field + " is missing; rebuild the artifact or restore the file");
    }
  }

  /**
   * Loads and validates, including every file's SHA-256; {@code expectedDimension} is the serving
   * model's (0 = do not check).
   */
  public static IndexArtifact load(Path path, int expectedDimension) {
    return load(path, expectedDimension, true);
  }

  /**
   * Loads an artifact already verified by {@link #load(Path, int)} (for example when the job was
   * submitted): the same structural checks, but files are only checked to exist, not hashed, so
   * that each operator subtask starts fast.
   */
  public static IndexArtifact loadVerified(Path path) {
    return load(path, 0, false);
  }

  private static IndexArtifact load(Path path, int expectedDimension, boolean checksums) {
    Path dir = resolve(path);
    Manifest m = readManifest(dir);
    if (m.formatVersion() != Manifest.FORMAT_VERSION) {
      throw new ArtifactException(
          dir
              + ": artifact format "
              + m.formatVersion()
              + " is not supported (expected "
              + Manifest.FORMAT_VERSION
              + "); rebuild it with `bin/moe-search index build`");
    }
    if (expectedDimension > 0 && m.dimension() != expectedDimension) {
      throw new ArtifactException(
          dir
              + ": the index holds "
              + m.dimension()
              + "-dimensional vectors but the embedding model gives "
              + expectedDimension
              + " (model "
              + m.modelId()
              + "); rebuild the index with this model");
    }
    if (m.expertIndexes() == null || m.expertIndexes().size() != m.experts()) {
      throw new ArtifactException(
          dir
              + ": manifest lists "
              + (m.expertIndexes() == null ? 0 : m.expertIndexes().size())
              + " expert indexes but declares "
              + m.experts());
    }
    verify(dir, m.files(), checksums);
    for (int e = 0; e < m.experts(); e++) {
      Manifest.ExpertInfo info = m.expertIndexes().get(e);
      if (info.id() != e) {
        throw new ArtifactException(dir + ": manifest expert entry " + e + " has id " + info.id());
      }
      Path ed = dir.resolve(info.dir());
      if (!Files.isDirectory(ed)) {
        throw new ArtifactException(
            dir + ": expert " + e + " is missing (no directory " + info.dir() + ")");
      }
      verify(ed, info.files(), checksums);
    }
    try {
      VectorStore gateRows = VectorStore.read(dir.resolve(m.gate().file()));
      if (gateRows.size() != m.experts() || gateRows.dimension() != m.dimension()) {
        throw new ArtifactException(
            dir
                + ": gate holds "
                + gateRows.size()
                + "×"
                + gateRows.dimension()
                + " weights, expected "
                + m.experts()
                + "×"
                + m.dimension());
      }
      float[][] w = new float[gateRows.size()][];
      for (int i = 0; i < w.length; i++) {
        w[i] = gateRows.get(i);
      }
      List<String> ids = readIds(dir);
      if (ids.size() != m.products()) {
        throw new ArtifactException(
            dir
                + ": "
                + ArtifactLayout.IDS
                + " has "
                + ids.size()
                + " ids, expected "
                + m.products());
      }
      ExpertPlacement placement =
          m.files().containsKey(ExpertPlacement.FILE)
              ? ExpertPlacement.read(dir.resolve(ExpertPlacement.FILE), m.experts())
              : ExpertPlacement.identity(m.experts());
      return new IndexArtifact(dir, m, new Gate(w), List.copyOf(ids), placement);
    } catch (IOException e) {
      throw new ArtifactException(dir + ": cannot read artifact files: " + e.getMessage(), e);
    }
  }

  private static void verify(Path base, Map<String, String> files, boolean checksums) {
    if (files == null || files.isEmpty()) {
      throw new ArtifactException(base + ": manifest lists no files");
    }
    for (var f : files.entrySet()) {
      Path p = base.resolve(f.getKey());
      if (!Files.isRegularFile(p)) {
        throw new ArtifactException(
            base + ": file " + f.getKey() + " listed in the manifest is missing");
      }
      if (!checksums) {
        continue; // loadVerified: the files were hashed when the artifact was first loaded
      }
      try {
        String actual = Files2.sha256(p);
        if (!actual.equals(f.getValue())) {
          throw new ArtifactException(
              base
                  + ": file "
                  + f.getKey()
                  + " is corrupted (SHA-256 "
                  + actual
                  + ", manifest says "
                  + f.getValue()
                  + ")");
        }
      } catch (IOException e) {
        throw new ArtifactException(
            base + ": cannot read " + f.getKey() + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Fails unless the artifact was built with the embedding model {@code modelId} (as {@link
   * EmbedderConfig#modelId()} names it): product and query vectors from different models are not
   * comparable, even at the same dimension.
   */
  public IndexArtifact requireModel(String modelId) {
    if (!manifest.modelId().equals(modelId)) {
      throw new ArtifactException(
          dir
              + ": the index was built with the embedding model '"
              + manifest.modelId()
              + "' but the embedder is configured as '"
              + modelId
              + "' (embedder.model-path, embedder.pooling, embedder.max-tokens); rebuild the index or"
              + " configure the same model");
    }
    return this;
  }

  public Path dir() {
    return dir;
  }

  public Manifest manifest() {
    return manifest;
  }

  public String version() {
    return manifest.indexVersion();
  }

  public Gate gate() {
    return gate;
  }

  /**
   * Which serving slots hold which expert: the version's {@value ExpertPlacement#FILE} ({@code
   * routing update} with {@code routing.replica-slots}), else one slot per expert.
   */
  public ExpertPlacement placement() {
    return placement;
  }

  /** The full-precision product vectors, read on first use (checked against the manifest). */
  public synchronized VectorStore vectors() {
    if (vectors == null) {
      try {
        VectorStore v = VectorStore.read(dir.resolve(ArtifactLayout.VECTORS));
        if (v.size() != manifest.products() || v.dimension() != manifest.dimension()) {
          throw new ArtifactException(
              dir
                  + ": "
                  + ArtifactLayout.VECTORS
                  + " holds "
                  + v.size()
                  + "×"
                  + v.dimension()
                  + " but the manifest says "
                  + manifest.products()
                  + "×"
                  + manifest.dimension());
        }
        vectors = v;
      } catch (IOException e) {
        throw new ArtifactException(
            dir + ": cannot read " + ArtifactLayout.VECTORS + ": " + e.getMessage(), e);
      }
    }
    return vectors;
  }

  /**
   * The updates a compacted version folded ({@value ArtifactLayout#FOLDED}): product id → the
   * version of its state ({@code DeltaEntry.ts}: the newest applied update's {@code ts} or past
   * it); empty for a version that is not compacted. Read on first use.
   */
  public synchronized Map<String, Long> folded() {
    if (folded == null) {
      Map<String, Long> m = new HashMap<>();
      for (String line : optionalLines(ArtifactLayout.FOLDED)) {
        int tab = line.lastIndexOf('\t');
        long ts;
        try {
          ts = Long.parseLong(line.substring(tab + 1));
        } catch (NumberFormatException e) {
          ts = -1;
        }
        if (tab <= 0 || ts < 0) {
          throw new ArtifactException(dir + ": bad line in " + ArtifactLayout.FOLDED + ": " + line);
        }
        m.put(line.substring(0, tab), ts);
      }
      folded = Map.copyOf(m);
    }
    return folded;
  }

  /**
   * The parts of this version's folded products' states ({@value ArtifactLayout#FOLDED_PARTS}):
   * product id → when its existence, price and stock were set; empty for a version that is not
   * compacted or was compacted before the file. Read on first use.
   */
  public synchronized Map<String, CatalogFold.Parts> foldedParts() {
    if (foldedParts == null) {
      Map<String, CatalogFold.Parts> m = new HashMap<>();
      for (String line : optionalLines(ArtifactLayout.FOLDED_PARTS)) {
        String[] f = line.split("\t", -1);
        try {
          if (f.length != 6 || f[0].isEmpty() || !f[5].matches("true|false")) {
            throw new IllegalArgumentException("6 tab-separated fields expected");
          }
          m.put(
              f[0],
              new CatalogFold.Parts(
                  Long.parseLong(f[1]),
                  Long.parseLong(f[2]),
                  Long.parseLong(f[3]),
                  f[4].isEmpty() ? null : Double.valueOf(f[4]),
                  Boolean.parseBoolean(f[5])));
        } catch (IllegalArgumentException e) { // NumberFormatException too
          throw new ArtifactException(
              dir + ": bad line in " + ArtifactLayout.FOLDED_PARTS + ": " + line + " (" + e + ")");
        }
      }
      foldedParts = Map.copyOf(m);
    }
    return foldedParts;
  }

  /**
   * The products this version holds out of stock ({@value ArtifactLayout#OUT_OF_STOCK}); empty for
   * a version that is not compacted (a built catalogue is in stock). Read on first use.
   */
  public synchronized Set<String> outOfStock() {
    if (outOfStock == null) {
      outOfStock = Set.copyOf(new HashSet<>(optionalLines(ArtifactLayout.OUT_OF_STOCK)));
    }
    return outOfStock;
  }

  private List<String> optionalLines(String file) {
    if (!manifest.files().containsKey(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new ArtifactException(dir + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Product ids by ordinal. */
  public List<String> ids() {
    return ids;
  }

  public ExpertIndex openExpert(int expert) {
    return ExpertIndex.open(dir.resolve(manifest.expertIndexes().get(expert).dir()));
  }

  /** Opens every expert index; the caller closes them. */
  public List<ExpertIndex> openExperts() {
    List<ExpertIndex> out = new ArrayList<>(manifest.experts());
    for (int e = 0; e < manifest.experts(); e++) {
      out.add(openExpert(e));
    }
    return out;
  }

  /** The text-only index over the whole catalogue (BM25). */
  public ExpertIndex openLexical() {
    return ExpertIndex.open(dir.resolve(ArtifactLayout.LEXICAL));
  }
}
