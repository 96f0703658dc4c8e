package io.moesearch.core.retrieval;

import io.moesearch.core.index.IndexFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Builds BM25 queries over the product text fields with field boosts (title and model weigh most),
 * analysed like the index. Thread-safe.
 */
public final class Bm25Queries {
  private static final String[] FIELDS = {
    IndexFields.TITLE, IndexFields.BRAND, IndexFields.MODEL, IndexFields.DESCRIPTION
  };
  private static final float[] BOOSTS = {2.0f, 1.5f, 1.5f, 1.0f};

  private final Analyzer analyzer = new StandardAnalyzer();

  public Query query(String text) {
    Set<String> terms = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream(IndexFields.TITLE, text)) {
      CharTermAttribute att = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        terms.add(att.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (terms.isEmpty()) {
      return new MatchNoDocsQuery("no terms");
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : terms) {
      BooleanQuery.Builder perTerm = new BooleanQuery.Builder();
      for (int f = 0; f < FIELDS.length; f++) {
        perTerm.add(
            new BoostQuery(new TermQuery(new Term(FIELDS[f], t)), BOOSTS[f]),
            BooleanClause.Occur.SHOULD);
      }
      b.add(perTerm.build(), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }
}
