package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.ProductDocuments;
import io.moesearch.core.retrieval.Bm25Queries;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live delta of one slot, over a small artifact-like base index. */
class LiveSlotTest {
  private static final float[] Q = unit(1, 0, 0, 0);

  private final ByteBuffersDirectory dir = new ByteBuffersDirectory();
  private DirectoryReader reader;
  private ExpertIndex base;
  private LiveSlot slot;

  static float[] unit(float... v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(n));
    }
    return out;
  }

  static Product product(String id, String title, String brand, Double price) {
    return new Product(id, title, brand, "", "", price, null);
  }

  @BeforeEach
  void setUp() throws Exception {
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing()))) {
      w.addDocument(
          ProductDocuments.toDocument(
              0, product("a", "usb cable", "Anker", 10.0), unit(1, 0.1f, 0, 0)));
      w.addDocument(
          ProductDocuments.toDocument(
              1, product("b", "usb charger", "Anker", 20.0), unit(1, 0.3f, 0, 0)));
      w.addDocument(
          ProductDocuments.toDocument(
              2, product("c", "hdmi cable", "Belkin", 30.0), unit(1, 0.6f, 0, 0)));
      w.addDocument(
          ProductDocuments.toDocument(
              3, product("d", "coffee maker", "Philips", 40.0), unit(0, 0, 1, 0)));
    }
    reader = DirectoryReader.open(dir);
    base = ExpertIndex.over(reader);
    slot = new LiveSlot();
  }

  @AfterEach
  void tearDown() throws Exception {
    slot.close();
    reader.close();
  }

  private List<String> dense(LiveFilter f) {
    return slot.denseTopK(base, Q, 10, 2, f).stream().map(Candidate::productId).toList();
  }

  private List<String> lexical(String text, LiveFilter f) {
    return slot.lexicalTopK(base, new Bm25Queries().query(text), 10, f).stream()
        .map(Candidate::productId)
        .toList();
  }

  @Test
  void theIndexPriceIsReadFromDocValues() {
    Candidate a = slot.denseTopK(base, Q, 1, 2, LiveFilter.NONE).get(0);
    assertThat(a.productId()).isEqualTo("a");
    assertThat(a.price()).isEqualTo(10.0);
    assertThat(slot.price(a)).isEqualTo(10.0);
    assertThat(slot.inStock("a", true)).isTrue();
  }

  @Test
  void aDeletedProductIsNeverReturnedAndTheFilteredPageStillFills() {
    assertThat(slot.apply(DeltaEntry.hidden("a", 5))).isTrue();
    assertThat(dense(LiveFilter.NONE)).containsExactly("b", "c", "d");
    assertThat(lexical("usb", LiveFilter.NONE)).containsExactly("b");
    LiveFilter anker = new LiveFilter(new String[] {"anker"}, null, null, false);
    assertThat(slot.denseTopK(base, Q, 1, 1, anker))
        .extracting(Candidate::productId)
        .as("the deleted-ids filter is inside the HNSW search, so k=1 still finds b")
        .containsExactly("b");
  }

  @Test
  void anIndexIsSearchedAsItWasUntilAChangeConcernsAProductItHolds() {
    slot.apply(DeltaEntry.hidden("elsewhere-1", 5));
    slot.apply(DeltaEntry.patched("elsewhere-2", 6, 1.0, false));
    slot.apply(DeltaEntry.live(product("n", "usb hub", "Acme", 5.0), 7, true, unit(0.2f, 1, 0, 0)));
    assertThat(slot.visible(base))
        .as("this index holds none of the changed products: searched as it is, unfiltered")
        .isSameAs(base);
    assertThat(slot.visible(base, new LiveFilter(null, null, null, true))).isSameAs(base);
    assertThat(slot.baseFilter(base, LiveFilter.NONE)).isNull();
    assertThat(dense(LiveFilter.NONE)).containsExactly("a", "b", "c", "n", "d");
    slot.apply(DeltaEntry.hidden("a", 8));
    assertThat(slot.visible(base))
        .as("a change to a product it holds takes that product out")
        .isNotSameAs(base)
        .satisfies(v -> assertThat(v.size()).isEqualTo(3));
    assertThat(slot.visible(base)).as("and the view is kept").isSameAs(slot.visible(base));
    assertThat(slot.baseFilter(base, LiveFilter.NONE))
        .as("a delete needs no filter query: it is a deleted document of the view")
        .isNull();
    assertThat(dense(LiveFilter.NONE)).containsExactly("b", "c", "n", "d");
    slot.apply(DeltaEntry.patched("b", 9, 99.0, false));
    LiveFilter cheapInStock = new LiveFilter(null, null, 50.0, true);
    assertThat(dense(cheapInStock))
        .as("b is out of stock and too dear now, whatever the index says")
        .containsExactly("c", "n", "d");
    assertThat(base.size()).as("the artifact's index itself is never changed").isEqualTo(4);
  }

  @Test
  void aViewFollowsEveryChangeOfItsProductsBackToTheArtifact() {
    assertThat(slot.visible(base)).isSameAs(base);
    slot.apply(DeltaEntry.hidden("c", 1));
    assertThat(dense(LiveFilter.NONE)).containsExactly("a", "b", "d");
    slot.apply(DeltaEntry.patched("c", 2, 35.0, true));
    assertThat(dense(LiveFilter.NONE)).as("patched: back in the artifact's search").contains("c");
    assertThat(dense(new LiveFilter(null, 32.0, null, false)))
        .as("its live price passes where the artifact's (30) fails")
        .containsExactly("c", "d");
    assertThat(slot.dropFolded(Map.of("c", 2L))).containsExactly("c");
    assertThat(slot.visible(base)).as("nothing left to hide").isSameAs(base);
    assertThat(dense(new LiveFilter(null, 32.0, null, false))).containsExactly("d");
  }

  @Test
  void aLexicalOnlySlotFindsUpsertsByTextAndKeepsTheirVectors() {
    try (LiveSlot lexical = LiveSlot.lexicalOnly()) {
      lexical.apply(
          DeltaEntry.live(product("n", "usb hub", "Acme", 5.0), 3, true, unit(1, 0, 0, 0)));
      lexical.apply(DeltaEntry.hidden("a", 4));
      assertThat(lexical.lexicalTopK(base, new Bm25Queries().query("usb"), 10, LiveFilter.NONE))
          .extracting(Candidate::productId)
          .containsExactlyInAnyOrder("n", "b");
      assertThat(lexical.vector("n")).as("for the lexical branch's dense score").isNotNull();
      assertThat(lexical.denseTopK(base, Q, 10, 2, LiveFilter.NONE))
          .extracting(Candidate::productId)
          .as("no vectors in its delta index: the artifact's, less the deleted")
          .containsExactly("b", "c", "d");
    }
  }

  @Test
  void anUpsertedProductIsFoundByVectorAndText() {
    slot.apply(DeltaEntry.live(product("n", "usb hub", "Acme", 5.0), 3, true, unit(1, 0, 0, 0)));
    assertThat(dense(LiveFilter.NONE)).startsWith("n");
    assertThat(lexical("hub", LiveFilter.NONE)).containsExactly("n");
    assertThat(slot.vector("n")).isNotNull();
    assertThat(slot.liveDocs()).isEqualTo(1);
    // replacing an artifact product hides its old version
    slot.apply(
        DeltaEntry.live(product("c", "hdmi cable v2", "Belkin", 31.0), 4, true, unit(0, 1, 0, 0)));
    List<Candidate> all = slot.denseTopK(base, Q, 10, 2, LiveFilter.NONE);
    assertThat(all).filteredOn(c -> c.productId().equals("c")).hasSize(1);
    assertThat(lexical("v2", LiveFilter.NONE)).containsExactly("c");
  }

  /**
   * Upserts with and without a brand or model, in either order and each searched before the next
   * (so each lands in a segment of its own): every one is indexed and found, and a delete after
   * them leaves the others searched.
   */
  @Test
  void upsertsWithAndWithoutBrandOrModelAreAllIndexed() {
    for (boolean fullFirst : new boolean[] {true, false}) {
      try (LiveSlot s = new LiveSlot()) {
        Product full = new Product("f", "garden hose pro", "Gardena", "GH-25", "", 9.0, null);
        Product bare = new Product("g", "garden hose basic", "", "", "", 5.0, null);
        Product brandOnly = new Product("h", "garden hose reel", "Hozelock", "", "", 7.0, null);
        List<Product> order =
            fullFirst ? List.of(full, bare, brandOnly) : List.of(bare, brandOnly, full);
        long ts = 1;
        for (Product p : order) {
          assertThat(s.apply(DeltaEntry.live(p, ts++, true, unit(0, 1, 0, 0)))).isTrue();
          assertThat(
                  s.lexicalTopK(base, new Bm25Queries().query("hose"), 10, LiveFilter.NONE).stream()
                      .map(Candidate::productId))
              .as("full first: %s, after %s", fullFirst, p.id())
              .contains(p.id());
        }
        s.apply(DeltaEntry.hidden("g", ts));
        assertThat(
                s.lexicalTopK(base, new Bm25Queries().query("hose"), 10, LiveFilter.NONE).stream()
                    .map(Candidate::productId))
            .containsExactlyInAnyOrder("f", "h");
        assertThat(s.liveDocs()).isEqualTo(2);
      }
    }
  }

  @Test
  void patchedPricesAndStockAreFilteredOnLiveValues() {
    slot.apply(DeltaEntry.patched("a", 2, 100.0, true)); // 10 -> 100
    slot.apply(DeltaEntry.patched("b", 2, null, false)); // out of stock, price unchanged
    LiveFilter cheap = new LiveFilter(null, null, 50.0, false);
    assertThat(dense(cheap)).containsExactly("b", "c", "d");
    LiveFilter dear = new LiveFilter(null, 50.0, null, false);
    assertThat(dense(dear)).containsExactly("a");
    Candidate a = slot.denseTopK(base, Q, 10, 2, dear).get(0);
    assertThat(slot.price(a)).isEqualTo(100.0);
    LiveFilter inStock = new LiveFilter(null, null, null, true);
    assertThat(dense(inStock)).containsExactly("a", "c", "d");
    assertThat(lexical("usb", inStock)).containsExactly("a");
    assertThat(slot.inStock("b", true)).isFalse();
    slot.apply(DeltaEntry.live(product("n", "usb hub", "Acme", 5.0), 3, false, unit(1, 0, 0, 0)));
    assertThat(dense(inStock)).doesNotContain("n");
    assertThat(dense(LiveFilter.NONE)).contains("n");
  }

  @Test
  void olderEntriesAreIgnoredAndDeleteThenUpsertRevives() {
    assertThat(slot.apply(DeltaEntry.hidden("a", 5))).isTrue();
    assertThat(slot.apply(DeltaEntry.patched("a", 4, 1.0, true))).isFalse();
    assertThat(slot.apply(DeltaEntry.hidden("a", 5))).as("a replay").isFalse();
    assertThat(dense(LiveFilter.NONE)).doesNotContain("a");
    slot.apply(DeltaEntry.live(product("a", "usb cable", "Anker", 9.0), 6, true, unit(1, 0, 0, 0)));
    assertThat(dense(LiveFilter.NONE)).startsWith("a");
    slot.apply(DeltaEntry.hidden("a", 7));
    assertThat(dense(LiveFilter.NONE)).doesNotContain("a");
    assertThat(slot.liveDocs()).isZero();
  }

  @Test
  void droppingFoldedEntriesKeepsNewerOnesAndTheirEffects() {
    slot.apply(DeltaEntry.hidden("a", 5));
    slot.apply(DeltaEntry.hidden("b", 9));
    slot.apply(DeltaEntry.live(product("n", "usb hub", "Acme", 5.0), 3, true, unit(1, 0, 0, 0)));
    assertThat(slot.dropFolded(Map.of("a", 6L, "b", 6L, "n", 3L)))
        .containsExactlyInAnyOrder("a", "n");
    assertThat(slot.entry("a")).isNull();
    assertThat(slot.entry("n")).isNull();
    assertThat(slot.liveDocs()).isZero();
    assertThat(lexical("hub", LiveFilter.NONE))
        .as("the folded upsert left the delta index")
        .isEmpty();
    assertThat(slot.entry("b")).as("newer than what was folded").isNotNull();
    assertThat(dense(LiveFilter.NONE)).doesNotContain("b");
  }

  @Test
  void theArtifactsOutOfStockProductsAreFilteredUnlessRestocked() throws Exception {
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing()))) {
      w.addDocument(
          ProductDocuments.toDocument(
              4,
              new Product(
                  "e", "usb lamp", "Anker", "", "", 15.0, Map.of(Product.IN_STOCK, "false")),
              unit(1, 0.2f, 0, 0)));
    }
    reader.close();
    reader = DirectoryReader.open(dir);
    base = ExpertIndex.over(reader);
    LiveFilter inStock = new LiveFilter(null, null, null, true);
    assertThat(dense(LiveFilter.NONE)).contains("e");
    assertThat(dense(inStock)).containsExactly("a", "b", "c", "d");
    assertThat(lexical("lamp", inStock)).isEmpty();
    slot.apply(DeltaEntry.patched("e", 2, null, true));
    assertThat(dense(inStock)).contains("e");
    assertThat(slot.inStock("e", false)).isTrue();
    assertThat(slot.inStock("d", false)).as("no entry: the artifact's stock").isFalse();
  }

  /**
   * An upserted product is scored with the artifact's BM25 statistics: a copy of an indexed product
   * scores exactly as the original, whatever else the delta holds. With the delta index's own
   * statistics "usb" (in every delta product here) weighs almost nothing and the copy ranked below
   * the artifact's other usb products.
   */
  @Test
  void anUpsertedCopyScoresAsTheIndexedOriginal() {
    for (int i = 0; i < 5; i++) {
      slot.apply(
          DeltaEntry.live(
              product("u" + i, "usb hub " + i, "Acme", 5.0), i, true, unit(0, 1, 0, 0)));
    }
    slot.apply(
        DeltaEntry.live(product("copy", "usb cable", "Anker", 10.0), 9, true, unit(1, 0.1f, 0, 0)));
    List<Candidate> hits =
        slot.lexicalTopK(base, new Bm25Queries().query("anker usb cable"), 10, LiveFilter.NONE);
    Candidate original = hits.stream().filter(c -> c.productId().equals("a")).findFirst().get();
    Candidate copy = hits.stream().filter(c -> c.productId().equals("copy")).findFirst().get();
    assertThat(copy.score()).isEqualTo(original.score());
    assertThat(hits.get(0).productId()).isIn("a", "copy");
    assertThat(hits.get(1).productId()).isIn("a", "copy");
  }
}
