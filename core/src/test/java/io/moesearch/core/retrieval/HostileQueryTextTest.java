package io.moesearch.core.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.ProductDocuments;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Query texts as a hostile client sends them make a BM25 query that searches without an exception
 * (an exception there fails the retrieval task): any number of distinct words (a text may have up
 * to {@code query.max-chars} characters), only stop words or punctuation, query syntax, emoji.
 */
class HostileQueryTextTest {
  private static DirectoryReader reader;
  private static ExpertIndex index;

  @BeforeAll
  static void index() throws Exception {
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing()))) {
      w.addDocument(
          ProductDocuments.toDocument(
              0, new Product("1", "usb cable", "Anker", "", "", 5.0, null), null));
    }
    reader = DirectoryReader.open(dir);
    index = ExpertIndex.over(reader);
  }

  @AfterAll
  static void close() throws Exception {
    reader.close();
  }

  /** {@code n} distinct letter-only words ("baa", "caa", ...). */
  private static String distinctWords(int n) {
    StringBuilder b = new StringBuilder("cable");
    for (int i = 0; i < n; i++) {
      b.append(' ');
      for (int v = i + 26 * 26; v > 0; v /= 26) {
        b.append((char) ('a' + v % 26));
      }
    }
    return b.toString();
  }

  @Test
  void aTextOfMoreDistinctWordsThanLuceneClausesSearches() {
    String text = distinctWords(3 * IndexSearcher.getMaxClauseCount());
    Query q = new Bm25Queries().query(text);
    assertThat(((BooleanQuery) q).clauses()).hasSizeLessThanOrEqualTo(Bm25Queries.MAX_TERMS);
    assertThat(index.search(q, 10)).extracting(Candidate::productId).containsExactly("1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "the of and",
        "*",
        "\"",
        "\\",
        "***",
        "-",
        "?:()[]{}",
        "AND OR NOT",
        "\ud83d\ude00\ud83d\ude00",
        "e\u0301\u0301\u0301\u0301",
        "\u0000\u0001",
        "'''''",
        "...",
        "cable*"
      })
  void oddTextsSearchWithoutFailing(String text) {
    assertThat(index.search(new Bm25Queries().query(text), 10)).isNotNull();
  }
}
