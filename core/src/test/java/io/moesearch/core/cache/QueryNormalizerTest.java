package io.moesearch.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.moesearch.core.testing.TextVariants;
import io.moesearch.core.util.Texts;
import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryNormalizerTest {

  @Test
  void randomSpellingsOfTheSameWordsHaveOneNormalForm() {
    TextVariants v = new TextVariants(20261130L);
    for (int i = 0; i < 2000; i++) {
      String words = v.words();
      String a = v.spell(words);
      String b = v.spell(words);
      assertThat(QueryNormalizer.normalize(a))
          .as("%s vs %s", a, b)
          .isEqualTo(QueryNormalizer.normalize(b))
          .isEqualTo(QueryNormalizer.normalize(words));
    }
  }

  @Test
  void theNormalFormIsAFixedPointWithoutControlFormatOrOddSpaceCharacters() {
    TextVariants v = new TextVariants(7L);
    for (int i = 0; i < 500; i++) {
      String n = QueryNormalizer.normalize(v.spell(v.words()));
      assertThat(QueryNormalizer.normalize(n)).isEqualTo(n);
      assertThat(n.codePoints())
          .allMatch(
              cp ->
                  cp == ' '
                      || !(Character.isWhitespace(cp)
                          || Character.isSpaceChar(cp)
                          || Character.getType(cp) == Character.CONTROL
                          || Character.getType(cp) == Character.FORMAT));
      assertThat(n).doesNotStartWith(" ").doesNotEndWith(" ").doesNotContain("  ");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u00a0",
        "\u202f",
        "\u2007",
        "\u200b",
        "\u00ad",
        "\ufeff",
        "\u2060\u200b ",
        "\u0001",
        " \t\n"
      })
  void textsOfOnlySpacesControlsOrInvisibleCharactersNormaliseToNothing(String text) {
    assertThat(QueryNormalizer.normalize(text)).isEmpty();
    assertThat(QueryNormalizer.isBlank(text)).isTrue();
  }

  @Test
  void foldsWidthLigaturesCaseAndSpaces() {
    assertThat(QueryNormalizer.normalize("ＬＯＧＩＴＥＣＨ\u3000Ｍ５００")).isEqualTo("logitech m500");
    assertThat(QueryNormalizer.normalize("wi\ufb01 adapter")).isEqualTo("wifi adapter");
    assertThat(QueryNormalizer.normalize(" Logitech\u2003 ")).isEqualTo("logitech");
    assertThat(QueryNormalizer.normalize("HD7567/20")).isEqualTo("hd7567/20");
  }

  @Test
  void findsUnpairedSurrogates() {
    assertThat(QueryNormalizer.firstUnpairedSurrogate("ok \ud83d\ude00")).isEqualTo(-1);
    assertThat(QueryNormalizer.firstUnpairedSurrogate("ab\ud800")).isEqualTo(2);
    assertThat(QueryNormalizer.firstUnpairedSurrogate("\udc00x")).isEqualTo(0);
  }

  /** The normaliser before runs of marks were cut and long texts lower-cased apart. */
  private static String jdkNormalForm(String text) {
    String once = Normalizer.normalize(text, Normalizer.Form.NFKC);
    String lower = fold(once).toLowerCase(Locale.ROOT);
    return fold(Normalizer.normalize(lower, Normalizer.Form.NFKC)).trim().replaceAll(" +", " ");
  }

  private static String fold(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .filter(cp -> Character.getType(cp) != Character.FORMAT)
        .forEach(
            cp ->
                b.appendCodePoint(
                    Character.isWhitespace(cp)
                            || Character.isSpaceChar(cp)
                            || Character.getType(cp) == Character.CONTROL
                        ? ' '
                        : cp));
    return b.toString();
  }

  /**
   * Ordinary text, short and long (past the JDK lower-casing bound, with Greek final sigmas, İ and
   * up to 30 marks in a row), keeps the normal form the JDK's NFKC and lower-casing give.
   */
  @Test
  void ordinaryTextKeepsTheJdkNormalForm() {
    TextVariants v = new TextVariants(11L);
    StringBuilder greek = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      String words = v.words();
      assertThat(QueryNormalizer.normalize(v.spell(words)))
          .isEqualTo(jdkNormalForm(v.spell(words)));
      greek.append(i % 3 == 0 ? "ΟΔΟΣ, ΣΟΦΟΣ " : "İSTANBUL Σ.ΑΣ 'ΑΣ' ").append(words).append(' ');
    }
    greek.append("e").append("\u0301".repeat(QueryNormalizer.MAX_COMBINING_RUN)).append(" Σ");
    String text = greek.toString();
    assertThat(text.length()).isGreaterThan(Texts.JDK_LOWER_CASE_CHARS);
    assertThat(Texts.lowerCase(text)).isEqualTo(text.toLowerCase(Locale.ROOT));
    assertThat(QueryNormalizer.normalize(text)).isEqualTo(jdkNormalForm(text));
  }

  /**
   * A letter followed by 8,000 × U+0301 and 8,000 × U+0316 (JDK NFKC reorders such a run in
   * quadratic time) is cut to its first 30 marks before normalising: the work is bounded by the
   * input's length, and the normal form is that of the cut text, itself a fixed point. Format
   * characters between the marks (removed by normalising) do not split a run, nor do the half-width
   * sound marks that NFKC maps to combining ones.
   */
  @Test
  void longRunsOfCombiningMarksAreCutToThirty() {
    String marks = "\u0301".repeat(8_000) + "\u0316".repeat(8_000);
    String cut = "a" + "\u0301".repeat(QueryNormalizer.MAX_COMBINING_RUN);
    assertThat(QueryNormalizer.streamSafe("a" + marks)).isEqualTo(cut);
    assertThat(QueryNormalizer.normalize("a" + marks)).isEqualTo(QueryNormalizer.normalize(cut));
    for (String hostile :
        List.of(
            "a" + marks,
            "a" + "\u0301\u200b\u0316\u200b".repeat(4_000),
            "a" + "\u0301\uff9e".repeat(8_000),
            "a" + "\u0344".repeat(16_000))) {
      String n = QueryNormalizer.normalize(hostile);
      assertThat(n.length()).as("normal form of a run").isLessThanOrEqualTo(31);
      assertThat(QueryNormalizer.normalize(n)).isEqualTo(n);
    }
    String ordinary = "e" + "\u0301".repeat(QueryNormalizer.MAX_COMBINING_RUN) + " x";
    assertThat(QueryNormalizer.streamSafe(ordinary)).isSameAs(ordinary);
  }

  /**
   * The JDK lower-cases 64,000 Σ in about half a minute and 256,000 İ in seconds (each Σ sets up a
   * word iterator over the whole text, each İ copies the result): normalising them must be linear.
   * Generous bounds: linear takes milliseconds.
   */
  @Test
  void lowerCasingLongTextsOfSigmaOrDottedIIsLinear() {
    String sigmas = "\u03a3".repeat(64_000);
    String dotted = "\u0130".repeat(256_000);
    String lower =
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> QueryNormalizer.normalize(sigmas));
    assertThat(lower).isEqualTo("\u03c3".repeat(63_999) + "\u03c2");
    String i =
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> QueryNormalizer.normalize(dotted));
    assertThat(i).isEqualTo("i\u0307".repeat(256_000));
  }
}
