package io.moesearch.core.cache;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The cache's notion of "the same query": Unicode NFKC, lower case (root locale), trimmed, runs of
 * whitespace collapsed to one space. {@code " USB‑C Cable"} and {@code "usb‑c cable"} share cache
 * entries; the search itself still sees the text as typed.
 */
public final class QueryNormalizer {
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private QueryNormalizer() {}

  public static String normalize(String text) {
    if (text == null) {
      throw new IllegalArgumentException("query text must not be null");
    }
    String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
    return SPACES.matcher(nfkc.toLowerCase(Locale.ROOT).strip()).replaceAll(" ");
  }
}
