package io.moesearch.core.util;

import java.text.BreakIterator;
import java.util.Locale;

/** Text helpers shared by the messages and the ranking. */
public final class Texts {
  private Texts() {}

  /**
   * Most character comparisons ({@code text.length() × part.length()}) {@link #contains} leaves to
   * {@link String#contains}, which is faster on short texts and costs at most that.
   */
  private static final long NAIVE_COMPARISONS = 64 * 1024;

  /**
   * {@code text.contains(part)} in time linear in their lengths (Knuth-Morris-Pratt over UTF-16
   * units, as {@link String#contains} compares): the JDK's search costs up to their product, ~45 ms
   * for a 16,384-character title and an 8,192-character brand that matches it but in one place (a
   * product's searchable text), ~1 ms for a 10,000-character query and a 255-character brand (a
   * candidate's {@code brand_match}). Reads at most {@code 4 text.length() + 6 part.length()}
   * characters when their product exceeds {@value #NAIVE_COMPARISONS}.
   */
  public static boolean contains(CharSequence text, CharSequence part) {
    int m = part.length();
    if (m > text.length() || (long) m * text.length() <= NAIVE_COMPARISONS) {
      return text.toString().contains(part);
    }
    int[] fail = new int[m];
    for (int i = 1, k = 0; i < m; i++) {
      while (k > 0 && part.charAt(i) != part.charAt(k)) {
        k = fail[k - 1];
      }
      if (part.charAt(i) == part.charAt(k)) {
        k++;
      }
      fail[i] = k;
    }
    for (int i = 0, k = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      while (k > 0 && c != part.charAt(k)) {
        k = fail[k - 1];
      }
      if (c == part.charAt(k) && ++k == m) {
        return true;
      }
    }
    return false;
  }

  /** The longest text {@link #lowerCase} leaves to {@link String#toLowerCase(Locale)}. */
  public static final int JDK_LOWER_CASE_CHARS = 32;

  /**
   * Whether {@code s} holds nothing but white space: ECMA-262's (every Unicode space separator,
   * U+00A0, U+2007 and U+202F among them, the line and paragraph separators, U+FEFF) and Java's
   * {@link String#isBlank} (which also counts U+001C–U+001F), as the published schemas' pattern
   * {@code "[^\\s\\u001c-\\u001f]"} (as written in JSON) reads it. An empty string is blank. For
   * values entering through a codec.
   */
  public static boolean isBlank(String s) {
    return s.codePoints()
        .allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0xFEFF);
  }

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

  /**
   * {@code s.toLowerCase(Locale.ROOT)}, in time linear in its length. The JDK's is quadratic on the
   * two characters it maps by context: each U+0130 (İ, to {@code i} U+0307) grows its result by one
   * copy, and each U+03A3 (Σ, to ς at the end of a word) sets up a word break iterator over the
   * whole text (16,000 Σ take seconds). A text of more than {@value #JDK_LOWER_CASE_CHARS} chars
   * with either is lower-cased here instead: İ mapped directly, and the word boundaries computed
   * once for the same rule ({@code Final_Cased}: a cased letter before Σ and none after it within
   * its word; the JDK's definition of cased). That gives the JDK's result except where a
   * supplementary character stands next to a Σ in its word (the JDK's boundary check misreads
   * surrogate pairs there; this follows the word boundaries), so shorter texts, which cost little,
   * keep the JDK's. The query normaliser and the ranking features lower-case a record's text (a
   * query; a candidate's title, brand and model) through here: at 512 Σ the JDK's took 5–15 ms.
   */
  public static String lowerCase(String s) {
    boolean sigma = s.indexOf('\u03a3') >= 0;
    if (s.length() <= JDK_LOWER_CASE_CHARS || (!sigma && s.indexOf('\u0130') < 0)) {
      return s.toLowerCase(Locale.ROOT); // linear without either, cheap when short
    }
    boolean[] boundary = null;
    if (sigma) {
      boundary = new boolean[s.length() + 1];
      BreakIterator words = BreakIterator.getWordInstance(Locale.ROOT);
      words.setText(s);
      for (int b = words.first(); b != BreakIterator.DONE; b = words.next()) {
        boundary[b] = true;
      }
      boundary[0] = true;
      boundary[s.length()] = true;
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (cp == 0x0130) {
        out.append("i\u0307");
      } else if (cp == 0x03a3) {
        out.append(finalCased(s, i, boundary) ? '\u03c2' : '\u03c3');
      } else {
        out.appendCodePoint(Character.toLowerCase(cp));
      }
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  /**
   * Whether the Σ at {@code index} is final: a cased letter between its word's start and it, none
   * between it and its word's end. Each scan stops at the first cased letter (or Σ), so all scans
   * of a text together read each character at most twice.
   */
  private static boolean finalCased(String s, int index, boolean[] boundary) {
    for (int i = index; !boundary[i]; ) {
      int ch = s.codePointBefore(i);
      if (isCased(ch)) {
        for (int j = index + 1; j < s.length() && !boundary[j]; ) {
          int after = s.codePointAt(j);
          if (isCased(after)) {
            return false;
          }
          j += Character.charCount(after);
        }
        return true;
      }
      i -= Character.charCount(ch);
    }
    return false;
  }

  /** Cased as the JDK's lower-casing defines it (its {@code ConditionalSpecialCasing}). */
  private static boolean isCased(int ch) {
    int type = Character.getType(ch);
    return type == Character.LOWERCASE_LETTER
        || type == Character.UPPERCASE_LETTER
        || type == Character.TITLECASE_LETTER
        || (ch >= 0x02B0 && ch <= 0x02B8)
        || (ch >= 0x02C0 && ch <= 0x02C1)
        || (ch >= 0x02E0 && ch <= 0x02E4)
        || ch == 0x0345
        || ch == 0x037A
        || (ch >= 0x1D2C && ch <= 0x1D61)
        || (ch >= 0x2160 && ch <= 0x217F)
        || (ch >= 0x24B6 && ch <= 0x24E9);
  }
}
