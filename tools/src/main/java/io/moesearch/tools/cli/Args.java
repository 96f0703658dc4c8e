package io.moesearch.tools.cli;

import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed command-line options of one subcommand. Every command takes {@code --config FILE}, {@code
 * --set key=value} (repeatable) and {@code --help}; a command maps its own shortcuts (such as
 * {@code --experts}) onto config keys and declares its flags, so an unknown flag is an error.
 */
final class Args {
  final Map<String, String> options = new LinkedHashMap<>();
  final Map<String, String> overrides = new LinkedHashMap<>();
  final List<String> positional = new ArrayList<>();
  Path configFile;
  boolean help;

  /**
   * @param valued flags that take a value, mapped to a config key ("" = command-local option)
   * @param switches flags without a value
   */
  static Args parse(String[] argv, int from, Map<String, String> valued, List<String> switches) {
    Args a = new Args();
    for (int i = from; i < argv.length; i++) {
      String arg = argv[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        a.help = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        a.positional.add(arg);
        continue;
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (switches.contains(name)) {
        a.options.put(name, "true");
        continue;
      }
      boolean known = name.equals("config") || name.equals("set") || valued.containsKey(name);
      if (!known) {
        throw new ConfigException("unknown option --" + name + " (see --help)");
      }
      if (value == null) {
        if (i + 1 >= argv.length) {
          throw new ConfigException("--" + name + " needs a value");
        }
        value = argv[++i];
      }
      switch (name) {
        case "config" -> a.configFile = Path.of(value);
        case "set" -> {
          int e = value.indexOf('=');
          if (e <= 0) {
            throw new ConfigException("--set takes key=value, got '" + value + "'");
          }
          a.overrides.put(value.substring(0, e).trim(), value.substring(e + 1));
        }
        default -> {
          String key = valued.get(name);
          if (key.isEmpty()) {
            a.options.put(name, value);
          } else {
            a.overrides.put(key, value);
          }
        }
      }
    }
    return a;
  }

  MoeSearchConfig config() {
    return MoeSearchConfig.load(configFile, overrides);
  }

  String option(String name) {
    return options.get(name);
  }

  /** A numeric command-local option, or {@code fallback}; a bad value fails naming the option. */
  int intOption(String name, int fallback, int min) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min) {
        throw new ConfigException("--" + name + " must be >= " + min + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  double doubleOption(String name, double fallback, double min) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!(d >= min)) {
        throw new ConfigException("--" + name + " must be >= " + min + ", got " + v);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + name + " must be a number, got '" + v + "'");
    }
  }

  boolean flag(String name) {
    return options.containsKey(name);
  }
}
