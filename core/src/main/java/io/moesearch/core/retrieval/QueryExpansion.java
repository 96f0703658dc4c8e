package io.moesearch.core.retrieval;

import java.io.Serializable;

/**
 * How the BM25 branch widens a query beyond its own analysed terms ({@link Bm25Queries}):
 * query-time synonyms, and typo tolerance for longer words. Both are off in {@link #NONE}, the
 * default.
 *
 * <p>Typo tolerance: a searched term of {@code typoMinChars} to {@value #MAX_TYPO_TERM_CHARS}
 * characters, all letters, that the artifact's lexical index does not hold matches indexed terms
 * within one edit instead, two from {@code 2 × typoMinChars} characters ({@link
 * Bm25Queries#query(String, java.util.function.Predicate)}: Lucene's {@link
 * org.apache.lucene.search.FuzzyQuery}, a transposition one edit, the first letter fixed, at most
 * {@link #TYPO_MAX_EXPANSIONS} indexed terms, scored by Lucene's blended-frequency rewrite as
 * Elasticsearch's fuzzy match is; at most {@link Bm25Queries#MAX_TYPO_TERMS} such terms a query). A
 * word the catalogue uses is searched exactly, so correctly spelled queries rank as without it. A
 * term with a digit never matches a near one: a model code one edit from the query's names another
 * product (DXOC47C3 for DXOC67C3), as a quantity does.
 *
 * @param synonyms the rules ({@link Synonyms#NONE}: none)
 * @param typoMinChars 0 (off) or {@value #MIN_TYPO_CHARS}..{@value #MAX_TYPO_TERM_CHARS} (a longer
 *     minimum would leave no term typo-tolerant)
 */
public record QueryExpansion(Synonyms synonyms, int typoMinChars) implements Serializable {
  /** Neither synonyms nor typo tolerance: a query searches its own terms. */
  public static final QueryExpansion NONE = new QueryExpansion(Synonyms.NONE, 0);

  /** Shortest words made typo-tolerant when on: one edit in a shorter word is another word. */
  public static final int MIN_TYPO_CHARS = 4;

  /** Longest typo-tolerant term: a longer "word" is no shopper's misspelling. */
  public static final int MAX_TYPO_TERM_CHARS = 32;

  /** Most indexed terms one typo-tolerant query term expands to. */
  public static final int TYPO_MAX_EXPANSIONS = 50;

  public QueryExpansion {
    if (synonyms == null) {
      throw new IllegalArgumentException("synonyms are required (Synonyms.NONE for none)");
    }
    if (typoMinChars != 0
        && (typoMinChars < MIN_TYPO_CHARS || typoMinChars > MAX_TYPO_TERM_CHARS)) {
      throw new IllegalArgumentException(
          "ranking.typo-min-chars must be 0 (off) or in "
              + MIN_TYPO_CHARS
              + ".."
              + MAX_TYPO_TERM_CHARS
              + ", got "
              + typoMinChars);
    }
  }

  /** Synonyms only. */
  public static QueryExpansion of(Synonyms synonyms) {
    return new QueryExpansion(synonyms, 0);
  }

  /**
   * The edits a searched term tolerates: 0 when typo tolerance is off, the term is shorter than
   * {@code typoMinChars}, longer than {@value #MAX_TYPO_TERM_CHARS} or holds anything but letters;
   * 1; 2 from twice {@code typoMinChars}.
   */
  public int editsFor(String term) {
    if (typoMinChars == 0 || term.length() < typoMinChars || term.length() > MAX_TYPO_TERM_CHARS) {
      return 0;
    }
    for (int i = 0; i < term.length(); i++) {
      if (!Character.isLetter(term.charAt(i))) {
        return 0;
      }
    }
    return term.length() >= 2 * typoMinChars ? 2 : 1;
  }
}
