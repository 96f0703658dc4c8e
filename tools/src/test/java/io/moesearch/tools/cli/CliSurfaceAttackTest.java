package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adversarial review of the command line: options whose bad values are not refused up front
 * (naming the option, exit code 2), but only after minutes of work or never.
 */
class CliSurfaceAttackTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /**
   * {@code cluster up --work-dir DIR} deletes DIR recursively, whatever it holds: a typo such as
   * {@code --work-dir .} or {@code --work-dir ~/data} wipes the user's files before anything
   * starts. (The build output is absent under the test's project home, so no cluster starts.)
   */
  @Test
  void clusterUpDoesNotDeleteAWorkDirItDidNotCreate(@TempDir Path dir) throws Exception {
    Path work = Files.createDirectories(dir.resolve("my-data"));
    Path precious = Files.writeString(work.resolve("thesis.tex"), "two years of work");
    Path home = Files.createDirectories(dir.resolve("empty-home"));
    String old = System.getProperty("moe.search.home");
    System.setProperty("moe.search.home", home.toString());
    try {
      MoeSearch.run(new String[] {"cluster", "up", "--work-dir", work.toString()});
    } finally {
      if (old == null) {
        System.clearProperty("moe.search.home");
      } else {
        System.setProperty("moe.search.home", old);
      }
    }
    assertThat(precious).as("a file the cluster did not write").exists();
  }

  /**
   * {@code bench cache --prewarm-fraction} is a fraction of the distinct queries, but only {@code
   * >= 0} is checked: 2 passes, and after the cold run (minutes) the pre-warm asks for query
   * {@code vocabulary.get(V)}: an IndexOutOfBoundsException with a stack trace, exit code 1.
   */
  @Test
  void benchCacheRefusesAPrewarmFractionAboveOneUpFront(@TempDir Path dir) {
    int code =
        MoeSearch.run(
            new String[] {
              "bench",
              "cache",
              "--prewarm-fraction",
              "2",
              "--set",
              "index.path=" + dir.resolve("no-index")
            });
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--prewarm-fraction");
  }

  /**
   * {@code bench overload --recall-sample -1} is not checked: after the capacity measurement and
   * every load (minutes) {@code degraded.subList(0, -1)} fails with "fromIndex(0) > toIndex(-1)",
   * naming no option.
   */
  @Test
  void benchOverloadRefusesANegativeRecallSampleUpFront(@TempDir Path dir) {
    int code =
        MoeSearch.run(
            new String[] {
              "bench",
              "overload",
              "--recall-sample",
              "-1",
              "--set",
              "index.path=" + dir.resolve("no-index")
            });
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--recall-sample");
  }

  /**
   * {@code bench chaos --modes} takes any word: a typo ("exactly_once", "twice") is only found when
   * the job submitted to a freshly started cluster fails on it, after the earlier modes' full runs;
   * "none" runs but is reported under "atLeastOnce".
   */
  @Test
  void benchChaosRefusesAnUnknownModeUpFront(@TempDir Path dir) {
    int code =
        MoeSearch.run(
            new String[] {
              "bench",
              "chaos",
              "--modes",
              "at-least-once,twice",
              "--set",
              "index.path=" + dir.resolve("no-index")
            });
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--modes");
  }

  /**
   * {@code query TEXT} with a text longer than {@code query.max-chars} is sent anyway: the job
   * dead-letters it, and the command waits {@code --timeout-ms} (30 s) and says "no answer",
   * exit code 1, never naming the limit. It should be refused before the broker is contacted.
   */
  @Test
  void queryRefusesATextOverTheConfiguredLimitBeforeSendingIt() {
    int code =
        MoeSearch.run(
            new String[] {
              "query",
              "x".repeat(600),
              "--set",
              "query.max-chars=512",
              "--set",
              "kafka.bootstrap-servers=127.0.0.1:1"
            });
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("query.max-chars");
  }
}
