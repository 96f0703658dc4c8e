package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.ProductDocuments;
import io.moesearch.core.retrieval.Bm25Queries;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Products as a hostile catalogue producer can send them (any text the update codec accepts: up to
 * 16 Ki code points per field, no separators, multi-byte characters) must index in a slot's live
 * delta without an exception: one that throws there fails the retrieval task on every replay of the
 * update.
 */
class HostileProductTest {
  private static final float[] V = LiveSlotTest.unit(1, 0, 0, 0);

  private static DirectoryReader reader;
  private static ExpertIndex base;

  @BeforeAll
  static void baseIndex() throws Exception {
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing()))) {
      w.addDocument(
          ProductDocuments.toDocument(
              0, new Product("base", "garden hose", "", "", "", null, null), V));
    }
    reader = DirectoryReader.open(dir);
    base = ExpertIndex.over(reader);
  }

  @AfterAll
  static void closeBase() throws Exception {
    reader.close();
  }

  private static String repeat(String s, int n) {
    return s.repeat(n);
  }

  private static List<Candidate> upsertAndFind(Product p, String query) {
    try (LiveSlot slot = new LiveSlot()) {
      assertThat(slot.apply(DeltaEntry.live(p, 1, true, V))).isTrue();
      List<Candidate> dense = slot.denseTopK(null, V, 5, 2, LiveFilter.NONE);
      assertThat(dense).extracting(Candidate::productId).containsExactly(p.id());
      return slot.lexicalTopK(base, new Bm25Queries().query(query), 5, LiveFilter.NONE);
    }
  }

  @Test
  void aTitleThatIsOneTokenLongerThanLuceneTermsIsIndexed() {
    // 12,000 CJK characters without a separator: 36,000 bytes, above Lucene's 32,766-byte term.
    String token = repeat("\u4e2d", 12_000);
    Product p = new Product("p1", "cable " + token, "", "", "", 1.0, null);
    assertThat(upsertAndFind(p, "cable")).extracting(Candidate::productId).containsExactly("p1");
  }

  @Test
  void aHyphenatedRunWhoseCatenationIsImmenseIsIndexed() {
    // Each part is short, but the word-delimiter filter catenates all of them into one term.
    String run = repeat("\ud83d\ude00-", 9_000); // 9,000 emoji (4 bytes each) joined by '-'
    Product p = new Product("p2", "lamp", "", "", run, null, null);
    assertThat(upsertAndFind(p, "lamp")).extracting(Candidate::productId).containsExactly("p2");
  }

  @Test
  void aBrandLongerThanLuceneTermsIsIndexed() {
    // The exact-brand keyword is the normalised brand: 11,000 CJK characters are 33,000 bytes.
    String brand = repeat("\u4e2d", 11_000);
    Product p = new Product("p3", "kettle", brand, repeat("\u4e2d", 11_000), "", null, null);
    assertThat(upsertAndFind(p, "kettle")).extracting(Candidate::productId).containsExactly("p3");
  }

  @Test
  void aModelCodeLongerThanLuceneTermsIsIndexed() {
    Product p = new Product("p4", "drill", "", repeat("x9", 20_000), "", null, null);
    assertThat(upsertAndFind(p, "drill")).extracting(Candidate::productId).containsExactly("p4");
  }

  @Test
  void aQueryOfOneImmenseTokenFindsNothingWithoutFailing() {
    Product p = new Product("p5", "router", "", "", "", null, null);
    try (LiveSlot slot = new LiveSlot()) {
      slot.apply(DeltaEntry.live(p, 1, true, V));
      String query = repeat("\ud83d\ude00", 9_000);
      assertThat(Bm25Queries.terms(Analyzers.allText(), query))
          .allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(Analyzers.MAX_TOKEN_CHARS));
      assertThat(slot.lexicalTopK(base, new Bm25Queries().query(query), 5, LiveFilter.NONE))
          .isEmpty();
    }
  }

  @Test
  void aBrandFilterLongerThanLuceneTermsSelectsNothingWithoutFailing() {
    String brand = repeat("\u4e2d", 11_000);
    Product p = new Product("p7", "kettle", brand, "", "", null, null);
    try (LiveSlot slot = new LiveSlot()) {
      slot.apply(DeltaEntry.live(p, 1, true, V));
      LiveFilter f = new LiveFilter(new String[] {brand}, null, null, false);
      assertThat(slot.denseTopK(null, V, 5, 2, f)).isEmpty();
      assertThat(slot.lexicalTopK(base, new Bm25Queries().query("kettle"), 5, f)).isEmpty();
    }
  }

  /**
   * A brand longer than any filter can name (128 code points in normal form) is no brand wherever
   * filters compare brands: the index's keyword (a filter naming it selects nothing), the live
   * brand broadcast with the change (bounded: 16,000 × U+FDFA is 288,000 characters in normal form)
   * and the filter listings; a brand of 128 stays selectable everywhere.
   */
  @Test
  void aBrandNoFilterCanNameIsNoBrandWherever() {
    String named = "b".repeat(QueryNormalizer.MAX_BRAND_CHARS);
    String tooLong = named + "b";
    for (String brand : List.of(named, tooLong)) {
      boolean selectable = brand.equals(named);
      Product p = new Product("p8", "kettle", brand, "", "", null, null);
      LiveFilter f = new LiveFilter(new String[] {brand}, null, null, false);
      LivePatch live = LivePatch.ofProduct(1, null, true, brand);
      try (LiveSlot slot = new LiveSlot()) {
        slot.apply(DeltaEntry.live(p, 1, true, V));
        assertThat(slot.lexicalTopK(base, new Bm25Queries().query("kettle"), 5, f))
            .as("index, brand of %d", brand.length())
            .hasSize(selectable ? 1 : 0);
      }
      assertThat(live.passesBrands(f.brands())).isEqualTo(selectable);
      assertThat(FilterListing.after(null, live, new int[] {0}).matches(f)).isEqualTo(selectable);
    }
    String expanding = "\ufdfa".repeat(16_000);
    assertThat(LivePatch.ofProduct(1, null, true, expanding).brand()).isEmpty();
    assertThat(QueryNormalizer.brandKey(expanding)).isEmpty();
  }

  @Test
  void anIdLongerThanResultsCarryIsNoProduct() {
    assertThatThrownBy(() -> new Product("i".repeat(257), "tv", "", "", "", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("product id must be at most 256");
    assertThat(new Product("\ud83d\ude00".repeat(256), "tv", "", "", "", null, null).id())
        .hasSize(512);
  }

  @Test
  void anInfinitePriceIsNoProduct() {
    // A price the result message cannot carry (it must be finite) must not enter the catalogue.
    assertThatThrownBy(() -> new Product("p6", "tv", "", "", "", Double.POSITIVE_INFINITY, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("price");
  }
}
