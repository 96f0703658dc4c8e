package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.retrieval.Bm25Queries;
import org.junit.jupiter.api.Test;

/**
 * The model codes the ranking features read from one query are bounded, as the BM25 query's terms
 * are ({@link Bm25Queries#MAX_TERMS}): every candidate of the query (the lexical branch's {@code
 * ranking.lexical-depth}, the merge's dense top, every upsert a cache check scores) is compared
 * with each of the query's codes, code runs and word codes, so a query's features cost their number
 * times its number of candidates. A text the codec accepts ({@code query.max-chars} may be raised
 * to 10,000) of short distinct codes ("a0a b1a c2a ...") held 7,497 codes and as many runs: its
 * features for 200 ordinary candidates took 559 ms, against 6 ms for an ordinary query (measured by
 * an adversarial review, 2026-12-04).
 */
class QueryCodeBoundsTest {
  private static final int MAX_QUERY_CHARS = 10_000;

  /** Distinct three-character codes, letter digit letter, separated by spaces: {@code n} chars. */
  private static String distinctCodes(int n) {
    StringBuilder w = new StringBuilder();
    for (int i = 0; w.length() < n; i++) {
      w.append((char) ('a' + i % 26))
          .append(i % 10)
          .append((char) ('a' + (i / 26) % 26))
          .append(' ');
    }
    return w.substring(0, n).trim();
  }

  @Test
  void theCodesAndRunsEveryCandidateIsComparedWithAreBounded() {
    RankingFeatures features = new RankingFeatures(Analyzers.allText());
    RankingFeatures.QueryTerms q = features.query(distinctCodes(MAX_QUERY_CHARS));
    features.of(
        q, new Product("p", "hp cf259a toner black", "HP", "", "", null, null), 0.5, 0.5, 0, 0);
    assertThat(q.codes).as("query codes").hasSizeLessThanOrEqualTo(Bm25Queries.MAX_TERMS);
    assertThat(q.runs).as("query runs").hasSizeLessThanOrEqualTo(Bm25Queries.MAX_TERMS);
    assertThat(q.codeRuns).as("query code runs").hasSizeLessThanOrEqualTo(Bm25Queries.MAX_TERMS);
    assertThat(q.wordCodes).as("query word codes").hasSizeLessThanOrEqualTo(Bm25Queries.MAX_TERMS);
    assertThat(q.otherWords).as("query words").hasSizeLessThanOrEqualTo(Bm25Queries.MAX_TERMS);
  }

  @Test
  void aQuerysCodesAreReadFromItsFirstCharactersAsATitles() {
    String text = "hp cf259a toner " + "x".repeat(RankingFeatures.MAX_TITLE_CHARS) + " q7553a";
    RankingFeatures.QueryTerms q = new RankingFeatures(Analyzers.allText()).query(text);
    assertThat(q.codes).contains("cf259a").doesNotContain("q7553a");
  }
}
