package io.moesearch.core.retrieval;

import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.IndexFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
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
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
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
 * with the earlier English analyzer). A {@link QueryExpansion} adds synonyms and typo tolerance
 * ({@link #query(String, Predicate)}). Thread-safe.
 */
public final class Bm25Queries {
  /**
   * Most distinct terms a query searches (its first ones): a query text may be long ({@code
   * query.max-chars}), and a query of more clauses than Lucene's limit (1,024 in all, the filter's
   * included) throws when searched. No real query comes near it.
   */
  public static final int MAX_TERMS = 512;

  /**
   * Most typo-tolerant terms one query searches: each may rewrite to {@link
   * QueryExpansion#TYPO_MAX_EXPANSIONS} indexed terms, and the rewritten query must stay within
   * Lucene's 1,024 clauses ({@value #MAX_TERMS} + 8 × 50 = 912, and a filter's few).
   */
  public static final int MAX_TYPO_TERMS = 8;

  private final Analyzer analyzer;
  private final QueryExpansion expansion;

  /** Queries of their own terms only. */
  public Bm25Queries() {
    this(QueryExpansion.NONE);
  }

  /** Queries widened by {@code expansion}: synonyms added, typo-tolerant terms. */
  public Bm25Queries(QueryExpansion expansion) {
    if (expansion == null) {
      throw new IllegalArgumentException("expansion is required (QueryExpansion.NONE for none)");
    }
    this.expansion = expansion;
    this.analyzer = Analyzers.allTextQuery(expansion.synonyms().map());
  }

  /**
   * The distinct terms the BM25 query of {@code text} may search, in stream order: the text's
   * analysed terms and their synonyms (at most {@link #MAX_TERMS} are searched).
   */
  public Set<String> terms(String text) {
    return terms(analyzer, text);
  }

  /**
   * Whether the query of {@code text} may match terms other than {@link #terms(String)}: one of
   * them is long enough to be typo-tolerant ({@link QueryExpansion#editsFor}), whichever index it
   * searches (so it errs towards true).
   */
  public boolean inexact(String text) {
    return expansion.typoMinChars() != 0 && inexact(terms(text));
  }

  /** {@link #inexact(String)} of a text whose {@link #terms(String)} are {@code terms}. */
  public boolean inexact(Set<String> terms) {
    if (expansion.typoMinChars() == 0) {
      return false;
    }
    for (String t : terms) {
      if (expansion.editsFor(t) > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * The BM25 query of {@code text} with every term searched exactly (no vocabulary to tell a
   * misspelling by, so no typo tolerance).
   */
  public Query query(String text) {
    return query(text, term -> true);
  }

  /**
   * The BM25 query of {@code text} for an index whose vocabulary is {@code indexed}: one SHOULD
   * clause per distinct analysed term, each term in one clause only, at most {@link #MAX_TERMS}.
   *
   * <ul>
   *   <li>Typo tolerance: a term {@link QueryExpansion#editsFor} allows edits that {@code indexed}
   *       does not hold matches its near spellings instead ({@link FuzzyQuery}; the first {@value
   *       #MAX_TYPO_TERMS} such terms). Decided once, against the artifact's vocabulary: the same
   *       query then searches the artifact and its live delta, and a correctly spelled query ranks
   *       as without typo tolerance.
   *   <li>Synonyms, as Lucene's query parsers weigh one-word synonyms: a one-word synonym of a
   *       one-word term joins it in one {@link SynonymQuery} (a product matching either scores as
   *       matching one term, with the larger document frequency: no double count, no rare-synonym
   *       boost). The words of a multi-word side, and a one-word side standing for several query
   *       words, are term clauses of their own unless already searched (not phrases).
   * </ul>
   *
   * A product's score is then at most the sum of its matching terms' own BM25 scores, the bound the
   * query cache's coherence check uses.
   */
  public Query query(String text, Predicate<String> indexed) {
    Clauses c = new Clauses(indexed);
    if (expansion.synonyms().isEmpty()) {
      for (String t : terms(text)) {
        if (!c.add(t)) {
          break;
        }
      }
    } else {
      withSynonyms(tokens(text), c);
    }
    BooleanQuery q = c.builder.build();
    return q.clauses().isEmpty() ? new MatchNoDocsQuery("no terms") : q;
  }

  /** The clauses of one query: at most {@link #MAX_TERMS} terms, each in one clause. */
  private final class Clauses {
    final BooleanQuery.Builder builder = new BooleanQuery.Builder();
    final Predicate<String> indexed;
    final Set<String> searched = new HashSet<>();
    int fuzzy;

    Clauses(Predicate<String> indexed) {
      this.indexed = indexed;
    }

    /** Adds one clause of the {@code terms} not yet searched; false once the budget is spent. */
    boolean add(Set<String> terms) {
      Set<String> fresh = new LinkedHashSet<>(terms);
      fresh.removeAll(searched);
      if (fresh.size() <= 1) {
        return fresh.isEmpty() || add(fresh.iterator().next());
      }
      if (searched.size() + fresh.size() > MAX_TERMS) {
        return false;
      }
      searched.addAll(fresh);
      SynonymQuery.Builder syn = new SynonymQuery.Builder(IndexFields.ALL_TEXT);
      fresh.forEach(t -> syn.addTerm(new Term(IndexFields.ALL_TEXT, t)));
      builder.add(syn.build(), BooleanClause.Occur.SHOULD);
      return true;
    }

    /** Adds a clause of term {@code t} unless searched; false once the budget is spent. */
    boolean add(String t) {
      if (searched.contains(t)) {
        return true;
      }
      if (searched.size() == MAX_TERMS) {
        return false;
      }
      searched.add(t);
      Term term = new Term(IndexFields.ALL_TEXT, t);
      int edits = expansion.editsFor(t);
      if (edits > 0 && fuzzy < MAX_TYPO_TERMS && !indexed.test(t)) {
        fuzzy++;
        builder.add(
            new FuzzyQuery(term, edits, 1, QueryExpansion.TYPO_MAX_EXPANSIONS, true),
            BooleanClause.Occur.SHOULD);
      } else {
        builder.add(new TermQuery(term), BooleanClause.Occur.SHOULD);
      }
      return true;
    }
  }

  /** One token of the analysed stream: its term, position, position length, and origin. */
  private record Token(String term, int position, int length, boolean synonym) {}

  private List<Token> tokens(String text) {
    return tokens(analyzer, text);
  }

  private static List<Token> tokens(Analyzer analyzer, String text) {
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

  private static void withSynonyms(List<Token> tokens, Clauses clauses) {
    // The query's own one-word terms by position, to which one-word synonyms attach.
    Map<Integer, List<Token>> ownAt = new HashMap<>();
    Map<String, Set<String>> alternatives = new LinkedHashMap<>(); // own term -> it and synonyms
    for (Token t : tokens) {
      if (!t.synonym()) {
        ownAt.computeIfAbsent(t.position(), k -> new ArrayList<>()).add(t);
        alternatives.computeIfAbsent(t.term(), k -> new LinkedHashSet<>(List.of(t.term())));
      }
    }
    List<String> rest = new ArrayList<>();
    for (Token t : tokens) {
      if (!t.synonym()) {
        continue;
      }
      List<Token> own = ownAt.getOrDefault(t.position(), List.of());
      if (t.length() == 1 && own.size() == 1 && own.get(0).length() == 1) {
        alternatives.get(own.get(0).term()).add(t.term());
      } else {
        rest.add(t.term());
      }
    }
    for (Set<String> group : alternatives.values()) {
      if (!clauses.add(group)) {
        return;
      }
    }
    for (String t : rest) {
      if (!clauses.add(t)) {
        return;
      }
    }
  }

  /** Joins the two terms of a bigram ({@link #bigrams}); no analysed term holds it. */
  public static final char BIGRAM_JOIN = '\u0001';

  /**
   * The distinct ordered bigrams {@code analyzer} makes of {@code text}: each pair of terms where
   * the second starts at the position the first ends at (a catenated code part such as "hispeed" of
   * "Hi-Speed" spans two positions and pairs with the term after both parts), joined by {@link
   * #BIGRAM_JOIN}. A removed stop word leaves a gap, so no pair spans it. The ordered-window
   * dependence of Metzler and Croft's sequential dependence model (SIGIR 2005), window 1.
   */
  public static Set<String> bigrams(Analyzer analyzer, String text) {
    List<Token> tokens = tokens(analyzer, text);
    Map<Integer, List<String>> startingAt = new HashMap<>();
    for (Token t : tokens) {
      startingAt.computeIfAbsent(t.position(), p -> new ArrayList<>()).add(t.term());
    }
    Set<String> out = new LinkedHashSet<>();
    for (Token t : tokens) {
      int end = t.position() + Math.max(1, t.length());
      for (String next : startingAt.getOrDefault(end, List.of())) {
        out.add(t.term() + BIGRAM_JOIN + next);
      }
    }
    return out;
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
