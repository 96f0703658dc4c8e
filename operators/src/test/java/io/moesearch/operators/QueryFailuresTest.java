package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryFailuresTest {
  @Test
  void aLoggedQueryIdCannotBreakTheLogLine() {
    String forged = "q-1\n12:00:00.000 INFO  Job - all good\r\u0000\u001b[2J";

    String logged = QueryFailures.printable("query " + forged);

    assertThat(logged).doesNotContain("\n", "\r", "\u0000", "\u001b");
    assertThat(logged)
        .isEqualTo("query q-1\\u000a12:00:00.000 INFO  Job - all good\\u000d\\u0000\\u001b[2J");
  }

  @Test
  void printableKeepsOtherCharactersAndCutsLongValues() {
    assertThat(QueryFailures.printable("ä-1 查询 😀")).isEqualTo("ä-1 查询 😀");
    assertThat(QueryFailures.printable(null)).isEqualTo("null");

    String logged = QueryFailures.printable("x".repeat(10_000));

    assertThat(logged).hasSize(QueryFailures.MAX_LOGGED_CHARS + 1).endsWith("…");
  }

  /**
   * Characters that reorder or split what a log viewer or terminal shows (a bidirectional override,
   * isolates, the line and paragraph separators, a zero-width joiner, an unpaired surrogate) are
   * escaped too; a surrogate pair (an emoji) is kept.
   */
  @Test
  void aLoggedQueryIdCannotReorderOrSplitTheLine() {
    String forged = "q-1\u202egnp.exe\u2066x\u2069\u2028INFO ok\u2029\u200d\ud800 \ud83d\ude00";

    String logged = QueryFailures.printable(forged);

    assertThat(logged)
        .isEqualTo(
            "q-1\\u202egnp.exe\\u2066x\\u2069\\u2028INFO ok\\u2029\\u200d\\ud800 \ud83d\ude00");
  }
}
