package io.moesearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.retrieval.Bm25Queries;
import io.moesearch.core.synth.BruteForce;
import io.moesearch.core.synth.SyntheticCatalog;
import io.moesearch.core.util.Vectors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexWritingTest {

  @Test
  void vectorOnlyIndexesAnswerWithOrdinalsAndDistinctIds(@TempDir Path dir) throws Exception {
    float[][] data = new SyntheticCatalog(SyntheticCatalog.Spec.defaults(600, 3)).generate();
    // every other product: the index holds a subset, as an expert does
    int[] members = IntStream.range(0, 300).map(i -> 2 * i).toArray();
    IndexWriting.writeVectors(dir, data, members, VectorEncoding.FLOAT32, 16, 100);
    float[][] subset = new float[members.length][];
    for (int i = 0; i < members.length; i++) {
      subset[i] = data[members[i]];
    }
    try (ExpertIndex index = ExpertIndex.open(dir)) {
      assertThat(index.size()).isEqualTo(300);
      float[] query = data[41];
      List<Candidate> hits = index.knn(query, 50, 5, null);
      int[] exact = BruteForce.topK(subset, new float[][] {query}, 5)[0];
      assertThat(hits)
          .extracting(Candidate::ordinal)
          .containsExactly(
              Arrays.stream(exact).map(i -> members[i]).boxed().toArray(Integer[]::new));
      assertThat(hits)
          .allSatisfy(c -> assertThat(c.productId()).isEqualTo(Integer.toString(c.ordinal())));
    }
  }

  /**
   * Asked for at least as many candidates as the index holds (an expert of a few hundred products
   * asked for top_k × oversample), the search scores every document exactly: the answer is the
   * brute-force top k of the live documents the filter passes.
   */
  @Test
  void askedForEveryDocumentTheSearchIsExactAndHonoursTheFilter(@TempDir Path dir)
      throws Exception {
    float[][] data = new SyntheticCatalog(SyntheticCatalog.Spec.defaults(400, 5)).generate();
    int[] members = IntStream.range(0, 150).map(i -> 2 * i + 1).toArray();
    IndexWriting.writeVectors(dir, data, members, VectorEncoding.FLOAT32, 16, 100);
    // deleted documents (a live delta index has them) are never answered
    Set<Integer> deleted = Set.of(101, 103, 151, 201, 249);
    try (IndexWriter w = new IndexWriter(FSDirectory.open(dir), new IndexWriterConfig())) {
      for (int o : deleted) {
        w.deleteDocuments(new Term(IndexFields.ID, Integer.toString(o)));
      }
    }
    // the filter passes ordinals 100..250: 70 of the live members
    int[] passing =
        Arrays.stream(members).filter(o -> o >= 100 && o <= 250 && !deleted.contains(o)).toArray();
    float[][] subset = Arrays.stream(passing).mapToObj(o -> data[o]).toArray(float[][]::new);
    try (ExpertIndex index = ExpertIndex.open(dir)) {
      for (int q = 0; q < 20; q++) {
        float[] query = data[q * 17 % data.length];
        List<Candidate> hits =
            index.knn(
                query,
                index.size() + 5,
                10,
                NumericDocValuesField.newSlowRangeQuery(IndexFields.ORD, 100, 250));
        int[] exact = BruteForce.topK(subset, new float[][] {query}, 10)[0];
        assertThat(hits)
            .extracting(Candidate::ordinal)
            .containsExactly(
                Arrays.stream(exact).map(i -> passing[i]).boxed().toArray(Integer[]::new));
        assertThat(hits)
            .allSatisfy(
                c -> assertThat(c.score()).isEqualTo(Vectors.exactDot(query, data[c.ordinal()])));
      }
    }
  }

  @Test
  void aVectorOnlyDocumentNeedsAVector() {
    assertThatThrownBy(() -> ProductDocuments.vectorOnly(1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vector");
  }

  /**
   * A catalogue in which only some products name a brand or a model (most shops' exports) is
   * indexed whole, in segments of each kind as in one: every product is found by its title, and the
   * brand field finds the product that names it.
   */
  @Test
  void productsWithAndWithoutBrandOrModelShareOneIndex(@TempDir Path dir) throws Exception {
    Catalog catalog =
        new Catalog(
            List.of(
                new Product("0", "garden hose basic", "", "", "", null, null),
                new Product("1", "garden hose pro", "Gardena", "GH-25", "", 9.0, null),
                new Product("2", "garden hose reel", "Hozelock", "", "", null, null),
                new Product("3", "garden hose cart", "", "HC-1", "", null, null)),
            List.of());
    IndexWriting.write(dir, catalog, new int[] {0, 1, 2, 3}, null, VectorEncoding.FLOAT32, 16, 100);
    try (ExpertIndex index = ExpertIndex.open(dir)) {
      assertThat(index.size()).isEqualTo(4);
      assertThat(index.search(new Bm25Queries().query("hose"), 10))
          .extracting(Candidate::productId)
          .containsExactlyInAnyOrder("0", "1", "2", "3");
      assertThat(index.search(new TermQuery(new Term(IndexFields.BRAND, "gardena")), 10))
          .extracting(Candidate::productId)
          .containsExactly("1");
    }
  }

  /**
   * A document's stored values are read once and kept: a second search, and a view hiding other
   * documents, answer with the same values; closing the index gives back what it kept.
   */
  @Test
  void storedValuesReadOnceAreTheSameLaterAndInViews(@TempDir Path dir) throws Exception {
    Catalog catalog =
        new Catalog(
            List.of(
                new Product("a", "garden hose basic", "Acme", "GH-1", "", 3.5, null),
                new Product("b", "garden hose pro", "Gardena", "GH-25", "", 9.0, null),
                new Product("c", "garden hose reel", "", "", "", null, null)),
            List.of());
    IndexWriting.write(dir, catalog, new int[] {0, 1, 2}, null, VectorEncoding.FLOAT32, 16, 100);
    long before = ExpertIndex.rowCharsKept();
    List<Candidate> first;
    try (ExpertIndex index = ExpertIndex.open(dir)) {
      assertThat(index.productIds()).containsExactlyInAnyOrder("a", "b", "c");
      first = index.search(new Bm25Queries().query("hose"), 10);
      assertThat(ExpertIndex.rowCharsKept()).isGreaterThan(before);
      assertThat(index.search(new Bm25Queries().query("hose"), 10)).isEqualTo(first);
      org.apache.lucene.util.FixedBitSet hidden =
          new org.apache.lucene.util.FixedBitSet(index.maxDoc());
      hidden.set(index.docsOf("b")[0]);
      assertThat(index.without(hidden).search(new Bm25Queries().query("hose"), 10))
          .containsExactlyInAnyOrderElementsOf(
              first.stream().filter(c -> !c.productId().equals("b")).toList());
    }
    assertThat(first)
        .extracting(Candidate::productId, Candidate::brand, Candidate::model, Candidate::price)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("a", "Acme", "GH-1", 3.5),
            org.assertj.core.groups.Tuple.tuple("b", "Gardena", "GH-25", 9.0),
            org.assertj.core.groups.Tuple.tuple("c", "", "", null));
    assertThat(ExpertIndex.rowCharsKept()).as("given back on close").isEqualTo(before);
  }
}
