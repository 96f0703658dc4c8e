package io.moesearch.tools.cli;

import io.moesearch.core.util.Files2;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.EmbedderOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    MoeSearchConfig config = common.config();
    if (common.json != null) {
      writableFile("--json", Path.of(common.json));
    }
    if (embedsHere()) {
      // Checked here, where the model is loaded, not when the settings are read: a job submitted
      // to a cluster loads it from its TaskManagers' file systems.
      for (var option : List.of(EmbedderOptions.MODEL_PATH, EmbedderOptions.TOKENIZER_PATH)) {
        String file = config.get(option);
        String problem = file.isEmpty() ? null : Files2.notRegularFile(Path.of(file));
        if (problem != null) {
          throw new ConfigException(option.key() + ": " + problem + ": " + file);
        }
      }
    }
    return config;
  }

  /**
   * Whether this command loads the embedding model in this JVM: all but those that only talk to a
   * broker or a cluster ({@code query}, {@code cluster up} and {@code submit}).
   */
  boolean embedsHere() {
    return true;
  }

  /** Device paths an output flag may name though they are no regular files. */
  static final java.util.Set<String> STANDARD_STREAMS =
      java.util.Set.of("/dev/stdout", "/dev/stderr", "/dev/null");

  /**
   * Fails at once, naming {@code flag}, when {@code file} could not be written at the end of a
   * command (a directory, under a file, or an existing file that is not a regular one: a FIFO would
   * block the write with no reader, a device such as {@code /dev/full} fail it): before the minutes
   * of work whose figures it holds.
   */
  static void writableFile(String flag, Path file) {
    if (STANDARD_STREAMS.contains(file.toString())) {
      return; // written to, never waited on: the usual ways to print figures or drop them
    }
    if (Files.isDirectory(file)) {
      throw new ConfigException(flag + ": " + file + " is a directory");
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new ConfigException(flag + ": " + file + ": " + Files2.notRegularFile(file));
    }
    Path parent = file.toAbsolutePath().getParent();
    writableDirectory(flag, parent == null ? Path.of("/") : parent);
  }

  /**
   * Fails at once, naming {@code flag}, unless {@code file} is a regular file ({@link
   * Files2#notRegularFile}): an input checked before the work that reads it.
   */
  static void regularFile(String flag, Path file) {
    String problem = Files2.notRegularFile(file);
    if (problem != null) {
      throw new ConfigException(flag + ": " + file + ": " + problem);
    }
  }

  /**
   * Fails at once, naming {@code flag}, when {@code file} can neither be read (it exists) nor be
   * created: a file such as the cache-fill key, read when present and written when not.
   */
  static void readableOrCreatable(String flag, Path file) {
    if (!Files.exists(file)) {
      writableFile(flag, file);
    } else if (!Files.isRegularFile(file)) {
      throw new ConfigException(flag + ": " + file + " is not a file");
    } else if (!Files.isReadable(file)) {
      throw new ConfigException(flag + ": cannot read " + file);
    }
  }

  /**
   * Fails at once, naming {@code flag}, when {@code dir} is not a directory that exists or can be
   * created and written (a file, or a path under one).
   */
  static void writableDirectory(String flag, Path dir) {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null || !Files.isDirectory(p)) {
      throw new ConfigException(flag + ": " + dir + " is not a directory (" + p + " is a file)");
    }
    if (!Files.isWritable(p)) {
      throw new ConfigException(flag + ": cannot write under " + p);
    }
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

  /** {@code value}, or a failure naming the flag when it is below {@code min}, NaN or infinite. */
  static double atLeast(String flag, double value, double min) {
    return within(flag, value, min, Double.MAX_VALUE);
  }

  /**
   * {@code value}, or a failure naming the flag when it is outside {@code [min, max]}, NaN or
   * infinite (a rate or a share of "Infinity" is a typo, not a setting).
   */
  static double within(String flag, double value, double min, double max) {
    if (!Double.isFinite(value)) {
      throw new ConfigException(flag + " must be a finite number, got " + value);
    }
    if (!(value >= min && value <= max)) {
      throw new ConfigException(
          flag
              + (max == Double.MAX_VALUE
                  ? " must be >= " + min
                  : " must be in [" + plain(min) + ", " + plain(max) + "]")
              + ", got "
              + value);
    }
    return value;
  }

  /** {@code 1} rather than {@code 1.0}. */
  private static String plain(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
