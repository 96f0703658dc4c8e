package io.moesearch.core.testing;

import java.util.Random;

/**
 * Spellings a client can send for the same words, generated from a seed: random case, Unicode
 * spaces, invisible format characters, full-width forms and ligatures. Every spelling has the same
 * {@code QueryNormalizer} normal form as the words.
 */
public final class TextVariants {

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

  public TextVariants(long seed) {
    random = new Random(seed);
  }

  public String words() {
    int n = 1 + random.nextInt(4);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return b.toString();
  }

  /** A random spelling of {@code text}: case, spaces, invisible characters, width, ligatures. */
  public String spell(String text) {
    StringBuilder b = new StringBuilder();
    if (random.nextBoolean()) {
      b.append(SPACES[random.nextInt(SPACES.length)]);
    }
    String t = random.nextInt(3) == 0 ? text.replace("fi", "\ufb01").replace("fl", "\ufb02") : text;
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
