package io.moesearch.core.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.index.FieldInvertState;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.Version;

/**
 * The BM25 statistics of one immutable index (the artifact's lexical index), lent to the searches
 * of another: the live delta's upserted products are scored as if they were documents of the
 * artifact, so their BM25 scores rank against the artifact's hits on one scale, and do not depend
 * on which or how many other products the delta holds (a small index's own statistics would give a
 * brand shared by a few delta products a low IDF, and a term new to the catalogue the IDF of one
 * document among a few dozen). A term the artifact does not hold counts as held by one document:
 * the IDF it would have in a rebuild that added the product alone. Compaction folds the delta into
 * a new artifact, whose statistics then count it.
 *
 * <p>One home for what a lexical search of the delta scores with and for {@link #termScores}, the
 * score a product will have for any query, which the query cache reads when it is upserted ({@link
 * io.moesearch.core.live.UpsertSignature}): Lucene's {@link BM25Similarity} (the {@link
 * IndexSearcher} default, k1 1.2, b 0.75), {@code idf × freq / (freq + k1 × (1 − b + b × dl /
 * avgdl))} per matched term. Thread-safe (the reader is).
 */
public final class LexicalStatistics {
  /** The similarity every index search here scores with (the {@link IndexSearcher} default). */
  private static final BM25Similarity BM25 = new BM25Similarity();

  private final IndexReader reader;
  private final IndexSearcher searcher;

  /** Per field, its collection statistics (empty: no document has it); the reader is immutable. */
  private final Map<String, Optional<CollectionStatistics>> collections = new ConcurrentHashMap<>();

  /** The statistics of {@code reader} (not owned: closing it is the caller's). */
  public LexicalStatistics(IndexReader reader) {
    if (reader == null) {
      throw new IllegalArgumentException("reader is required");
    }
    if (!(IndexSearcher.getDefaultSimilarity() instanceof BM25Similarity)) {
      throw new IllegalStateException("the default similarity is no longer BM25");
    }
    this.reader = reader;
    this.searcher = new IndexSearcher(reader);
  }

  /**
   * {@code field}'s collection statistics in the lent index, {@code null} when it has no document
   * with the field (the borrowing search then keeps its own).
   */
  public CollectionStatistics collectionStatistics(String field) {
    return collections
        .computeIfAbsent(
            field,
            f -> {
              try {
                return Optional.ofNullable(searcher.collectionStatistics(f));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .orElse(null);
  }

  /** Whether a document of the lent index holds {@code term} (deleted documents count). */
  public boolean holds(Term term) {
    try {
      return reader.docFreq(term) > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code term}'s statistics in the lent index, its document frequency at least 1 (a term the
   * index does not hold counts as one product's).
   */
  public TermStatistics termStatistics(Term term) {
    try {
      long docFreq = Math.max(1, reader.docFreq(term));
      long totalTermFreq = Math.max(docFreq, reader.totalTermFreq(term));
      return new TermStatistics(BytesRef.deepCopyOf(term.bytes()), docFreq, totalTermFreq);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What each term of a document whose {@code field} holds {@code text} (analysed by {@code
   * analyzer}, as the index analyses it) adds to the BM25 score of a query matching it, scored with
   * these statistics: Lucene's {@link BM25Similarity} of the term's frequency in the text and of
   * the document's length norm ({@link BM25Similarity#computeNorm}, as the indexer computes it).
   * The score of a query of distinct unboosted terms ({@link
   * io.moesearch.core.retrieval.Bm25Queries}) is the sum over the terms it shares with the
   * document, up to float rounding. Term → score; {@code null} when the lent index has no such
   * field (a borrowing search then scores with its own statistics, which this cannot know).
   */
  public Map<String, Float> termScores(String field, String text, Analyzer analyzer) {
    Map<String, int[]> freqs = new LinkedHashMap<>();
    int length = 0;
    int overlap = 0;
    int position = -1;
    int maxFreq = 0;
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        length++;
        position += inc.getPositionIncrement();
        if (inc.getPositionIncrement() == 0) {
          overlap++;
        }
        int[] f = freqs.computeIfAbsent(term.toString(), k -> new int[1]);
        maxFreq = Math.max(maxFreq, ++f[0]);
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CollectionStatistics c = collectionStatistics(field);
    if (c == null) {
      return null;
    }
    Map<String, Float> out = new LinkedHashMap<>();
    long norm =
        BM25.computeNorm(
            new FieldInvertState(
                Version.LATEST.major,
                field,
                IndexOptions.DOCS_AND_FREQS_AND_POSITIONS,
                position,
                length,
                overlap,
                0,
                maxFreq,
                freqs.size()));
    for (var e : freqs.entrySet()) {
      out.put(
          e.getKey(),
          BM25.scorer(1f, c, termStatistics(new Term(field, e.getKey())))
              .score(e.getValue()[0], norm));
    }
    return out;
  }

  /** A searcher of {@code borrower} that scores with these statistics. */
  IndexSearcher searcherOf(IndexReader borrower) {
    return new IndexSearcher(borrower) {
      @Override
      public CollectionStatistics collectionStatistics(String field) throws IOException {
        CollectionStatistics lent = LexicalStatistics.this.collectionStatistics(field);
        return lent != null ? lent : super.collectionStatistics(field);
      }

      @Override
      public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq)
          throws IOException {
        return LexicalStatistics.this.collectionStatistics(term.field()) != null
            ? LexicalStatistics.this.termStatistics(term)
            : super.termStatistics(term, docFreq, totalTermFreq);
      }
    };
  }
}
