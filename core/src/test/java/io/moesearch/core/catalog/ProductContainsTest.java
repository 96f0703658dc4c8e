package io.moesearch.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Product#contains} answers as {@link String#contains} does, in linear time. */
class ProductContainsTest {
  private static String random(Random r, int n, String alphabet) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  @Test
  void answersAsStringContains() {
    Random r = new Random(64);
    String alphabet = "ab\uD83D\uDE00é";
    for (int i = 0; i < 20_000; i++) {
      String text = random(r, r.nextInt(400), alphabet);
      String part;
      if (r.nextBoolean() && text.length() > 70) {
        int from = r.nextInt(text.length() - 65);
        part = text.substring(from, from + 65 + r.nextInt(text.length() - from - 65 + 1));
        if (r.nextBoolean()) {
          char[] c = part.toCharArray();
          c[r.nextInt(c.length)] = alphabet.charAt(r.nextInt(alphabet.length()));
          part = new String(c);
        }
      } else {
        part = random(r, r.nextInt(200), alphabet);
      }
      assertThat(Product.contains(text, part))
          .as(text + " / " + part)
          .isEqualTo(text.contains(part));
    }
  }
}
