package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.index.Analyzers;
import io.moesearch.core.retrieval.Bm25Queries;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The quantities the ranking features read from one query are bounded, as its codes are ({@link
 * QueryCodeBoundsTest}): every candidate of the query whose title names a length, weight or volume
 * in another unit converts each of the query's values of that dimension ({@code
 * quantity_conflict}), so a query's features cost their number times its candidates. A text the
 * codec accepts ({@code query.max-chars} may be raised to 10,000) of distinct quantities ("1mm 2mm
 * 3mm ...") held 1,585 of them: its features for 200 candidates titled "... 39.6 cm (15.6") 2 kg
 * 250 ml" took 100 ms, against 1.4 ms for "wireless mouse" (x73; 14 ms, x10, at the default 512
 * characters). Measured in an adversarial review (attack63b).
 */
class QueryQuantityBoundsTest {
  private static final int MAX_QUERY_CHARS = 10_000;

  private static String distinctQuantities(int n, String unit) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; b.length() < n; i++) {
      b.append(i).append(unit).append(' ');
    }
    return b.substring(0, n).trim();
  }

  private static int values(RankingFeatures.QueryTerms q) {
    return q.quantities.values().stream().mapToInt(Set::size).sum();
  }

  @Test
  void theQuantitiesEveryCandidateIsComparedWithAreBounded() {
    RankingFeatures.QueryTerms q =
        new RankingFeatures(Analyzers.allText()).query(distinctQuantities(MAX_QUERY_CHARS, "mm"));
    // At most what the first MAX_TITLE_CHARS characters can hold, as for the codes.
    assertThat(values(q)).as("query quantities").isLessThanOrEqualTo(Bm25Queries.MAX_TERMS / 4);
  }

  @Test
  void aQuerysQuantitiesAreReadFromItsFirstCharactersAsATitles() {
    String text = "usb cable 2m " + "x".repeat(RankingFeatures.MAX_TITLE_CHARS) + " 5kg";
    RankingFeatures.QueryTerms q = new RankingFeatures(Analyzers.allText()).query(text);
    assertThat(q.quantities).containsKey("m").doesNotContainKey("kg");
  }

  @Test
  void theQuantitiesOfAShortQueryAfterItsCompatibilityMarkerAreStillRead() {
    RankingFeatures.QueryTerms q =
        new RankingFeatures(Analyzers.allText()).query("charger for laptop 65w");
    assertThat(q.quantities).containsEntry("w", Set.of("65"));
  }
}
