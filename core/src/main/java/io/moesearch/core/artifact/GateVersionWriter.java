package io.moesearch.core.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.util.Files2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a new artifact version that differs from an existing one only in its gate. The new version
 * directory is created next to the parent (in the same root); every unchanged file (expert indexes,
 * vectors, ids, members, lexical index, and the cached single-HNSW baseline if present) is a hard
 * link to the parent's (a copy where the file system cannot link), the gate file is new, and the
 * manifest records the parent version and the gate's provenance, and keeps a compacted parent's
 * {@code compaction} record with the parent added to its lineage. The version is assembled in a
 * temporary directory, moved into place, and only then is {@code LATEST} switched to it
 * (atomically), so a reader sees either the old version or the complete new one. The parent is
 * never modified.
 */
public final class GateVersionWriter {
  private GateVersionWriter() {}

  /** The new version's directory and name, and how many files were hard-linked or copied. */
  public record Result(Path dir, String version, int linked, int copied) {}

  /**
   * @param parent an artifact directory, or a root whose {@code LATEST} names one
   * @param gate the new gate; it must have the parent's expert count and dimension
   * @param update provenance recorded in the manifest ({@code parentVersion} is filled in)
   */
  public static Result write(Path parent, Gate gate, Manifest.GateUpdate update) {
    return write(parent, gate, update, null);
  }

  /**
   * As {@link #write(Path, Gate, Manifest.GateUpdate)}, but into {@code targetRoot} (its {@code
   * LATEST} is updated) instead of the parent's root; {@code null} = the parent's root. Links work
   * only within one file system; elsewhere files are copied.
   */
  public static Result write(Path parent, Gate gate, Manifest.GateUpdate update, Path targetRoot) {
    return write(parent, gate, null, update, targetRoot);
  }

  /**
   * As {@link #write(Path, Gate, Manifest.GateUpdate, Path)}, with a replicated expert layout
   * written as {@value ExpertPlacement#FILE}; {@code null} keeps the parent's layout (if any).
   */
  public static Result write(
      Path parent,
      Gate gate,
      ExpertPlacement placement,
      Manifest.GateUpdate update,
      Path targetRoot) {
    return write(parent, gate, placement, update, targetRoot, false);
  }

  /**
   * As {@link #write(Path, Gate, ExpertPlacement, Manifest.GateUpdate, Path)}; with {@code
   * overParent}, {@code LATEST} is moved only if it still names the parent ({@link
   * IndexBuilder#markLatestIf}): a gate update trained for minutes on the version {@code LATEST}
   * named then does not replace a compaction that finished meanwhile (its updates would be lost to
   * the served version).
   *
   * @throws ArtifactException with {@code overParent}, if {@code LATEST} moved since; the new
   *     version is then removed
   */
  public static Result write(
      Path parent,
      Gate gate,
      ExpertPlacement placement,
      Manifest.GateUpdate update,
      Path targetRoot,
      boolean overParent) {
    if (parent == null || gate == null || update == null) {
      throw new IllegalArgumentException("parent artifact, gate and provenance are required");
    }
    Path src = IndexArtifact.resolve(parent);
    Manifest m = IndexArtifact.readManifest(src);
    if (gate.experts() != m.experts() || gate.dimension() != m.dimension()) {
      throw new IllegalArgumentException(
          "the new gate is "
              + gate.experts()
              + "×"
              + gate.dimension()
              + " but the artifact "
              + m.indexVersion()
              + " has "
              + m.experts()
              + " experts of dimension "
              + m.dimension());
    }
    if (placement != null && placement.experts() != m.experts()) {
      throw new IllegalArgumentException(
          "the placement has " + placement.experts() + " experts, the artifact " + m.experts());
    }
    Path root = targetRoot != null ? targetRoot.toAbsolutePath() : src.toAbsolutePath().getParent();
    String version = IndexBuilder.newVersion();
    Path tmp = root.resolve(".tmp-" + version);
    Path dst = root.resolve(version);
    int[] counts = new int[2];
    boolean made = false;
    try {
      Files.createDirectories(root);
      Files.createDirectory(tmp); // exclusively: another writer's is not this one's to remove
      made = true;
      String gateFile = m.gate().file();
      Map<String, String> files = new TreeMap<>();
      for (var f : m.files().entrySet()) {
        if (!f.getKey().equals(gateFile)
            && !(placement != null && f.getKey().equals(ExpertPlacement.FILE))) {
          link(src.resolve(f.getKey()), tmp.resolve(f.getKey()), counts);
          files.put(f.getKey(), f.getValue());
        }
      }
      for (Manifest.ExpertInfo e : m.expertIndexes()) {
        for (String f : e.files().keySet()) {
          link(src.resolve(e.dir()).resolve(f), tmp.resolve(e.dir()).resolve(f), counts);
        }
      }
      Path baseline = src.resolve("baseline-single-hnsw");
      if (Files.isRegularFile(baseline.resolve("DONE"))) {
        try (var list = Files.list(baseline)) {
          for (Path f : list.filter(Files::isRegularFile).toList()) {
            link(f, tmp.resolve("baseline-single-hnsw").resolve(f.getFileName()), counts);
          }
        }
      }
      float[][] w = new float[gate.experts()][];
      for (int e = 0; e < w.length; e++) {
        w[e] = gate.weights(e);
      }
      VectorStore.writeMatrix(w, tmp.resolve(gateFile));
      files.put(gateFile, Files2.sha256(tmp.resolve(gateFile)));
      if (placement != null) {
        placement.write(tmp.resolve(ExpertPlacement.FILE));
        files.put(ExpertPlacement.FILE, Files2.sha256(tmp.resolve(ExpertPlacement.FILE)));
      }
      Map<String, Double> seconds =
          m.buildSeconds() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m.buildSeconds());
      Manifest next =
          new Manifest(
              m.formatVersion(),
              version,
              Instant.now().toString(),
              m.modelId(),
              m.dimension(),
              m.products(),
              m.experts(),
              m.encoding(),
              m.hnswM(),
              m.hnswBeamWidth(),
              m.gate(),
              files,
              m.expertIndexes(),
              seconds,
              new Manifest.GateUpdate(
                  m.indexVersion(),
                  update.method(),
                  update.settings() == null ? Map.of() : new TreeMap<>(update.settings())),
              inheritedCompaction(m));
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(tmp.resolve(ArtifactLayout.MANIFEST).toFile(), next);
      Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
      IndexBuilder.markLatestIf(root, overParent ? src : null, version);
      return new Result(dst, version, counts[0], counts[1]);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write gate version " + version + ": " + e, e);
    } finally {
      if (made) {
        removeQuietly(tmp); // left only by a failure: not a version
      }
    }
  }

  /**
   * The compaction record of a version written from {@code parent} with a new gate ({@code null}:
   * the parent was never compacted): the parent's catalogue, end offsets and figures, which the new
   * version shares, with the parent added to the lineage ({@link
   * IndexCompaction#lineage(Manifest)}). The new version is of the parent's line: a slot swapped to
   * it (or to a compaction of it) serves a request still routed with the parent by it, rather than
   * swap back to the parent (and, once a later compaction dropped more of its delta, serve the
   * parent without those updates).
   */
  static Manifest.Compaction inheritedCompaction(Manifest parent) {
    Manifest.Compaction c = parent.compaction();
    return c == null
        ? null
        : new Manifest.Compaction(
            c.baseVersion(),
            IndexCompaction.lineage(parent),
            c.topic(),
            c.endOffsets(),
            c.updatesRead(),
            c.updatesFolded(),
            c.productsChanged(),
            c.embedded(),
            c.offsetsReadAtMillis());
  }

  private static void removeQuietly(Path dir) {
    try {
      Files2.deleteRecursively(dir);
    } catch (IOException | UncheckedIOException e) {
      // The failure being reported matters more; a directory named .tmp-* is never served.
    }
  }

  private static void link(Path from, Path to, int[] counts) throws IOException {
    Files.createDirectories(to.getParent());
    try {
      Files.createLink(to, from);
      counts[0]++;
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
      counts[1]++;
    }
  }
}
