package io.moesearch.tools.cli;

import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.MoeSearchConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * One subcommand of {@code bin/moe-search}: its {@code @Command} annotation names it and holds its
 * help, its {@code @Option} fields its flags; {@link #call} runs it and returns the exit code.
 * Every subcommand takes the {@link CommonOptions}.
 */
abstract class CliCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  /**
   * The configuration: defaults, {@code --config FILE}, then the overrides in command-line order.
   */
  MoeSearchConfig config() {
    return common.config();
  }

  /** The {@code --json FILE} to write the figures to, or null. */
  String json() {
    return common.json;
  }

  /** {@code value}, or a failure naming the flag when it is below {@code min}. */
  static int atLeast(String flag, int value, int min) {
    if (value < min) {
      throw new ConfigException(flag + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  static double atLeast(String flag, double value, double min) {
    if (!(value >= min)) {
      throw new ConfigException(flag + " must be >= " + min + ", got " + value);
    }
    return value;
  }
}
