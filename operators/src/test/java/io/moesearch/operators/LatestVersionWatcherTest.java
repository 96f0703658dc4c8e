package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LatestVersionWatcher} never throws on what {@code LATEST} holds: a file that names no
 * version (half-written, zero-filled after a crash) is tried again at the next poll.
 */
class LatestVersionWatcherTest {

  @Test
  void aLatestHoldingANulCharacterIsTriedAgainNotThrown(@TempDir Path root) throws Exception {
    Path served = Files.createDirectories(root.resolve("v1"));
    Files.writeString(served.resolve("manifest.json"), "{}");
    // A LATEST written over by a crash can hold NUL bytes amid the name: NUL is no path character.
    Files.write(root.resolve("LATEST"), new byte[] {'v', '2', 0, 'x', '\n'});
    LatestVersionWatcher watcher = new LatestVersionWatcher(root, 1, served);

    assertThat(watcher.poll(0)).isNull();

    Path next = Files.createDirectories(root.resolve("v2"));
    Files.writeString(next.resolve("manifest.json"), "{}");
    Files.writeString(root.resolve("LATEST"), "v2\n");
    assertThat(watcher.poll(10)).isEqualTo(next.toAbsolutePath().normalize());
  }

  /**
   * A LATEST of megabytes (a file written there by mistake) names no version: it is not read whole
   * on the task's thread at every poll, nor echoed into the error.
   */
  @Test
  void aLatestLargerThanAVersionNameNamesNone(@TempDir Path root) throws Exception {
    Path served = Files.createDirectories(root.resolve("v1"));
    Files.writeString(served.resolve("manifest.json"), "{}");
    Files.writeString(root.resolve("LATEST"), "v".repeat(8 << 20));
    LatestVersionWatcher watcher = new LatestVersionWatcher(root, 1, served);

    assertThat(watcher.poll(0)).isNull();
    assertThatThrownBy(() -> io.moesearch.core.artifact.IndexArtifact.resolve(root))
        .hasMessageContaining("LATEST")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(2_000));
  }
}
