package io.moesearch.tools.demo;

import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.catalog.Catalog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded vocabulary of distinct shopper-like queries made from catalogue titles: a run of one to
 * three consecutive title words, half the time followed by one or two words of another title
 * ("epson stylus", "toner cartridge hp 85a"). Distinct after normalisation. Rank 0 is meant to be
 * the most popular when the vocabulary is replayed with Zipf frequencies.
 */
public final class QueryVocabulary {
  private QueryVocabulary() {}

  /**
   * @param size number of distinct queries, at least 1
   */
  public static List<String> build(Catalog catalog, int size, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("vocabulary size must be >= 1, got " + size);
    }
    String[][] titles = new String[catalog.size()][];
    for (int i = 0; i < titles.length; i++) {
      titles[i] = catalog.get(i).title().strip().split("\\s+");
    }
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> seen = new HashSet<>(size * 2);
    List<String> out = new ArrayList<>(size);
    long attempts = 0;
    while (out.size() < size) {
      if (++attempts > 50L * size + 1000) {
        throw new IllegalStateException(
            "cannot make " + size + " distinct queries from this catalogue");
      }
      StringBuilder q = new StringBuilder(span(titles[random.nextInt(titles.length)], 3, random));
      if (random.nextBoolean()) {
        q.append(' ').append(span(titles[random.nextInt(titles.length)], 2, random));
      }
      String text = q.toString().strip();
      if (!text.isEmpty() && seen.add(QueryNormalizer.normalize(text))) {
        out.add(text);
      }
    }
    return out;
  }

  private static String span(String[] words, int maxLength, SplittableRandom random) {
    int len = 1 + random.nextInt(Math.min(maxLength, words.length));
    int from = random.nextInt(words.length - len + 1);
    return String.join(" ", Arrays.copyOfRange(words, from, from + len));
  }
}
