package io.moesearch.core.catalog;

/**
 * Global Trade Item Numbers (GTIN-8, UPC-A = GTIN-12, EAN-13, GTIN-14): the GS1 check digit, and
 * the 14-digit form in which they are compared (GS1 General Specifications, section 7.9: a shorter
 * GTIN is the 14-digit one with leading zeros, which keep its check digit valid).
 */
public final class Gtin {
  private Gtin() {}

  /** Digits of the 14-digit form. */
  public static final int DIGITS = 14;

  /**
   * Whether the first {@code length} chars of {@code digits} are a GTIN: 8, 12, 13 or 14 ASCII
   * digits whose last is the GS1 mod-10 check digit of the others (weights 3, 1, 3, ... from the
   * digit left of it).
   */
  public static boolean isValid(char[] digits, int length) {
    if (length != 8 && length != 12 && length != 13 && length != DIGITS) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < length; i++) {
      char c = digits[i];
      if (!isDigit(c)) {
        return false;
      }
      if (i < length - 1) {
        sum += (c - '0') * ((length - 1 - i) % 2 == 1 ? 3 : 1);
      }
    }
    return (10 - sum % 10) % 10 == digits[length - 1] - '0';
  }

  /** {@link #isValid(char[], int)} of a whole string. */
  public static boolean isValid(String s) {
    return isValid(s.toCharArray(), s.length());
  }

  /** Most digit groups a GTIN is printed in under its bars: a UPC-A's 1 + 5 + 5 + 1. */
  public static final int MAX_PRINTED_GROUPS = 4;

  /**
   * {@code text} with each GTIN typed in its printed digit groups ("4 006381 333931", "0 95205
   * 60321 7") written as one number: from the left, the longest run of 2 to {@value
   * #MAX_PRINTED_GROUPS} neighbouring whitespace-separated words of digits that together are 12, 13
   * or 14 digits with a valid check digit ({@link #isValid}). A word's punctuation around its
   * digits does not part it from its neighbours, as the query's analysis strips it ({@code
   * SpacedGtinFilter}): "(4 006381 333931)." is "(4006381333931).", the first word's leading and
   * the last word's trailing punctuation kept. Words are then rejoined by single spaces; {@code
   * text} itself is returned when it holds no such run.
   */
  public static String joinPrintedGroups(String text) {
    String[] words = text.trim().split("\\s+");
    boolean joinedAny = false;
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < words.length; ) {
      int end = i + 1; // exclusive
      String joined = words[i];
      StringBuilder run = new StringBuilder();
      for (int j = i; j < Math.min(words.length, i + MAX_PRINTED_GROUPS); j++) {
        String w = words[j];
        int from = marksEnd(w, 0);
        int to = digitsEnd(w, from);
        if (from == to || marksEnd(w, to) != w.length() || run.length() + to - from > DIGITS) {
          break;
        }
        run.append(w, from, to);
        if (j > i && run.length() >= 12 && isValid(run.toString())) {
          end = j + 1;
          joined = words[i].substring(0, marksEnd(words[i], 0)) + run + w.substring(to);
        }
      }
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(joined);
      joinedAny |= end > i + 1;
      i = end;
    }
    return joinedAny ? out.toString() : text;
  }

  /** The index of the first letter or digit of {@code w} from {@code i}, or its length. */
  private static int marksEnd(String w, int i) {
    while (i < w.length() && !Character.isLetterOrDigit(w.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The index of the first char of {@code w} from {@code i} that is no ASCII digit. */
  private static int digitsEnd(String w, int i) {
    while (i < w.length() && isDigit(w.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Whether {@code c} is an ASCII digit. */
  public static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }
}
