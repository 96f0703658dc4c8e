package io.moesearch.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.catalog.Product;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.FixedBitSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ExpertIndex#without}: documents taken out as if deleted, across segments. */
class ExpertIndexViewTest {
  private static final int DOCS = 300;
  private static final int DIM = 8;

  private final ByteBuffersDirectory dir = new ByteBuffersDirectory();
  private DirectoryReader reader;
  private ExpertIndex index;
  private final float[][] vectors = new float[DOCS][];

  @BeforeEach
  void setUp() throws Exception {
    Random random = new Random(7);
    IndexWriterConfig iwc =
        new IndexWriterConfig(Analyzers.forIndexing()).setMergePolicy(NoMergePolicy.INSTANCE);
    try (IndexWriter w = new IndexWriter(dir, iwc)) {
      for (int i = 0; i < DOCS; i++) {
        float[] v = new float[DIM];
        double n = 0;
        for (int j = 0; j < DIM; j++) {
          v[j] = (float) random.nextGaussian();
          n += v[j] * v[j];
        }
        for (int j = 0; j < DIM; j++) {
          v[j] /= (float) Math.sqrt(n);
        }
        vectors[i] = v;
        String title = i % 2 == 0 ? "usb cable " + i : "hdmi adapter " + i;
        w.addDocument(
            ProductDocuments.toDocument(
                i, new Product("p" + i, title, "Acme", "", "", 1.0 + i, null), v));
        if (i == DOCS / 3 || i == 2 * DOCS / 3) {
          w.commit(); // three segments
        }
      }
    }
    reader = DirectoryReader.open(dir);
    index = ExpertIndex.over(reader);
  }

  @AfterEach
  void tearDown() throws Exception {
    reader.close();
  }

  @Test
  void hiddenDocumentsAreNeverReturnedByTheGraphOrBm25AndAreNotCounted() {
    assertThat(reader.leaves()).hasSize(3);
    FixedBitSet hidden = new FixedBitSet(index.maxDoc());
    for (int i = 0; i < DOCS; i += 3) {
      for (int d : index.docsOf("p" + i)) {
        hidden.set(d);
      }
    }
    ExpertIndex view = index.without(hidden);
    hidden.clear(0, hidden.length()); // the view took a copy
    assertThat(view.size()).isEqualTo(DOCS - DOCS / 3);
    assertThat(index.size()).as("the index itself is unchanged").isEqualTo(DOCS);
    for (int q = 0; q < 20; q++) {
      // 10 candidates of 200 live documents: the HNSW graph search, not the exact scan
      List<Candidate> got = view.knn(vectors[q * 7], 10, 10, null);
      assertThat(got).hasSize(10);
      assertThat(got)
          .extracting(Candidate::productId)
          .noneMatch(id -> Integer.parseInt(id.substring(1)) % 3 == 0);
    }
    List<Candidate> lexical = view.search(new TermQuery(new Term(IndexFields.TITLE, "usb")), 500);
    Set<String> ids = lexical.stream().map(Candidate::productId).collect(Collectors.toSet());
    assertThat(ids)
        .hasSize(DOCS / 2 - DOCS / 6)
        .noneMatch(id -> id.equals("p0") || id.equals("p6"));
    assertThat(ids).contains("p2", "p4");
  }

  @Test
  void documentsAreFoundByProductAndByQueryAcrossSegments() {
    assertThat(index.docsOf("p250")).hasSize(1);
    assertThat(index.docsOf("nope")).isEmpty();
    FixedBitSet usb = index.matching(new TermQuery(new Term(IndexFields.TITLE, "usb")));
    assertThat(usb.cardinality()).isEqualTo(DOCS / 2);
    assertThat(usb.get(index.docsOf("p250")[0])).isTrue();
    assertThat(usb.get(index.docsOf("p251")[0])).isFalse();
  }

  @Test
  void aBitSetShorterThanTheIndexIsRejected() {
    assertThatThrownBy(() -> index.without(new FixedBitSet(DOCS - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bits");
  }
}
