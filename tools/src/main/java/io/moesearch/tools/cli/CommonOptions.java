package io.moesearch.tools.cli;

import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of every subcommand: {@code --config FILE}, {@code --set KEY=VALUE} (repeatable) and
 * {@code --json FILE}, listed (by their order) after each command's own.
 *
 * <p>A flag that is a shortcut for a setting (such as {@code --experts} for {@code index.experts})
 * names the setting as its {@code descriptionKey} and takes {@link Setting} as its parameter
 * consumer: its value becomes an override of that setting, in command-line order with the {@code
 * --set} overrides, and its help is the setting's description and default ({@link ConfigHelp}).
 */
final class CommonOptions {
  @Option(names = "--config", paramLabel = "FILE", order = 1000, description = "YAML config file.")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      order = 1001,
      parameterConsumer = Setting.class,
      description = "Override any setting (repeatable; every setting: docs/configuration.md).")
  private List<String> set; // filled in by Setting, into overrides

  @Option(
      names = "--json",
      paramLabel = "FILE",
      order = 1002,
      description = "Write the figures as JSON.")
  String json;

  /** Settings given on the command line, in order: later ones win. */
  final Map<String, String> overrides = new LinkedHashMap<>();

  MoeSearchConfig config() {
    return MoeSearchConfig.load(configFile, overrides);
  }

  /** Consumes {@code --set KEY=VALUE} and the flags that set one setting into the overrides. */
  static final class Setting implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec arg, CommandSpec command) {
      OptionSpec option = (OptionSpec) arg;
      if (args.isEmpty()) {
        throw new MissingParameterException(
            command.commandLine(),
            arg,
            "Missing required parameter for option '"
                + option.longestName()
                + "' ("
                + option.paramLabel()
                + ")");
      }
      String value = args.pop();
      Map<String, String> overrides = ((CliCommand) command.userObject()).common.overrides;
      if (!option.descriptionKey().isEmpty()) {
        overrides.put(option.descriptionKey(), value);
        return;
      }
      int eq = value.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(
            command.commandLine(), option.longestName() + " takes key=value, got '" + value + "'");
      }
      overrides.put(value.substring(0, eq).trim(), value.substring(eq + 1));
    }
  }
}
