package io.moesearch.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failed compaction or gate update may remove: never a version another writer made. */
class VersionCleanupTest {

  /**
   * Two writers naming a version in the same second must not get the same name: a compaction or
   * gate update writes into {@code root/name} and, when it fails, removes that directory, which a
   * second writer of that name (another compaction, a routing update) may already have made {@code
   * LATEST}. With a 16-bit nonce, 65,537 names in one second repeat one (pigeonhole).
   */
  @Test
  void versionNamesDoNotRepeatWithinASecond() {
    Set<String> seen = new HashSet<>();
    Map<String, Integer> perSecond = new HashMap<>();
    long until = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < until) {
      String v = IndexBuilder.newVersion();
      assertThat(seen.add(v)).as("version name %s made twice", v).isTrue();
      String second = v.substring(0, "v20260101-000000".length());
      if (perSecond.merge(second, 1, Integer::sum) > 65_536) {
        return; // more names in one second than a 16-bit nonce has, none repeated
      }
    }
  }

  /**
   * The clean-up after a failure never removes the version {@code LATEST} names: a failure once
   * {@code LATEST} moved (closing the lock channel in {@link IndexBuilder#markLatestIf}, which
   * {@code IndexCompactJob} and {@link IndexCompaction#compactLocally} catch around {@link
   * IndexCompaction#finish}), or a directory of the same name another writer made, would otherwise
   * leave {@code LATEST} naming no version: the next job start and every compaction fail.
   */
  @Test
  void removeAfterFailureKeepsTheVersionLatestNames(@TempDir Path root) throws Exception {
    Path served = root.resolve("v20260101-000000-1");
    Files.createDirectories(served);
    Files.writeString(served.resolve(ArtifactLayout.MANIFEST), "{}");
    IndexBuilder.markLatest(root, served.getFileName().toString());
    IOException cause = new IOException("closing the lock failed");
    IndexCompaction.removeAfterFailure(served, cause);
    assertThat(served.resolve(ArtifactLayout.MANIFEST)).exists();
  }
}
