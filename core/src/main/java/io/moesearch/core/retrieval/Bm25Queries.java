package io.moesearch.core.retrieval;

import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.IndexFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Builds BM25 queries: the query text analysed like the index ({@link Analyzers#allText()}: units,
 * model codes across separators, light stemming) against the combined product text field; every
 * distinct analysed term is a SHOULD clause (any term may match, BM25 sums the matches). A model
 * code typed as {@code dxoc-67c3} thus matches its catenation {@code dxoc67c3} with that term's
 * high IDF, and its parts with theirs. One field beat per-field boosts on the judged queries
 * (nDCG@10 0.747 against 0.685 for title×2, brand×1.5, model×1.5, description as a disjunction,
 * with the earlier English analyzer). With a {@link QueryExpansion}, the terms a matched synonym
 * rule adds are clauses too ({@link #terms(String)}), and a typo-tolerant term's clause matches its
 * near spellings where the index does not know it ({@link TypoTolerantTermQuery}). Thread-safe.
 */
public final class Bm25Queries {
  /**
   * Most distinct terms a query searches (its first ones): a query text may be long ({@code
   * query.max-chars}), and a query of more clauses than Lucene's limit (1,024 in all, the filter's
   * included) throws when searched. No real query comes near it.
   */
  public static final int MAX_TERMS = 512;

  private final Analyzer analyzer;
  private final QueryExpansion expansion;

  /** Queries of their own terms only. */
  public Bm25Queries() {
    this(QueryExpansion.NONE);
  }

  /** Queries widened by {@code expansion}: synonyms added, typo-tolerant clauses. */
  public Bm25Queries(QueryExpansion expansion) {
    if (expansion == null) {
      throw new IllegalArgumentException("expansion is required (QueryExpansion.NONE for none)");
    }
    this.expansion = expansion;
    this.analyzer = Analyzers.allTextQuery(expansion.synonyms().map());
  }

  /**
   * The distinct terms the BM25 query of {@code text} searches, in stream order: the text's
   * analysed terms and their synonyms (at most {@link #MAX_TERMS} are searched).
   */
  public Set<String> terms(String text) {
    return terms(analyzer, text);
  }

  /**
   * Whether the query of {@code text} also matches terms other than {@link #terms(String)}: one of
   * them is typo-tolerant ({@link QueryExpansion#editsFor}).
   */
  public boolean inexact(String text) {
    if (expansion.typoMinChars() == 0) {
      return false;
    }
    int n = 0;
    for (String t : terms(text)) {
      if (n++ == MAX_TERMS) {
        break;
      }
      if (expansion.editsFor(t) > 0) {
        return true;
      }
    }
    return false;
  }

  public Query query(String text) {
    Set<String> terms = terms(text);
    if (terms.isEmpty()) {
      return new MatchNoDocsQuery("no terms");
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int n = 0;
    for (String t : terms) {
      if (n++ == MAX_TERMS) {
        break;
      }
      Term term = new Term(IndexFields.ALL_TEXT, t);
      int edits = expansion.editsFor(t);
      b.add(
          edits == 0
              ? new TermQuery(term)
              : new TypoTolerantTermQuery(term, edits, QueryExpansion.TYPO_MAX_EXPANSIONS),
          BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  /** The distinct terms {@code analyzer} makes of {@code text}, in stream order. */
  public static Set<String> terms(Analyzer analyzer, String text) {
    Set<String> out = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream(IndexFields.ALL_TEXT, text)) {
      CharTermAttribute att = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(att.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
