package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.testing.CountingChars;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whether a query names a candidate's brand ({@link BrandNames#named}, {@code brand_match}) is
 * decided once per distinct brand of every query's candidates, and again for every kept upsert a
 * cache coherence check ranks, by looking the brand (up to {@link RankingFeatures#MAX_FIELD_CHARS}
 * characters, from the catalogue-update topic) up in the query's whole text (up to 10,000
 * characters at the largest {@code query.max-chars}). With the JDK's {@link String#contains} that
 * costs up to query × brand character comparisons: a query of 5,000 one-letter words against brands
 * of that letter but for one character in their middle cost ~3.5 ms a candidate (~0.7 s for 200
 * candidates with distinct such brands, every time the query is computed; measured by an
 * adversarial review). The look-up must read each character of the query's text a bounded number of
 * times, and answer as before. Counted in characters read, not timed.
 */
class BrandNamesCostTest {
  /** The largest {@code query.max-chars}. */
  private static final int MAX_QUERY_CHARS = 10_000;

  private static List<String> words(int n) {
    String[] w = new String[n];
    Arrays.fill(w, "a");
    return List.of(w);
  }

  /** A brand of {@code a} words but for one {@code b} in its middle: 255 characters. */
  private static final String HOSTILE_BRAND = ("a ".repeat(63) + "b " + "a ".repeat(63)).trim();

  @Test
  void aBrandAlmostMatchingALongQueryEverywhereIsLookedUpInLinearlyManyReads() {
    assertThat(HOSTILE_BRAND.length()).isLessThanOrEqualTo(RankingFeatures.MAX_FIELD_CHARS);
    List<String> tokens = words(MAX_QUERY_CHARS / 2);
    String spaced = " " + String.join(" ", tokens) + " ";
    String normalized = String.join("", tokens);
    CountingChars s = new CountingChars(spaced);
    CountingChars n = new CountingChars(normalized);
    assertThat(BrandNames.named(tokens, s, n, BrandNames.forms(HOSTILE_BRAND))).isFalse();
    // Each look-up reads the query's text about once; query × brand would be ~1.9 M reads.
    assertThat(s.reads() + n.reads())
        .isLessThanOrEqualTo(4L * (spaced.length() + normalized.length()));
  }

  @Test
  void aBrandAtTheEndOfALongQueryIsStillNamed() {
    List<String> tokens =
        new java.util.ArrayList<>(words(MAX_QUERY_CHARS / 2 - HOSTILE_BRAND.length()));
    tokens.addAll(List.of(HOSTILE_BRAND.split(" ")));
    String spaced = " " + String.join(" ", tokens) + " ";
    String normalized = String.join("", tokens);
    CountingChars s = new CountingChars(spaced);
    CountingChars n = new CountingChars(normalized);
    assertThat(BrandNames.named(tokens, s, n, BrandNames.forms(HOSTILE_BRAND))).isTrue();
    assertThat(s.reads() + n.reads())
        .isLessThanOrEqualTo(4L * (spaced.length() + normalized.length()));
    // As written, and by its letters and digits alone ("Startech.com" in "startechcom ...").
    assertThat(
            BrandNames.named(
                List.of("x"),
                " x ",
                "x" + HOSTILE_BRAND.replace(" ", ""),
                BrandNames.forms(HOSTILE_BRAND)))
        .isTrue();
  }
}
