package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.testing.CountingChars;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The near-code check ({@link RankingFeatures#nearCode}) runs for every pair of a query's code and
 * a candidate's code of about the same length ({@code code_near}, for every candidate of every
 * query and every upsert a cache check scores), and must cost what its answer needs: whether two
 * codes are within 1 or 2 edits, not their whole edit distance. A query the codec accepts at the
 * default {@code query.max-chars} (512) holds ~46 distinct codes of 30 characters (runs of three
 * 10-character words), and an upserted product's title ~16 more in its first word
 * ("c0d3...-e5f7...-..."); the full Levenshtein table of each pair (30 × 30 cells, every cell
 * reading both codes) made one such candidate's features cost ~2.7 ms, against ~0.05 ms for an
 * ordinary one: ~0.3 s for the lexical branch's 100 candidates and as much again for the merge's
 * dense top, per query, in each of two operators (measured by an adversarial review). Counted in
 * characters read, not timed.
 */
class NearCodeCostTest {

  private static String code(Random rnd, int len) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < len; i++) {
      b.append(i % 2 == 0 ? (char) ('a' + rnd.nextInt(26)) : (char) ('0' + rnd.nextInt(10)));
    }
    return b.toString();
  }

  /** Most characters deciding "within k edits" may read of two codes of at most n characters. */
  private static long bound(int n, int k) {
    return (long) (2 * k + 2) * (n + 1);
  }

  @Test
  void decidingWhetherTwoLongCodesAreNearReadsABandOfTheirTableNotAllOfIt() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      CountingChars a = new CountingChars(code(rnd, 30));
      CountingChars b = new CountingChars(code(rnd, 30));
      RankingFeatures.withinEdits(a, b, 2);
      assertThat(a.reads() + b.reads()).as("%s / %s", a, b).isLessThanOrEqualTo(bound(30, 2));
    }
  }

  @Test
  void aPairThatAgreesButForItsEndReadsABandToo() {
    // Equal but for three substitutions at the end: no early way out, every row of the band runs.
    String prefix = "a1b2c3d4e5f6g7h8i9j0k1l2m3n";
    CountingChars a = new CountingChars(prefix + "xyz");
    CountingChars b = new CountingChars(prefix + "uvw");
    assertThat(RankingFeatures.withinEdits(a, b, 2)).isFalse();
    assertThat(a.reads() + b.reads()).isLessThanOrEqualTo(bound(30, 2));
    CountingChars c = new CountingChars(prefix + "xyz");
    CountingChars d = new CountingChars(prefix + "xzz");
    assertThat(RankingFeatures.withinEdits(c, d, 2)).isTrue();
    assertThat(c.reads() + d.reads()).isLessThanOrEqualTo(bound(30, 2));
  }

  @Test
  void withinEditsAgreesWithTheEditDistance() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 20_000; trial++) {
      String a = word(rnd);
      String b = rnd.nextInt(4) == 0 ? mutate(rnd, a) : word(rnd);
      int k = rnd.nextInt(4);
      assertThat(RankingFeatures.withinEdits(a, b, k))
          .as("%s / %s within %d", a, b, k)
          .isEqualTo(RankingFeatures.editDistance(a, b) <= k);
    }
  }

  private static String word(Random rnd) {
    int n = rnd.nextInt(13);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + rnd.nextInt(3)));
    }
    return b.toString();
  }

  private static String mutate(Random rnd, String s) {
    StringBuilder b = new StringBuilder(s);
    for (int e = rnd.nextInt(4); e > 0; e--) {
      int op = rnd.nextInt(3);
      if (op == 0 || b.isEmpty()) {
        b.insert(rnd.nextInt(b.length() + 1), (char) ('a' + rnd.nextInt(3)));
      } else if (op == 1) {
        b.deleteCharAt(rnd.nextInt(b.length()));
      } else {
        b.setCharAt(rnd.nextInt(b.length()), (char) ('a' + rnd.nextInt(3)));
      }
    }
    return b.toString();
  }
}
