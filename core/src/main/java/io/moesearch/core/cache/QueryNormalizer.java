package io.moesearch.core.cache;

import java.text.BreakIterator;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The one definition of "the same text", shared by the query codec, the cache key, the searched
 * text, brand filters and the brand field of the index: equal normal forms give equal answers.
 *
 * <p>In order: Unicode NFKC (full-width letters, ligatures and compatibility spaces fold to their
 * plain forms); every code point that is whitespace or a separator ({@link Character#isWhitespace}
 * or {@link Character#isSpaceChar}, e.g. U+00A0, U+2007, U+202F, U+2003) or a control character
 * becomes a space; format characters (Unicode category Cf: U+200B zero-width space, U+00AD soft
 * hyphen, U+FEFF byte-order mark, U+2060 word joiner, bidi controls) are removed; the text is
 * lower-cased (root locale) and NFKC-normalised again (lower-casing can leave a non-normal form);
 * runs of spaces collapse to one and the ends are trimmed. The result contains no control, format
 * or non-space whitespace characters, so {@code U+0000}–{@code U+001F} can serve as separators in
 * keys built from it. The normal form of a text that is only spaces and invisible characters is
 * {@code ""}.
 *
 * <p><b>Bounded work.</b> Canonical reordering in the JDK's NFKC is quadratic in the length of a
 * run of combining marks (one letter followed by 8,000 × U+0301 and 8,000 × U+0316 takes a tenth of
 * a second, and brands are normalised per index slot). So, as in Unicode's Stream-Safe Text Format
 * (UAX #15), a run of combining marks is cut after {@value #MAX_COMBINING_RUN}, before and after
 * normalising ({@link #streamSafe}): no real text has such a run, so their normal forms are
 * unchanged. The JDK's lower-casing is quadratic too, on İ and Σ; a long text is lower-cased
 * linearly to the same result ({@link #lowerCase}). So the cost of any text is linear in its
 * length.
 *
 * <p>The model (all-MiniLM-L6-v2, an uncased WordPiece tokenizer) and the BM25 analyzer lower-case
 * anyway, so searching the normal form loses nothing.
 */
public final class QueryNormalizer {
  /**
   * The most combining marks kept in a row (UAX #15's Stream-Safe Text Format allows 30
   * non-starters in a row); the rest of a longer run is dropped.
   */
  public static final int MAX_COMBINING_RUN = 30;

  /**
   * The longest brand a brand filter can name, in code points of normal form (brands are names; the
   * shipped catalogue's longest has 19). A product's longer brand is selected by no filter ({@link
   * #brandKey}).
   */
  public static final int MAX_BRAND_CHARS = 128;

  /** The longest text {@link #lowerCase} leaves to {@link String#toLowerCase(Locale)}. */
  static final int JDK_LOWER_CASE_CHARS = 256;

  private QueryNormalizer() {}

  /**
   * @param text any string, may contain unpaired surrogates (they are kept; see {@link
   *     #firstUnpairedSurrogate})
   * @return the normal form, possibly empty
   * @throws IllegalArgumentException if {@code text} is null
   */
  public static String normalize(String text) {
    if (text == null) {
      throw new IllegalArgumentException("query text must not be null");
    }
    if (isNormalAscii(text)) {
      return text; // the common case, checked again on every hop: no allocation
    }
    String folded = fold(Normalizer.normalize(streamSafe(text), Normalizer.Form.NFKC));
    String lower = lowerCase(folded);
    // Again: NFKC can expand a mark into several (U+0344), which could make a longer run.
    return streamSafe(collapse(fold(Normalizer.normalize(lower, Normalizer.Form.NFKC))));
  }

  /**
   * {@code text} with every run of combining marks cut to its first {@link #MAX_COMBINING_RUN} (the
   * same string when none is longer). A run counts the code points of general category Mn, Mc or Me
   * and the four whose compatibility decomposition starts with one (U+0E33, U+0EB3, U+FF9E, U+FF9F;
   * every code point of non-zero canonical combining class is a mark); format characters (Cf)
   * neither count nor end a run, since normalising removes them; anything else ends it. Linear in
   * the length of {@code text}; no {@link Normalizer} call.
   */
  public static String streamSafe(String text) {
    int run = 0;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      run = nextRun(run, cp);
      if (run > MAX_COMBINING_RUN) {
        break;
      }
      i += Character.charCount(cp);
    }
    if (i == text.length()) {
      return text; // no run to cut: no allocation
    }
    StringBuilder b = new StringBuilder(text.length());
    b.append(text, 0, i);
    for (; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      run = nextRun(run, cp);
      if (run <= MAX_COMBINING_RUN || !isCombining(cp)) {
        b.appendCodePoint(cp);
      }
    }
    return b.toString();
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
   * keep the JDK's.
   */
  static String lowerCase(String s) {
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

  /** The length of the run of marks after {@code cp}, given the run before it. */
  private static int nextRun(int run, int cp) {
    if (isCombining(cp)) {
      return run == Integer.MAX_VALUE ? run : run + 1;
    }
    return Character.getType(cp) == Character.FORMAT ? run : 0;
  }

  /** A combining mark, or a code point whose compatibility decomposition starts with one. */
  private static boolean isCombining(int cp) {
    return switch (Character.getType(cp)) {
      case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK ->
          true;
      default -> cp == 0x0E33 || cp == 0x0EB3 || cp == 0xFF9E || cp == 0xFF9F;
    };
  }

  /**
   * True for printable ASCII already in normal form (no upper case, single inner spaces, none at
   * the ends): NFKC leaves printable ASCII as it is, so such a text is its own normal form.
   */
  private static boolean isNormalAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ') {
        if (i == 0 || i == text.length() - 1 || text.charAt(i - 1) == ' ') {
          return false;
        }
      } else if (c < 0x21 || c > 0x7e || (c >= 'A' && c <= 'Z')) {
        return false;
      }
    }
    return true;
  }

  /**
   * A product's brand as brand filters compare it: its normal form, or {@code ""} (as for no brand)
   * when no filter can name it: longer than {@link #MAX_BRAND_CHARS} code points in normal form, or
   * than four times that as written (the query codec refuses such a filter brand unread; this
   * bounds the work and the memory, since NFKC makes 18 characters of U+FDFA). The index's
   * exact-brand keyword, the artifact's and the live catalogue's filter listings and the live brand
   * broadcast with a change all hold this, so they agree, and none holds more than a filter can
   * name.
   */
  public static String brandKey(String brand) {
    if (brand.length() > 4 * MAX_BRAND_CHARS
        && brand.codePointCount(0, brand.length()) > 4 * MAX_BRAND_CHARS) {
      return "";
    }
    String normal = normalize(brand);
    return normal.length() > MAX_BRAND_CHARS
            && normal.codePointCount(0, normal.length()) > MAX_BRAND_CHARS
        ? ""
        : normal;
  }

  /** True when {@code text} normalises to nothing (only spaces, controls, invisible characters). */
  public static boolean isBlank(String text) {
    return normalize(text).isEmpty();
  }

  /**
   * The index of the first unpaired surrogate in {@code s}, or {@code -1} when {@code s} is
   * well-formed UTF-16 (JSON's {@code "\ud800"} escape decodes into such a string; it has no UTF-8
   * encoding).
   */
  public static int firstUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** Spaces, separators and controls become U+0020; format characters go. */
  private static String fold(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (type == Character.FORMAT) {
        continue;
      }
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || type == Character.CONTROL) {
        b.append(' ');
      } else {
        b.appendCodePoint(cp);
      }
    }
    return b.toString();
  }

  private static String collapse(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ') {
        space = !b.isEmpty();
      } else {
        if (space) {
          b.append(' ');
          space = false;
        }
        b.append(c);
      }
    }
    return b.toString();
  }
}
