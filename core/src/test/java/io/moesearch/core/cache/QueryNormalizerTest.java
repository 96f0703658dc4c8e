package io.moesearch.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryNormalizerTest {

  /** Spellings a client can send for the same words, generated from a seed. */
  static final class Variants {
    private static final String[] SPACES = {
      " ", "  ", "\t", "\n", "\u00a0", "\u2007", "\u202f", "\u2003", "\u3000", "\u2009"
    };
    private static final String[] INVISIBLE = {"\u200b", "\u00ad", "\ufeff", "\u2060", "\u200e"};
    private static final String[] WORDS = {
      "logitech",
      "m500",
      "wifi",
      "adapter",
      "hd7567/20",
      "usb-c",
      "office",
      "fluid",
      "toner",
      "canon",
      "pg-545xl",
      "28\"",
      "café",
      "épson"
    };
    private final Random random;

    Variants(long seed) {
      random = new Random(seed);
    }

    String words() {
      int n = 1 + random.nextInt(4);
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < n; i++) {
        b.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
      }
      return b.toString();
    }

    /** A random spelling of {@code text}: case, spaces, invisible characters, width, ligatures. */
    String spell(String text) {
      StringBuilder b = new StringBuilder();
      if (random.nextBoolean()) {
        b.append(SPACES[random.nextInt(SPACES.length)]);
      }
      String t =
          random.nextInt(3) == 0 ? text.replace("fi", "\ufb01").replace("fl", "\ufb02") : text;
      boolean fullWidth = random.nextInt(3) == 0;
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        if (random.nextInt(8) == 0) {
          b.append(INVISIBLE[random.nextInt(INVISIBLE.length)]);
        }
        if (c == ' ') {
          b.append(SPACES[random.nextInt(SPACES.length)]);
          continue;
        }
        char cased = random.nextBoolean() ? Character.toUpperCase(c) : c;
        b.append(fullWidth && cased > ' ' && cased < 0x7f ? (char) (cased + 0xFEE0) : cased);
      }
      if (random.nextBoolean()) {
        b.append(SPACES[random.nextInt(SPACES.length)]);
      }
      return b.toString();
    }
  }

  @Test
  void randomSpellingsOfTheSameWordsHaveOneNormalForm() {
    Variants v = new Variants(20261130L);
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
    Variants v = new Variants(7L);
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
