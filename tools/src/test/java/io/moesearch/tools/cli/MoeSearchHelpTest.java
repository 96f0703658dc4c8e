package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.jobs.config.AllOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The generated help of every command, and usage errors. */
class MoeSearchHelpTest {
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

  /** Every command of the tree, the top level first, as (words, command). */
  private static List<Object[]> allCommands(CommandLine cl, String prefix, List<Object[]> into) {
    into.add(new Object[] {prefix.trim(), cl});
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                allCommands(sub, prefix + name + " ", into);
              }
            });
    return into;
  }

  /** The help text shown with {@code --help}, with its lines joined (descriptions wrap). */
  private String help(String words) {
    out.reset();
    String[] argv = (words.isEmpty() ? "--help" : words + " --help").split(" ");
    assertThat(MoeSearch.run(argv)).as(words).isZero();
    return out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
  }

  @Test
  void everyLevelListsItsOptionsWithTheirDefaults() {
    List<Object[]> commands = allCommands(MoeSearch.commandLine(), "", new ArrayList<>());
    assertThat(commands).extracting(c -> c[0]).contains("", "index", "bench", "bench routing");
    for (Object[] c : commands) {
      String words = (String) c[0];
      CommandLine cl = (CommandLine) c[1];
      String help = help(words);
      assertThat(help).as(words).contains("Usage: moe-search " + words);
      for (OptionSpec o : cl.getCommandSpec().options()) {
        assertThat(help).as(words).contains(o.longestName());
        ConfigOption<?> setting = AllOptions.BY_KEY.get(o.descriptionKey());
        if (setting != null) {
          // a flag that sets a setting shows the setting's key and default
          assertThat(help)
              .as(words + " " + o.longestName())
              .contains("(" + setting.key() + ", default: ");
          if (!String.valueOf(setting.defaultValue()).isEmpty()) {
            // a long comma-separated default may wrap after a comma
            assertThat(help.replace(", ", ","))
                .contains(
                    String.valueOf(setting.defaultValue())
                        .replaceAll("\\s+", " ")
                        .replace(", ", ","));
          }
        } else if (o.defaultValue() != null) {
          assertThat(help)
              .as(words + " " + o.longestName())
              .contains("Default: " + o.defaultValue());
        }
      }
      for (String sub : cl.getSubcommands().keySet()) {
        assertThat(help).as(words).contains(sub);
      }
    }
  }

  /**
   * Every option that takes a value names it (N, S, FILE: picocli's default label is the field's
   * name, "--recall-sample=<recallSample>"), and none states its default twice (a description's
   * "(default: 90)" above picocli's "Default: 90").
   */
  @Test
  void everyOptionNamesItsValueAndStatesItsDefaultOnce() {
    for (Object[] c : allCommands(MoeSearch.commandLine(), "", new ArrayList<>())) {
      CommandLine cl = (CommandLine) c[1];
      for (OptionSpec o : cl.getCommandSpec().options()) {
        if (o.arity().max() > 0) {
          assertThat(o.paramLabel()).as(c[0] + " " + o.longestName()).doesNotStartWith("<");
        }
        if (o.defaultValue() != null) {
          assertThat(String.join(" ", o.description()))
              .as(c[0] + " " + o.longestName())
              .doesNotContainPattern("\\(default:? \\$\\{DEFAULT-VALUE\\}\\)")
              .doesNotContain("(default " + o.defaultValue() + ")")
              .doesNotContain("(default: " + o.defaultValue() + ")");
        }
      }
    }
  }

  @Test
  void theTopLevelListsEveryCommandByItsFullName() {
    String help = help("");
    for (String command :
        List.of(
            "demo",
            "index build",
            "index compact",
            "eval",
            "prewarm",
            "routing update",
            "bench pipeline",
            "bench cache",
            "bench overload",
            "bench routing",
            "bench freshness")) {
      assertThat(help).contains(" " + command + " ");
    }
  }

  @Test
  void specificHelpShowsTheSettingsOwnDescription() {
    assertThat(help("index build"))
        .contains("--experts=N Number of experts N. (index.experts, default: 128)")
        .contains("--config=FILE")
        .contains("--set=KEY=VALUE")
        .contains("--json=FILE");
    assertThat(help("bench routing"))
        .contains("--min-replicas=LIST Replicas every expert gets, one layout each. Default: 1,2,3")
        .contains("(routing.replica-headroom, default: 3.0)");
  }

  @Test
  void anUnknownFlagFailsWithExitCodeTwoNamingIt() {
    assertThat(MoeSearch.run(new String[] {"bench", "routing", "--no-such-flag"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--no-such-flag")
        .contains("Usage: moe-search bench routing");
  }

  @Test
  void aCommandGroupAloneIsAUsageError() {
    assertThat(MoeSearch.run(new String[] {"bench"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("moe-search bench: a subcommand is required")
        .contains("Usage: moe-search bench")
        .contains("pipeline")
        .contains("routing");
  }

  @Test
  void flagsAndSetApplyInCommandLineOrder() {
    CommandLine cl = MoeSearch.commandLine();
    CommandLine build = cl.getSubcommands().get("index").getSubcommands().get("build");
    cl.parseArgs("index", "build", "--experts=8", "--set", "index.experts=16", "--out", "x");
    CommonOptions common = ((CliCommand) build.getCommand()).common;
    assertThat(common.overrides)
        .containsEntry("index.experts", "16")
        .containsEntry("index.root", "x");
    cl = MoeSearch.commandLine();
    build = cl.getSubcommands().get("index").getSubcommands().get("build");
    cl.parseArgs("index", "build", "--set", "index.experts=16", "--experts", "8");
    assertThat(((CliCommand) build.getCommand()).common.config().buildSettings().experts())
        .isEqualTo(8);
  }

  @Test
  void aBadSettingValueGivenByAFlagNamesTheSetting() {
    assertThat(MoeSearch.run(new String[] {"index", "build", "--experts", "many"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("index.experts");
  }
}
