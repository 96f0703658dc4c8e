package io.moesearch.connectors.message;

import io.moesearch.core.util.Texts;

/** Argument checks shared by the message records. */
final class Checks {
  private Checks() {}

  /**
   * {@code value}, or a failure naming {@code name} when it is null or blank as {@link
   * String#isBlank} reads it. The codecs refuse more at the input ({@link Texts#isBlank}: the
   * schemas' white space); a record's constructor stays as lenient as the state and artifacts
   * earlier builds wrote (Flink builds records kept in state through it), so that they read back.
   */
  static String requireNonBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must be a non-blank string");
    }
    return value;
  }

  static <T> T requireNonNull(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }

  static double requireNonNegativeFinite(double value, String name) {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(
          name + " must be a finite non-negative number, got " + value);
    }
    return value;
  }

  /** The first {@code max} UTF-16 units of {@code s} (fewer rather than split a surrogate pair). */
  static String cut(String s, int max) {
    return Texts.cut(s, max);
  }

  static long requireNonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
    return value;
  }
}
