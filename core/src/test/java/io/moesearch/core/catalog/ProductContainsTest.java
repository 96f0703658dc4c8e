package io.moesearch.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.testing.CountingChars;
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

  /**
   * The shape an attacker sends in an upsert (a 16,384-character title of one letter, a brand and a
   * model of 8,192 that match it but in one place): the search reads each character a bounded
   * number of times, where the JDK's {@code String.contains} compares up to title × brand
   * characters (~45 ms a call; ~360 s of CPU for a batch of 512 such upserts, past {@code
   * embed-products}' 60 s async timeout).
   */
  @Test
  void readsTheHostileShapeInLinearlyManyCharacters() {
    String title = "a".repeat(16_384);
    String brand = "a".repeat(8_190) + "ba";
    CountingChars t = new CountingChars(title);
    CountingChars b = new CountingChars(brand);
    assertThat(Product.contains(t, b)).isFalse();
    // Knuth-Morris-Pratt: at most 4 reads per text character and 6 per part character.
    assertThat(t.reads() + b.reads())
        .isLessThanOrEqualTo(4L * title.length() + 6L * brand.length());
  }
}
