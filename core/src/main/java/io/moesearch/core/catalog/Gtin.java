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

  /** Whether {@code c} is an ASCII digit. */
  public static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }
}
