package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class JsonTest {

  /** The figures are written as indented JSON, the file's directory created. */
  @Test
  void writesTheFiguresCreatingTheDirectory(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sub/figures.json");
    Json.write(file.toString(), Map.of("products", 3));
    assertThat(Files.readString(file)).isEqualToIgnoringWhitespace("{\"products\":3}");
  }

  /**
   * A --json file that cannot be written fails in one line naming --json and the file, exit code 1
   * (the run's work is done); it failed with an IOException's stack trace.
   */
  @Test
  void aWriteFailureIsOneLineNamingTheFlagAndTheFile() {
    Path full = Path.of("/dev/full");
    Assumptions.assumeTrue(Files.exists(full), "a Linux system");
    assertThatThrownBy(() -> Json.write(full.toString(), Map.of("products", 3)))
        .isInstanceOf(Json.OutputException.class)
        .hasMessage("--json: cannot write /dev/full: No space left on device");

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = MoeSearch.commandLine();
    cl.addSubcommand(new WritesFull());
    cl.setErr(new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
    assertThat(cl.execute("writes-full")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "moe-search writes-full: --json: cannot write /dev/full: No space left on device");
  }

  /** A command whose --json write fails after its work. */
  @Command(name = "writes-full")
  static final class WritesFull implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
      Json.write("/dev/full", Map.of("products", 3));
      return 0;
    }
  }

  /**
   * The standard streams and the null device may take the figures though they are no regular files
   * ("--json /dev/stdout | jq"); a FIFO is still refused before the work.
   */
  @Test
  void theStandardStreamsAreWritableTargets(@TempDir Path dir) throws Exception {
    for (String device : new String[] {"/dev/stdout", "/dev/null", "/dev/stderr"}) {
      CliCommand.writableFile("--json", Path.of(device));
    }
    Path fifo = dir.resolve("fifo");
    Assumptions.assumeTrue(
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
    assertThatThrownBy(() -> CliCommand.writableFile("--json", fifo))
        .hasMessageContaining("--json")
        .hasMessageContaining("not a regular file");
  }
}
