package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.ServingVersions;
import io.moesearch.core.live.UpsertSignature;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;

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
   * @param ranking the fingerprint of the served ranking settings ({@link
   *     CacheFill#resultVersion}), {@code ""} for none
   * @throws IllegalArgumentException via {@link #check}
   */
  record Spec(
      String initialVersion,
      String modelId,
      String artifactDir,
      String watchRoot,
      long watchIntervalMillis,
      String ranking)
      implements java.io.Serializable {
    Spec {
      check(initialVersion, modelId, artifactDir, watchRoot, watchIntervalMillis);
      CacheFill.resultVersion(initialVersion, ranking); // checks the fingerprint
    }

    Spec(
        String initialVersion,
        String modelId,
        String artifactDir,
        String watchRoot,
        long watchIntervalMillis) {
      this(initialVersion, modelId, artifactDir, watchRoot, watchIntervalMillis, "");
    }

    /** This spec serving results ranked with the settings whose fingerprint is {@code ranking}. */
    Spec rankedBy(String ranking) {
      return new Spec(
          initialVersion, modelId, artifactDir, watchRoot, watchIntervalMillis, ranking);
    }

    /** The served index as of now (in {@code open()}). */
    ServedIndex open() {
      ServedIndex s =
          new ServedIndex(initialVersion, modelId, artifactDir, watchRoot, watchIntervalMillis);
      s.ranking = ranking;
      s.resultVersion = CacheFill.resultVersion(s.version, ranking);
      return s;
    }
  }

  private String version;
  private String ranking = "";
  private String resultVersion;
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
    resultVersion = version;
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
      resultVersion = CacheFill.resultVersion(version, ranking);
      products = new HashSet<>(next.ids());
    }
  }

  /** The served index version. */
  String indexVersion() {
    return version;
  }

  /**
   * The version of the results served ({@link CacheFill#resultVersion}): the served index version
   * and the served ranking's fingerprint. Only cached results of exactly it are served.
   */
  String version() {
    return resultVersion;
  }

  /**
   * True when every product of a result fill is in the served version or upserted live (unchecked
   * without a version's ids): a product the live catalogue added is in no version's ids until a
   * compaction folds it, and an answer holding it is checked against the catalogue changes like any
   * other.
   *
   * @param upsertedLive whether the cache's catalogue changes hold a live upsert of a product id
   *     ({@link CacheLookup#UPSERTS})
   */
  boolean productsExist(CacheFill fill, Predicate<String> upsertedLive) {
    if (products == null) {
      return true;
    }
    for (var item : fill.items()) {
      if (!products.contains(item.productId()) && !upsertedLive.test(item.productId())) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code upserts} (a cache operator's {@link CacheLookup#UPSERTS}) holds {@code id}. */
  static boolean upsertedLive(ReadOnlyBroadcastState<String, UpsertSignature> upserts, String id) {
    try {
      return upserts.contains(id);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (follower != null) {
      follower.close();
    }
  }
}
