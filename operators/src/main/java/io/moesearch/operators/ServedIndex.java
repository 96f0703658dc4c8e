package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.ServingVersions;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The index version a cache operator serves and the product ids in it: the one the router opens at
 * (re)start and, with a watched index root, every later one adopted only once it passed the same
 * verification ({@link ServingVersions}). Made in {@code open()} (a missing ids file fails there,
 * never on a record), closed in {@code close()}; not thread-safe.
 */
final class ServedIndex implements AutoCloseable {
  /**
   * What a cache operator serves, checked up front (in its constructor, before the job is
   * submitted).
   *
   * @param initialVersion the version submitted with the job
   * @param modelId the embedding model's id
   * @param artifactDir its directory, or {@code null} (products then unchecked)
   * @param watchRoot an index root whose {@code LATEST} is followed, or {@code null}
   * @param watchIntervalMillis how often it is read; >= 1 when watching
   * @throws IllegalArgumentException via {@link #check}
   */
  record Spec(
      String initialVersion,
      String modelId,
      String artifactDir,
      String watchRoot,
      long watchIntervalMillis)
      implements java.io.Serializable {
    Spec {
      check(initialVersion, modelId, artifactDir, watchRoot, watchIntervalMillis);
    }

    /** The served index as of now (in {@code open()}). */
    ServedIndex open() {
      return new ServedIndex(initialVersion, modelId, artifactDir, watchRoot, watchIntervalMillis);
    }
  }

  private String version;
  private Set<String> products;
  private final VersionFollower follower;

  /**
   * @param initialVersion the version submitted with the job
   * @param artifactDir its directory, or {@code null} (products then unchecked)
   * @param watchRoot an index root whose {@code LATEST} is followed, or {@code null}
   */
  ServedIndex(
      String initialVersion,
      String modelId,
      String artifactDir,
      String watchRoot,
      long watchIntervalMillis) {
    version = initialVersion;
    String dir = artifactDir;
    if (watchRoot != null) {
      // The version the router opens now (LATEST if it verifies, else the submitted one).
      IndexArtifact start =
          ServingVersions.current(Path.of(artifactDir), Path.of(watchRoot), modelId);
      version = start.version();
      products = new HashSet<>(start.ids());
      follower =
          new VersionFollower(
              Path.of(watchRoot), watchIntervalMillis, start.dir(), modelId, e -> {});
    } else {
      follower = null;
      if (dir != null) {
        products = new HashSet<>(IndexArtifact.readIds(Path.of(dir)));
      }
    }
  }

  /**
   * Checks the arguments of a served index up front (an operator's constructor, before the job is
   * submitted).
   *
   * @throws IllegalArgumentException on a blank version or model id, or watching without an
   *     artifact or an interval >= 1
   */
  static void check(
      String initialVersion,
      String modelId,
      String artifactDir,
      String watchRoot,
      long watchIntervalMillis) {
    if (initialVersion == null
        || initialVersion.isBlank()
        || modelId == null
        || modelId.isBlank()) {
      throw new IllegalArgumentException("index version and model id are required");
    }
    if (watchRoot != null && (artifactDir == null || watchIntervalMillis < 1)) {
      throw new IllegalArgumentException(
          "watching needs the served artifact and index.watch-interval-ms >= 1");
    }
  }

  /** Adopts a new version named by {@code LATEST} once it has been verified (no-op unwatched). */
  void poll() {
    if (follower == null) {
      return;
    }
    IndexArtifact next = follower.poll(System.currentTimeMillis());
    if (next != null) {
      version = next.version();
      products = new HashSet<>(next.ids());
    }
  }

  /** The served version. */
  String version() {
    return version;
  }

  /** True when every product of a result fill is in the served version (unchecked without one). */
  boolean productsExist(CacheFill fill) {
    if (products == null) {
      return true;
    }
    for (var item : fill.items()) {
      if (!products.contains(item.productId())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    if (follower != null) {
      follower.close();
    }
  }
}
