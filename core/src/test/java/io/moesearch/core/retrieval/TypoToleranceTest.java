package io.moesearch.core.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.IndexFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/**
 * Optional typo tolerance of the BM25 branch (issue #17 item 3: "optional typo tolerance for longer
 * words"): longer words match one edit away, model codes and quantities never do.
 */
class TypoToleranceTest {
  private static final String[] TITLES = {
    "Logitech wireless keyboard black",
    "Hoover DXOC67C3 washing machine",
    "Hoover DXOC47C3 washing machine",
    "Kingston 256gb memory card",
    "Kingston 128gb memory card",
    "Sony headphones",
    "Logitech mouse",
    "Moose plush toy",
  };

  /** The titles of the products the BM25 query of {@code text} finds, best first. */
  private static List<String> search(QueryExpansion expansion, String text) throws Exception {
    try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing()))) {
        for (String t : TITLES) {
          Document d = new Document();
          d.add(new StringField("title", t, Field.Store.YES));
          d.add(new TextField(IndexFields.ALL_TEXT, t, Field.Store.NO));
          w.addDocument(d);
        }
      }
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        IndexSearcher s = new IndexSearcher(r);
        Query q = new Bm25Queries(expansion).query(text, t -> docFreq(r, t) > 0);
        List<String> out = new ArrayList<>();
        for (ScoreDoc sd : s.search(q, 10).scoreDocs) {
          out.add(s.storedFields().document(sd.doc).get("title"));
        }
        return out;
      }
    }
  }

  private static int docFreq(DirectoryReader r, String term) {
    try {
      return r.docFreq(new Term(IndexFields.ALL_TEXT, term));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final QueryExpansion TYPOS = new QueryExpansion(Synonyms.NONE, 5);

  @Test
  void aMisspelledLongerWordFindsTheWordOnlyWhenOn() throws Exception {
    assertThat(search(QueryExpansion.NONE, "keybaord")).isEmpty();
    assertThat(search(TYPOS, "keybaord")).containsExactly("Logitech wireless keyboard black");
    assertThat(search(TYPOS, "wirelss keyboard")).first().isEqualTo(TITLES[0]);
    assertThat(search(TYPOS, "headphnes")).containsExactly("Sony headphones");
  }

  @Test
  void twoEditsOnlyFromTwiceTheMinimumLength() {
    assertThat(TYPOS.editsFor("keyboard")).isEqualTo(1);
    assertThat(TYPOS.editsFor("headphone")).isEqualTo(1);
    assertThat(TYPOS.editsFor("headphones")).isEqualTo(2);
    assertThat(TYPOS.editsFor("sony")).isZero();
    assertThat(QueryExpansion.NONE.editsFor("keyboard")).isZero();
  }

  @Test
  void modelCodesAndQuantitiesAreNeverTypoTolerant() throws Exception {
    assertThat(TYPOS.editsFor("dxoc67c3")).isZero();
    assertThat(search(TYPOS, "DXOC67C3")).first().isEqualTo("Hoover DXOC67C3 washing machine");
    // Typo tolerance adds nothing: the near code's and quantity's matches are plain BM25's (parts).
    assertThat(search(TYPOS, "dxoc67c3")).isEqualTo(search(QueryExpansion.NONE, "dxoc67c3"));
    assertThat(search(TYPOS, "256gb")).isEqualTo(search(QueryExpansion.NONE, "256gb"));
    assertThat(search(TYPOS, "dxoc67c3").get(0)).isEqualTo("Hoover DXOC67C3 washing machine");
  }

  @Test
  void aWordTheIndexKnowsIsSearchedExactly() throws Exception {
    // "moose" is one edit from "mouse", but the index holds it: no near match.
    assertThat(search(TYPOS, "moose")).containsExactly("Moose plush toy");
    assertThat(search(TYPOS, "mouse")).containsExactly("Logitech mouse");
    assertThat(search(TYPOS, "mousr")).containsExactly("Logitech mouse");
    assertThat(search(TYPOS, "keyboard")).containsExactly(TITLES[0]);
    for (String q : new String[] {"memory card", "washing machine", "wireless keyboard"}) {
      assertThat(search(TYPOS, q)).as(q).isEqualTo(search(QueryExpansion.NONE, q));
    }
  }

  @Test
  void aQueryIsInexactExactlyWhenATermIsTypoTolerant() {
    Bm25Queries bm25 = new Bm25Queries(TYPOS);
    assertThat(bm25.inexact("usb hub")).isFalse();
    assertThat(bm25.inexact("DXOC67C3 256gb")).isFalse();
    assertThat(bm25.inexact("usb keyboard")).isTrue();
    assertThat(new Bm25Queries().inexact("usb keyboard")).isFalse();
  }

  @Test
  void aMinimumBelowFourIsRefused() {
    assertThatThrownBy(() -> new QueryExpansion(Synonyms.NONE, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ranking.typo-min-chars");
  }

  @Test
  void aMinimumNoTypoTolerantWordReachesIsRefused() {
    int longest = QueryExpansion.MAX_TYPO_TERM_CHARS;
    assertThat(new QueryExpansion(Synonyms.NONE, longest).editsFor("a".repeat(longest)))
        .isEqualTo(1);
    assertThatThrownBy(() -> new QueryExpansion(Synonyms.NONE, longest + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ranking.typo-min-chars")
        .hasMessageContaining("4.." + longest);
  }

  /**
   * Without a vocabulary every term is searched exactly; the fuzzy terms of one query are capped.
   */
  @Test
  void withoutAVocabularyNothingIsFuzzyAndAQueryFuzzesAtMostEightTerms() {
    assertThat(new Bm25Queries(TYPOS).query("keybaord"))
        .isEqualTo(new Bm25Queries().query("keybaord"));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      many.append("qwert").append((char) ('a' + i % 26)).append((char) ('a' + i / 26)).append(' ');
    }
    BooleanQuery q = (BooleanQuery) new Bm25Queries(TYPOS).query(many.toString(), t -> false);
    assertThat(q.clauses()).hasSize(40);
    assertThat(q.clauses().stream().filter(c -> c.query() instanceof FuzzyQuery).count())
        .isEqualTo(Bm25Queries.MAX_TYPO_TERMS);
    assertThat(TYPOS.editsFor("a".repeat(QueryExpansion.MAX_TYPO_TERM_CHARS + 1))).isZero();
  }
}
