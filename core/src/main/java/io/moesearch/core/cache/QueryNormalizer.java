package io.moesearch.core.cache;

import io.moesearch.core.util.Texts;
import java.text.Normalizer;

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
 * unchanged. The JDK's lower-casing is quadratic too, on İ and Σ; a text of more than 32 chars is
 * lower-cased linearly to the same result, but where a supplementary character stands next to a Σ
 * in its word ({@link Texts#lowerCase}). So the cost of any text is linear in its length.
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
    String lower = Texts.lowerCase(folded);
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
