package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureLoggingTest {
  @Test
  void aLoggedQueryIdCannotBreakTheLogLine() {
    String forged = "q-1\n12:00:00.000 INFO  Job - all good\r\u0000\u001b[2J";

    String logged = FailureLogging.printable("query " + forged);

    assertThat(logged).doesNotContain("\n", "\r", "\u0000", "\u001b");
    assertThat(logged)
        .isEqualTo("query q-1\\u000a12:00:00.000 INFO  Job - all good\\u000d\\u0000\\u001b[2J");
  }

  @Test
  void printableKeepsOtherCharactersAndCutsLongValues() {
    assertThat(FailureLogging.printable("ä-1 查询 😀")).isEqualTo("ä-1 查询 😀");
    assertThat(FailureLogging.printable((String) null)).isEqualTo("null");

    String logged = FailureLogging.printable("x".repeat(10_000));

    assertThat(logged).hasSize(FailureLogging.MAX_LOGGED_CHARS + 1).endsWith("…");
  }

  /**
   * Characters that reorder or split what a log viewer or terminal shows (a bidirectional override,
   * isolates, the line and paragraph separators, a zero-width joiner, an unpaired surrogate) are
   * escaped too; a surrogate pair (an emoji) is kept.
   */
  @Test
  void aLoggedQueryIdCannotReorderOrSplitTheLine() {
    String forged = "q-1\u202egnp.exe\u2066x\u2069\u2028INFO ok\u2029\u200d\ud800 \ud83d\ude00";

    String logged = FailureLogging.printable(forged);

    assertThat(logged)
        .isEqualTo(
            "q-1\\u202egnp.exe\\u2066x\\u2069\\u2028INFO ok\\u2029\\u200d\\ud800 \ud83d\ude00");
  }

  /**
   * Format characters outside the basic plane (tag characters U+E0000..E007F, which hide text in
   * many viewers) are escaped as their UTF-16 pair; other supplementary characters are kept.
   */
  @Test
  void supplementaryFormatCharactersAreEscaped() {
    String forged = "q-1\udb40\udc41\udb40\udc7f \ud83d\ude00 \ud800";

    assertThat(FailureLogging.printable(forged))
        .isEqualTo("q-1\\udb40\\udc41\\udb40\\udc7f \ud83d\ude00 \\ud800");
  }

  /**
   * An error's message (and its causes') may quote a client's value: logged, it is printable like
   * the value, names the error's class, and keeps the stack trace.
   */
  @Test
  void aLoggedErrorCannotBreakTheLogLine() {
    var cause = new IllegalStateException("id x\nINFO forged\u202e");
    var e = new IllegalArgumentException("bad product p-1\r\nWARN forged", cause);

    Throwable logged = FailureLogging.printable(e);

    assertThat(logged.getMessage())
        .isEqualTo("java.lang.IllegalArgumentException: bad product p-1\\u000d\\u000aWARN forged");
    assertThat(logged.getCause().getMessage())
        .isEqualTo("java.lang.IllegalStateException: id x\\u000aINFO forged\\u202e");
    assertThat(logged.getStackTrace()).isEqualTo(e.getStackTrace());
    assertThat(logged.getCause().getCause()).isNull();
    assertThat(FailureLogging.printable((Throwable) null)).isNull();
  }

  /** An error with a long chain of causes is logged with a bounded number of causes. */
  @Test
  void aLongCauseChainIsCut() {
    Throwable e = new RuntimeException("root");
    for (int i = 0; i < 100; i++) {
      e = new RuntimeException("level " + i, e);
    }

    Throwable logged = FailureLogging.printable(e);

    int causes = 0;
    for (Throwable c = logged.getCause(); c != null; c = c.getCause()) {
      causes++;
    }
    assertThat(causes).isEqualTo(FailureLogging.MAX_LOGGED_CAUSES);
  }
}
