package io.moesearch.operators;

import io.moesearch.core.artifact.ArtifactException;
import io.moesearch.core.artifact.IndexArtifact;
import java.nio.file.Path;

/**
 * Notices when an index root's {@code LATEST} names another version than the one being served:
 * reads it at most once per interval (a file read, so cheap), never throws (a half-written or
 * missing {@code LATEST} is simply tried again later). Not thread-safe: one per operator subtask.
 */
final class LatestVersionWatcher {
  private final Path root;
  private final long intervalMillis;
  private long nextPoll;
  private Path current;

  /**
   * @param root an index root holding {@code LATEST}
   * @param current the artifact directory served now
   */
  LatestVersionWatcher(Path root, long intervalMillis, Path current) {
    if (intervalMillis < 1) {
      throw new IllegalArgumentException("intervalMillis must be >= 1, got " + intervalMillis);
    }
    this.root = root;
    this.intervalMillis = intervalMillis;
    this.current = current.toAbsolutePath().normalize();
  }

  /** The newly named artifact directory, or {@code null} if nothing changed (or not time yet). */
  Path poll(long nowMillis) {
    if (nowMillis < nextPoll) {
      return null;
    }
    nextPoll = nowMillis + intervalMillis;
    try {
      Path latest = IndexArtifact.resolve(root).toAbsolutePath().normalize();
      if (!latest.equals(current)) {
        current = latest;
        return latest;
      }
    } catch (ArtifactException e) {
      // LATEST is missing or being replaced: look again at the next poll.
    }
    return null;
  }
}
