package io.moesearch.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.testing.TextVariants;
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
}
