package io.moesearch.operators;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.ServingVersions;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Follows an index root's {@code LATEST} for an operator: a newly named version is verified in the
 * background ({@link ServingVersions#verify}, the routine every serving operator shares) and handed
 * over only once it passed, so the stream never waits and a corrupt version is never adopted. Not
 * thread-safe: one per operator subtask; {@link #close} stops the background thread.
 */
final class VersionFollower implements AutoCloseable {
  private final LatestVersionWatcher watcher;
  private final String modelId;
  private final Consumer<RuntimeException> onRejected;
  private final ExecutorService loader;
  private CompletableFuture<IndexArtifact> pending;

  /**
   * @param current the artifact directory served now
   * @param modelId the embedding model a new version must have been built with
   * @param onRejected told why a newly named version was not adopted
   */
  VersionFollower(
      Path root,
      long intervalMillis,
      Path current,
      String modelId,
      Consumer<RuntimeException> onRejected) {
    this.watcher = new LatestVersionWatcher(root, intervalMillis, current);
    this.modelId = modelId;
    this.onRejected = onRejected;
    this.loader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "index-version-loader");
              t.setDaemon(true);
              return t;
            });
  }

  /** A newly named version that passed verification, handed over once; otherwise {@code null}. */
  IndexArtifact poll(long nowMillis) {
    IndexArtifact verified = null;
    if (pending != null && pending.isDone()) {
      try {
        verified = pending.join();
      } catch (RuntimeException e) {
        onRejected.accept(e.getCause() instanceof RuntimeException r ? r : e);
      }
      pending = null;
    }
    Path next = pending == null ? watcher.poll(nowMillis) : null;
    if (next != null) {
      pending = CompletableFuture.supplyAsync(() -> ServingVersions.verify(next, modelId), loader);
    }
    return verified;
  }

  @Override
  public void close() {
    loader.shutdownNow();
  }
}
