package io.moesearch.jobs.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Builds the options of every area, each with the check of its value beside its key: a range, a set
 * of allowed values, or "must be set". Options without a check here are checked by the settings
 * record they feed (e.g. {@code index.*} by {@code IndexBuildSettings}); that record is then the
 * one home of the range.
 */
final class Checked {
  private Checked() {}

  private static final Map<String, Consumer<Object>> CHECKS = new ConcurrentHashMap<>();

  /** Applies the option's check (if it has one) to its parsed value. */
  static void check(ConfigOption<?> option, Object value) {
    if (value instanceof Double d && !Double.isFinite(d)) {
      throw new ConfigException(option.key() + " must be a finite number, got " + d);
    }
    try {
      CHECKS.getOrDefault(option.key(), v -> {}).accept(value);
    } catch (IllegalArgumentException e) {
      throw e instanceof ConfigException ? e : new ConfigException(e.getMessage());
    }
  }

  private static <T> ConfigOption<T> with(ConfigOption<T> option, Consumer<Object> check) {
    CHECKS.put(option.key(), check);
    return option;
  }

  /** An integer in {@code min..max}. */
  static ConfigOption<Integer> intIn(String key, int def, int min, int max, String description) {
    return with(
        ConfigOptions.key(key).intType().defaultValue(def).withDescription(description),
        v -> range(key, ((Integer) v).longValue(), min, max));
  }

  /** A long integer in {@code min..max}. */
  static ConfigOption<Long> longIn(String key, long def, long min, long max, String description) {
    return with(
        ConfigOptions.key(key).longType().defaultValue(def).withDescription(description),
        v -> range(key, (Long) v, min, max));
  }

  /** A number in {@code [min, max]}. */
  static ConfigOption<Double> doubleIn(
      String key, double def, double min, double max, String description) {
    return with(
        ConfigOptions.key(key).doubleType().defaultValue(def).withDescription(description),
        v -> {
          double d = (Double) v;
          if (!(d >= min && d <= max)) {
            throw new ConfigException(
                key + " must be in " + plain(min) + ".." + plain(max) + ", got " + d);
          }
        });
  }

  /** An integer checked by the settings record it feeds. */
  static ConfigOption<Integer> integer(String key, int def, String description) {
    return ConfigOptions.key(key).intType().defaultValue(def).withDescription(description);
  }

  /** A long integer checked by the settings record it feeds (or any long). */
  static ConfigOption<Long> longInt(String key, long def, String description) {
    return ConfigOptions.key(key).longType().defaultValue(def).withDescription(description);
  }

  /** A number checked by the settings record it feeds. */
  static ConfigOption<Double> number(String key, double def, String description) {
    return ConfigOptions.key(key).doubleType().defaultValue(def).withDescription(description);
  }

  static ConfigOption<Boolean> bool(String key, boolean def, String description) {
    return ConfigOptions.key(key).booleanType().defaultValue(def).withDescription(description);
  }

  /** A string; {@code ""} means unset. */
  static ConfigOption<String> string(String key, String def, String description) {
    return ConfigOptions.key(key).stringType().defaultValue(def).withDescription(description);
  }

  /** A string that must not be empty. */
  static ConfigOption<String> required(String key, String def, String description) {
    return with(
        string(key, def, description),
        v -> {
          if (((String) v).isEmpty()) {
            throw new ConfigException(key + " must be set");
          }
        });
  }

  /** A string checked by {@code check}, which throws naming the setting. */
  static ConfigOption<String> checkedString(
      String key, String def, String description, Consumer<String> check) {
    return with(string(key, def, description), v -> check.accept((String) v));
  }

  /** One of {@code allowed} (compared in lower case). */
  static ConfigOption<String> oneOf(String key, String def, String description, String... allowed) {
    List<String> values = List.of(allowed);
    return with(
        string(key, def, description),
        v -> {
          if (!values.contains(((String) v).toLowerCase(Locale.ROOT))) {
            throw new ConfigException(
                key + " must be one of " + String.join(", ", values) + ", got '" + v + "'");
          }
        });
  }

  /** {@code 100} rather than {@code 100.0}. */
  private static String plain(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static void range(String key, long v, long min, long max) {
    if (v < min || v > max) {
      throw new ConfigException(key + " must be in " + min + ".." + max + ", got " + v);
    }
  }
}
