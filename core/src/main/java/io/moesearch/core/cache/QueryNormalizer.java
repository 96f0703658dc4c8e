package io.moesearch.core.cache;

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
 * <p>The model (all-MiniLM-L6-v2, an uncased WordPiece tokenizer) and the BM25 analyzer lower-case
 * anyway, so searching the normal form loses nothing.
 */
public final class QueryNormalizer {
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
    String folded = fold(Normalizer.normalize(text, Normalizer.Form.NFKC));
    String lower = folded.toLowerCase(Locale.ROOT);
    return collapse(fold(Normalizer.normalize(lower, Normalizer.Form.NFKC)));
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
