package io.moesearch.core.retrieval;

import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.IndexFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionLengthAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SynonymQuery;
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

  /**
   * The BM25 query of {@code text}: one SHOULD clause per distinct analysed term. With synonyms, as
   * Lucene's query parsers weigh them: a one-word synonym of a one-word term joins it in one {@link
   * SynonymQuery} (a product matching either scores as matching one term, with the larger document
   * frequency: no double count, no rare-synonym boost); a multi-word side the query does not spell
   * is a {@link PhraseQuery} of its words; a one-word side replacing several query words is a
   * clause of its own.
   */
  public Query query(String text) {
    if (expansion.synonyms().isEmpty()) {
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
        b.add(termClause(t), BooleanClause.Occur.SHOULD);
      }
      return b.build();
    }
    return withSynonyms(tokens(text));
  }

  private Query termClause(String t) {
    Term term = new Term(IndexFields.ALL_TEXT, t);
    int edits = expansion.editsFor(t);
    return edits == 0
        ? new TermQuery(term)
        : new TypoTolerantTermQuery(term, edits, QueryExpansion.TYPO_MAX_EXPANSIONS);
  }

  /** One token of the analysed stream: its term, position, position length, and origin. */
  private record Token(String term, int position, int length, boolean synonym) {}

  private List<Token> tokens(String text) {
    List<Token> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream(IndexFields.ALL_TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      PositionLengthAttribute len = ts.addAttribute(PositionLengthAttribute.class);
      TypeAttribute type = ts.addAttribute(TypeAttribute.class);
      ts.reset();
      int pos = -1;
      while (ts.incrementToken()) {
        pos += inc.getPositionIncrement();
        out.add(
            new Token(
                term.toString(),
                pos,
                len.getPositionLength(),
                SynonymGraphFilter.TYPE_SYNONYM.equals(type.type())));
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private Query withSynonyms(List<Token> tokens) {
    // The query's own one-word terms by position, to which one-word synonyms attach.
    Map<Integer, List<Token>> ownAt = new HashMap<>();
    for (Token t : tokens) {
      if (!t.synonym()) {
        ownAt.computeIfAbsent(t.position(), k -> new ArrayList<>()).add(t);
      }
    }
    Map<String, Set<String>> alternatives = new LinkedHashMap<>(); // own term -> its synonyms
    List<Token> rest = new ArrayList<>();
    for (Token t : tokens) {
      if (!t.synonym()) {
        alternatives.computeIfAbsent(t.term(), k -> new LinkedHashSet<>());
      }
    }
    for (Token t : tokens) {
      if (!t.synonym()) {
        continue;
      }
      List<Token> own = ownAt.getOrDefault(t.position(), List.of());
      if (t.length() == 1 && own.size() == 1 && own.get(0).length() == 1) {
        alternatives.get(own.get(0).term()).add(t.term());
      } else {
        rest.add(t);
      }
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int n = 0;
    Set<String> searched = new LinkedHashSet<>();
    for (Map.Entry<String, Set<String>> e : alternatives.entrySet()) {
      if (n == MAX_TERMS) {
        break;
      }
      Set<String> terms = new LinkedHashSet<>();
      terms.add(e.getKey());
      terms.addAll(e.getValue());
      terms.removeAll(searched);
      if (terms.isEmpty()) {
        continue;
      }
      searched.addAll(terms);
      n += terms.size();
      if (terms.size() == 1) {
        b.add(termClause(terms.iterator().next()), BooleanClause.Occur.SHOULD);
      } else {
        SynonymQuery.Builder syn = new SynonymQuery.Builder(IndexFields.ALL_TEXT);
        terms.forEach(t -> syn.addTerm(new Term(IndexFields.ALL_TEXT, t)));
        b.add(syn.build(), BooleanClause.Occur.SHOULD);
      }
    }
    // Multi-word sides: runs of synonym tokens at consecutive positions, each a phrase.
    rest.sort(java.util.Comparator.comparingInt(Token::position));
    List<Token> run = new ArrayList<>();
    for (int i = 0; i <= rest.size() && n < MAX_TERMS; i++) {
      Token t = i < rest.size() ? rest.get(i) : null;
      if (t != null && (run.isEmpty() || t.position() == run.get(run.size() - 1).position() + 1)) {
        run.add(t);
        continue;
      }
      if (!run.isEmpty()) {
        n += run.size();
        b.add(phrase(run), BooleanClause.Occur.SHOULD);
        run.clear();
      }
      if (t != null) {
        run.add(t);
      }
    }
    BooleanQuery q = b.build();
    return q.clauses().isEmpty() ? new MatchNoDocsQuery("no terms") : q;
  }

  private static Query phrase(List<Token> run) {
    if (run.size() == 1) {
      return new TermQuery(new Term(IndexFields.ALL_TEXT, run.get(0).term()));
    }
    PhraseQuery.Builder p = new PhraseQuery.Builder();
    int first = run.get(0).position();
    for (Token t : run) {
      p.add(new Term(IndexFields.ALL_TEXT, t.term()), t.position() - first);
    }
    return p.build();
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
