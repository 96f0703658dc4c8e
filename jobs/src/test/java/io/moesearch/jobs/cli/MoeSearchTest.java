package io.moesearch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MoeSearchTest {
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

  @Test
  void everyCommandHasHelp() {
    for (Command c : MoeSearch.commands()) {
      out.reset();
      assertThat(MoeSearch.run((c.name() + " --help").split(" "))).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: moe-search " + c.name());
    }
    assertThat(MoeSearch.commands())
        .extracting(Command::name)
        .contains("demo", "index build", "eval", "bench pipeline");
  }

  @Test
  void topLevelHelpListsCommands() {
    assertThat(MoeSearch.run(new String[] {"--help"})).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("index build")
        .contains("bench pipeline");
  }

  @Test
  void unknownCommandsAndFlagsAreUsageErrors() {
    assertThat(MoeSearch.run(new String[] {"frobnicate"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command");
    assertThat(MoeSearch.run(new String[] {"eval", "--no-such-flag", "1"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--no-such-flag");
  }

  @Test
  void badNumericOptionsNameTheOption() {
    assertThat(MoeSearch.run(new String[] {"bench", "pipeline", "--rate", "fast"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rate must be a number");
  }

  @Test
  void badSettingsFailFastNamingTheSetting() {
    assertThat(MoeSearch.run(new String[] {"eval", "--set", "routing.activation=2"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("routing.activation");
  }
}
