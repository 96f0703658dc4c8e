package io.moesearch.tools.cli;

import io.moesearch.core.artifact.ArtifactException;
import io.moesearch.core.catalog.CatalogFormatException;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code bin/moe-search} entry point: one subcommand per job, evaluation and benchmark, parsed
 * and documented by picocli from each command's annotations.
 *
 * <p>Exit codes: 0 success; 1 the run failed (or a benchmark timed out); 2 a usage error (unknown
 * command or flag, a bad value) or a configuration error, whose message names the flag or setting.
 */
@Command(
    name = "moe-search",
    mixinStandardHelpOptions = true,
    versionProvider = MoeSearch.Version.class,
    scope = ScopeType.INHERIT,
    usageHelpWidth = 100,
    showDefaultValues = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    descriptionHeading = "%n",
    optionListHeading = "%nOptions:%n",
    commandListHeading = "%nCommands:%n",
    description = {
      "The one entry point of flink-moe-search: every job, evaluation and benchmark.",
      "Every command takes --help, --config FILE (YAML), --set KEY=VALUE (repeatable) and --json"
          + " FILE."
    },
    subcommands = {
      DemoCommand.class,
      MoeSearch.Index.class,
      EvalCommand.class,
      PrewarmCommand.class,
      QueryCommand.class,
      MoeSearch.Routing.class,
      MoeSearch.Bench.class,
      MoeSearch.Cluster.class,
      CommandLine.HelpCommand.class
    })
public final class MoeSearch implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** {@code moe-search} alone: the list of commands. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** A command that only groups subcommands: run alone, it is a usage error. */
  abstract static class Group implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      throw new ParameterException(spec.commandLine(), "a subcommand is required");
    }
  }

  @Command(
      name = "index",
      description = "Index artifacts.",
      subcommands = {IndexBuildCommand.class, IndexCompactCommand.class})
  static final class Index extends Group {}

  @Command(
      name = "routing",
      description = "The MoE gate and the replicated expert layout.",
      subcommands = {RoutingUpdateCommand.class})
  static final class Routing extends Group {}

  @Command(
      name = "cluster",
      description = "A real multi-process Flink cluster and Kafka broker on this machine.",
      subcommands = {
        ClusterCommand.Up.class,
        ClusterCommand.Submit.class,
        ClusterCommand.Down.class
      })
  static final class Cluster extends Group {}

  @Command(
      name = "bench",
      description = "Benchmarks.",
      subcommands = {
        BenchPipelineCommand.class,
        BenchCacheCommand.class,
        BenchOverloadCommand.class,
        BenchRoutingCommand.class,
        BenchChaosCommand.class,
        BenchFreshnessCommand.class
      })
  static final class Bench extends Group {}

  private MoeSearch() {}

  public static void main(String[] argv) {
    System.exit(run(argv));
  }

  static int run(String[] argv) {
    if (argv.length > 0 && argv[0].equals("--update-routing")) {
      String[] rest = new String[argv.length + 1];
      rest[0] = "routing";
      rest[1] = "update";
      System.arraycopy(argv, 1, rest, 2, argv.length - 1);
      argv = rest;
    }
    return commandLine().execute(argv);
  }

  /** The command tree, writing to the current {@code System.out} and {@code System.err}. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new MoeSearch());
    cl.setResourceBundle(new ConfigHelp());
    cl.registerConverter(Integer.class, MoeSearch::integer);
    cl.registerConverter(Integer.TYPE, MoeSearch::integer);
    cl.registerConverter(Double.class, MoeSearch::number);
    cl.registerConverter(Double.TYPE, MoeSearch::number);
    cl.setParameterExceptionHandler(MoeSearch::usageError);
    cl.setExecutionExceptionHandler(MoeSearch::failure);
    customiseHelp(cl);
    return cl;
  }

  private static Integer integer(String value) {
    try {
      return Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("must be an integer, got '" + value + "'");
    }
  }

  private static Double number(String value) {
    try {
      return Double.valueOf(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("must be a number, got '" + value + "'");
    }
  }

  /** picocli's message, naming the flag or the unknown command, then the usage; exit code 2. */
  private static int usageError(ParameterException e, String[] argv) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    String message = e.getMessage();
    if (e.getCause() instanceof TypeConversionException bad
        && e.getArgSpec() instanceof OptionSpec option) {
      message = option.longestName() + " " + bad.getMessage();
    } else if (e instanceof UnmatchedArgumentException u
        && !cmd.getSubcommands().isEmpty()
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      message = "unknown command '" + String.join(" ", u.getUnmatched()) + "'";
    }
    err.println(name + ": " + message);
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println();
    cmd.usage(err);
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * A file the user named that cannot be read as one (missing, a directory, not permitted, not gzip
   * though named so), as one line; {@code null} for any other failure.
   */
  static String inputProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.file.NoSuchFileException n) {
        return "no such file " + n.getFile();
      }
      if (t instanceof java.nio.file.AccessDeniedException a) {
        return "not permitted to read or write " + a.getFile();
      }
      if (t instanceof java.nio.file.FileSystemException f) {
        return f.getFile() + ": " + f.getReason();
      }
      if (t instanceof java.io.FileNotFoundException f) {
        return f.getMessage(); // "PATH (Is a directory)", "PATH (No such file or directory)"
      }
      if (t instanceof java.util.zip.ZipException z) {
        return "not a valid gzip file: " + z.getMessage();
      }
    }
    return null;
  }

  /**
   * Configuration and input errors name the setting (exit code 2); an output file that could not be
   * written is one line naming its flag (exit code 1); anything else is a failure with its trace.
   */
  private static int failure(Exception e, CommandLine cmd, ParseResult parsed) {
    String name = cmd.getCommandSpec().qualifiedName();
    if (e instanceof IllegalArgumentException
        || e instanceof ArtifactException
        || e instanceof CatalogFormatException) {
      cmd.getErr().println(name + ": " + e.getMessage());
      return 2;
    }
    if (e instanceof Json.OutputException) {
      cmd.getErr().println(name + ": " + e.getMessage()); // the run's work is done, not saved
      return 1;
    }
    String file = inputProblem(e);
    if (file != null) {
      cmd.getErr().println(name + ": " + file);
      return 2;
    }
    cmd.getErr().println(name + " failed: " + e);
    e.printStackTrace(cmd.getErr());
    return 1;
  }

  /**
   * In every command's help: the command's own options first, then the common ones, then {@code
   * --help} and {@code --version}; below a group, every command by its full name ({@code index
   * build}, {@code bench routing}) rather than only the groups.
   */
  private static void customiseHelp(CommandLine cl) {
    cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, MoeSearch::optionList);
    if (!cl.getSubcommands().isEmpty()) {
      cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, MoeSearch::commandList);
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      customiseHelp(sub);
    }
  }

  private static String optionList(Help help) {
    return help.optionList(
        help.createDefaultLayout(),
        Comparator.comparingInt(
            (OptionSpec o) -> o.usageHelp() || o.versionHelp() ? Integer.MAX_VALUE : o.order()),
        help.createDefaultParamLabelRenderer());
  }

  private static String commandList(Help help) {
    TextTable table =
        TextTable.forColumns(
            help.colorScheme(),
            new Help.Column(22, 2, Help.Column.Overflow.SPAN),
            new Help.Column(
                help.commandSpec().usageMessage().width() - 22, 1, Help.Column.Overflow.WRAP));
    addLeaves(table, help.commandSpec().commandLine(), "");
    return table.toString();
  }

  private static void addLeaves(TextTable table, CommandLine cl, String prefix) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      CommandLine sub = e.getValue();
      if (!e.getKey().equals(sub.getCommandName())) {
        continue; // an alias
      }
      if (sub.getSubcommands().isEmpty()) {
        String[] description = sub.getCommandSpec().usageMessage().description();
        String[] header = sub.getCommandSpec().usageMessage().header();
        String summary =
            header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
        table.addRowValues(prefix + e.getKey(), String.format(summary));
      } else {
        addLeaves(table, sub, prefix + e.getKey() + " ");
      }
    }
  }

  /** {@code --version}: the jar's Implementation-Version. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MoeSearch.class.getPackage().getImplementationVersion();
      return new String[] {"moe-search " + (v == null ? "(development build)" : v)};
    }
  }
}
