package io.moesearch.core.util;

/** Text helpers shared by the messages and the ranking. */
public final class Texts {
  private Texts() {}

  /**
   * The first {@code max} UTF-16 units of {@code s}, fewer rather than split a surrogate pair;
   * {@code s} itself when it is no longer.
   *
   * @throws IllegalArgumentException if {@code max < 1}
   */
  public static String cut(String s, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, got " + max);
    }
    if (s.length() <= max) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }
}
