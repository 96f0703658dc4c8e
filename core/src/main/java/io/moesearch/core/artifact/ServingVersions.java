package io.moesearch.core.artifact;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which index version a serving operator may use. The router, the expert retrieval and the cache
 * all decide through these two routines, so they cannot disagree about a version: one that fails
 * {@link #verify} is served by none of them, and one that passes is the one each of them switches
 * to.
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
}
