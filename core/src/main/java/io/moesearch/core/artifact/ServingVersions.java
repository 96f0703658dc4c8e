package io.moesearch.core.artifact;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which index version a serving operator may use. The router, the expert retrieval and the cache
 * all decide through these routines, so they cannot disagree about a version: one that fails {@link
 * #verify} is served by none of them, and one that passes is the one each of them switches to.
 */
public final class ServingVersions {
  private static final Logger LOG = LoggerFactory.getLogger(ServingVersions.class);

  private ServingVersions() {}

  /**
   * Loads a version to switch to and verifies it completely: manifest, every file's SHA-256, gate
   * and ids ({@link IndexArtifact#load(Path, int)}), and, with a non-null {@code modelId}, the
   * embedding model it was built with. Throws {@link ArtifactException} saying what is wrong.
   */
  public static IndexArtifact verify(Path dir, String modelId) {
    IndexArtifact a = IndexArtifact.load(dir, 0);
    return modelId == null ? a : a.requireModel(modelId);
  }

  /**
   * The version an operator opens when it starts or restarts. With a watched root, the version its
   * {@code LATEST} names now, once {@link #verify verified}; if that cannot be verified, or there
   * is no watched root, the submitted version (verified when the job was submitted, so only its
   * structure is checked). Throws {@link ArtifactException} naming both when neither can be opened,
   * so a removed version is a start-up failure with a clear message, never a per-record one.
   *
   * @param submitted the artifact the job was submitted with
   * @param watchRoot the index root whose {@code LATEST} is followed, or {@code null}
   * @param modelId the embedding model every version must have been built with ({@code null}: not
   *     checked)
   */
  public static IndexArtifact current(Path submitted, Path watchRoot, String modelId) {
    if (watchRoot == null) {
      return IndexArtifact.loadVerified(submitted);
    }
    Path sub = submitted.toAbsolutePath().normalize();
    String latestProblem;
    try {
      Path latest = IndexArtifact.resolve(watchRoot).toAbsolutePath().normalize();
      if (latest.equals(sub)) {
        return IndexArtifact.loadVerified(sub);
      }
      return verify(latest, modelId);
    } catch (ArtifactException e) {
      latestProblem = e.getMessage();
    }
    try {
      IndexArtifact a = IndexArtifact.loadVerified(sub);
      if (modelId != null) {
        a.requireModel(modelId);
      }
      LOG.warn(
          "serving the submitted index version {}: the one {} names cannot be used ({})",
          a.version(),
          watchRoot.resolve(ArtifactLayout.LATEST),
          latestProblem);
      return a;
    } catch (ArtifactException e) {
      throw new ArtifactException(
          "no usable index version: the one "
              + watchRoot.resolve(ArtifactLayout.LATEST)
              + " names cannot be used ("
              + latestProblem
              + ") and the submitted "
              + sub
              + " cannot be opened ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /**
   * Checks that serving {@code serving} keeps the updates a live delta dropped when it was folded
   * into the compacted version at {@code foldedInto} ({@code index compact}): they are then only in
   * that version's files and in the versions descended from it ({@link #descendsFrom}). A restarted
   * operator whose state was pruned for {@code foldedInto} calls this with the version it opened
   * ({@link #current}), which falls back to the submitted version when {@code LATEST} names a
   * removed one: serving that older version of the line with the pruned delta would bring back
   * every product deleted (and lose every upsert) the removed version folded. A version of another
   * line (a full {@code index build}, for example from the compacted version's own catalogue) is
   * the operator's choice and served: whether it holds the folded updates is not recorded.
   *
   * @param foldedInto the compacted version's directory the delta was pruned for
   * @param foldedFrom the versions {@code foldedInto} was made from ({@link #ancestors}), recorded
   *     while it could be read
   * @param serving the version about to be served
   * @param holder whose delta it is, for the message (e.g. {@code "slot 3"})
   * @throws ArtifactException naming {@code foldedInto} when it cannot be opened and {@code
   *     serving} is one of the versions it was made from
   */
  public static void requireFoldedKept(
      Path foldedInto, Set<String> foldedFrom, IndexArtifact serving, String holder) {
    Path folded = foldedInto.toAbsolutePath().normalize();
    if (folded.getFileName() == null
        || folded.equals(serving.dir().toAbsolutePath().normalize())
        || descendsFrom(serving, folded.getFileName().toString())) {
      return;
    }
    try {
      IndexArtifact.readManifest(folded);
    } catch (ArtifactException e) {
      if (!foldedFrom.contains(serving.manifest().indexVersion())) {
        LOG.warn(
            "{}'s live delta was folded into {}, which cannot be opened; serving {}, a version"
                + " of another line",
            holder,
            folded,
            serving.dir());
        return;
      }
      throw new ArtifactException(
          holder
              + "'s live delta was folded into "
              + folded
              + ", which cannot be opened ("
              + e.getMessage()
              + "), and the version to serve, "
              + serving.dir()
              + ", is one it was compacted from: it would serve without the updates folded there."
              + " Restore "
              + folded
              + " or point LATEST at a version compacted from it",
          e);
    }
  }

  /**
   * Whether {@code serving} is {@code version} or was made from it, so holds what it folded.
   *
   * @see #ancestors
   */
  static boolean descendsFrom(IndexArtifact serving, String version) {
    return version.equals(serving.manifest().indexVersion())
        || ancestors(serving).contains(version);
  }

  /**
   * The versions {@code artifact} was made from: through compactions (each folds its base's
   * catalogue and names its line in {@link Manifest.Compaction#lineage}) and gate updates (which
   * share every file but the gate). A version's directory is its name in its root; ancestors are
   * read from {@code artifact}'s root, and one that cannot be read ends that path (its own lineage
   * is still named).
   */
  public static Set<String> ancestors(IndexArtifact artifact) {
    return ancestors(artifact.dir(), artifact.manifest());
  }

  /** {@link #ancestors(IndexArtifact)} of the version at {@code dir} with {@code manifest}. */
  public static Set<String> ancestors(Path dir, Manifest manifest) {
    Path root = dir.toAbsolutePath().normalize().getParent();
    ArrayDeque<Manifest> todo = new ArrayDeque<>();
    Set<String> out = new HashSet<>();
    Set<String> walked = new HashSet<>();
    todo.add(manifest);
    while (!todo.isEmpty() && walked.size() < 10_000) {
      Manifest m = todo.poll();
      List<String> parents = new ArrayList<>(2);
      if (m.compaction() != null) {
        out.addAll(m.compaction().lineage());
        parents.add(m.compaction().baseVersion());
      }
      if (m.gateUpdate() != null) {
        parents.add(m.gateUpdate().parentVersion());
      }
      for (String p : parents) {
        if (p == null) {
          continue;
        }
        out.add(p);
        if (root == null || !walked.add(p)) {
          continue;
        }
        try {
          todo.add(IndexArtifact.readManifest(root.resolve(p)));
        } catch (ArtifactException | InvalidPathException gone) {
          // removed: nothing further up this path
        }
      }
    }
    return Set.copyOf(out);
  }
}
