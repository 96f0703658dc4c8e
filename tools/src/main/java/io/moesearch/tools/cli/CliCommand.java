package io.moesearch.tools.cli;

import java.util.List;
import java.util.Map;

/** One subcommand of {@code bin/moe-search}. */
interface Command {
  /** The words that select it, such as {@code "index build"}. */
  String name();

  String summary();

  /** The full {@code --help} text. */
  String help();

  /** Flags taking a value, mapped to the config key they set ("" for command-local options). */
  Map<String, String> valuedFlags();

  default List<String> switches() {
    return List.of();
  }

  /** Runs the command; returns the process exit code. */
  int run(Args args) throws Exception;
}
