package io.moesearch.operators;

import io.moesearch.core.util.Texts;
import java.io.Serial;
import java.util.Locale;

/**
 * When and how an operator logs a record it failed on and went on without: the first {@value
 * #FIRST}, then every {@value #EVERY}th, so a stream of bad records cannot flood the TaskManager's
 * log while its counter still shows them all; a client's values and the errors they caused {@link
 * #printable(String) printable}, so no record can forge or hide a log line.
 */
final class FailureLogging {
  static final int FIRST = 10;
  static final int EVERY = 1000;

  private FailureLogging() {}

  /**
   * Whether the {@code count}th failure (1-based, as the failure counter reads after it) is logged.
   */
  static boolean logs(long count) {
    return count <= FIRST || count % EVERY == 0;
  }

  /** Characters of a client's value a log line quotes; the rest is cut ("…"). */
  static final int MAX_LOGGED_CHARS = 512;

  /**
   * {@code s} as one log line: control characters (U+0000–U+001F, U+007F–U+009F: line breaks, tabs,
   * NUL, escape sequences), the line and paragraph separators (U+2028, U+2029), format characters
   * (bidirectional overrides and isolates such as U+202E, zero-width ones, the tag characters
   * U+E0000–E007F as their two UTF-16 units) and unpaired surrogates written as a backslash, "u"
   * and four hex digits, so a query id can neither forge log lines nor reorder what a terminal
   * shows; at most {@value #MAX_LOGGED_CHARS} of its characters.
   */
  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    String kept = Texts.cut(s, MAX_LOGGED_CHARS);
    StringBuilder b = new StringBuilder(kept.length() + 16);
    for (int i = 0; i < kept.length(); ) {
      int c = kept.codePointAt(i); // a lone surrogate is its own code point, type SURROGATE
      i += Character.charCount(c);
      if (escaped(c)) {
        // Supplementary ones (tag characters U+E0000..E007F) as their UTF-16 pair.
        for (char unit : Character.toChars(c)) {
          b.append(String.format(Locale.ROOT, "\\u%04x", (int) unit));
        }
      } else {
        b.appendCodePoint(c);
      }
    }
    return kept.length() < s.length() ? b.append('…').toString() : b.toString();
  }

  private static boolean escaped(int c) {
    int type = Character.getType(c);
    return Character.isISOControl(c)
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.FORMAT
        || type == Character.SURROGATE;
  }

  /** How many causes of an error {@link #printable(Throwable)} keeps. */
  static final int MAX_LOGGED_CAUSES = 8;

  /**
   * {@code e} for a log line: an error whose message and causes' messages (which may quote a
   * client's value) are {@link #printable(String) printable}, with {@code e}'s class named first in
   * its message and its stack traces kept; at most {@value #MAX_LOGGED_CAUSES} causes. {@code null}
   * for {@code null}.
   */
  static Throwable printable(Throwable e) {
    return e == null ? null : new LoggedFailure(e, 0);
  }

  /** An error as {@link #printable(Throwable)} logs it. */
  static final class LoggedFailure extends Exception {
    @Serial private static final long serialVersionUID = 1L;

    private LoggedFailure(Throwable e, int depth) {
      super(
          printable(
              e.getMessage() == null
                  ? e.getClass().getName()
                  : e.getClass().getName() + ": " + e.getMessage()),
          e.getCause() == null || e.getCause() == e || depth >= MAX_LOGGED_CAUSES
              ? null
              : new LoggedFailure(e.getCause(), depth + 1),
          false,
          true);
      setStackTrace(e.getStackTrace());
    }
  }
}
