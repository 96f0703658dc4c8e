package io.moesearch.core.retrieval;

import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.TermQuery;

/**
 * A term that matches its near spellings only where the index does not know it: rewritten against
 * the searched index to a {@link TermQuery} when any document holds the term, else to a {@link
 * FuzzyQuery} of {@code maxEdits} (first letter fixed, at most {@code maxExpansions} indexed terms,
 * Lucene's blended-frequency scoring). A correctly spelled word thus ranks exactly as without typo
 * tolerance; only a word the catalogue never uses ("keybaord") is corrected.
 */
final class TypoTolerantTermQuery extends Query {
  private final Term term;
  private final int maxEdits;
  private final int maxExpansions;

  TypoTolerantTermQuery(Term term, int maxEdits, int maxExpansions) {
    if (term == null) {
      throw new IllegalArgumentException("term is required");
    }
    if (maxEdits < 1 || maxEdits > 2) {
      throw new IllegalArgumentException("maxEdits must be 1 or 2, got " + maxEdits);
    }
    if (maxExpansions < 1) {
      throw new IllegalArgumentException("maxExpansions must be >= 1, got " + maxExpansions);
    }
    this.term = term;
    this.maxEdits = maxEdits;
    this.maxExpansions = maxExpansions;
  }

  @Override
  public Query rewrite(IndexSearcher searcher) throws IOException {
    if (searcher.getIndexReader().docFreq(term) > 0) {
      return new TermQuery(term);
    }
    return new FuzzyQuery(term, maxEdits, 1, maxExpansions, true);
  }

  @Override
  public void visit(QueryVisitor visitor) {
    if (visitor.acceptField(term.field())) {
      visitor.consumeTerms(this, term);
    }
  }

  @Override
  public String toString(String field) {
    return (term.field().equals(field) ? "" : term.field() + ":") + term.text() + "~" + maxEdits;
  }

  @Override
  public boolean equals(Object o) {
    return sameClassAs(o)
        && term.equals(((TypoTolerantTermQuery) o).term)
        && maxEdits == ((TypoTolerantTermQuery) o).maxEdits
        && maxExpansions == ((TypoTolerantTermQuery) o).maxExpansions;
  }

  @Override
  public int hashCode() {
    return classHash() ^ Objects.hash(term, maxEdits, maxExpansions);
  }
}
