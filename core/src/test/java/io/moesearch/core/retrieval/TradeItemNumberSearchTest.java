package io.moesearch.core.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.IndexFields;
import io.moesearch.core.index.ProductDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/**
 * A product is found by its barcode: the trade item numbers a feed gives ({@code gtin}, {@code
 * ean}, {@code upc}) are in the BM25 field, and a GTIN typed in any of its lengths finds them.
 */
class TradeItemNumberSearchTest {
  private static final List<Product> PRODUCTS =
      List.of(
          product("1", "Xerox 006R90321 toner cartridge", Map.of("ean", "0095205603217")),
          product("2", "Epson T0711 ink black", Map.of("EAN", "8715946625836 8715946625843")),
          product("3", "Corsair 8GB DDR4 memory", Map.of("upc", "843591066778")),
          product("4", "Logitech mouse", Map.of("gtin", "00097855041821")),
          product("5", "Logitech mouse 0095205603218", Map.of()),
          product("6", "Sony headphones", Map.of("color", "0095205603217")),
          product(
              "7",
              "Sony headphones",
              Map.of("ean", "4006381333931 8715946625836 8715946625843 0095205603217")),
          product("8", "Kettle", Map.of("upc", "36000291452")));

  private static Product product(String id, String title, Map<String, String> attributes) {
    return new Product(id, title, "", "", "", null, attributes);
  }

  /** The ids of the products the BM25 query of {@code text} finds, best first. */
  private static List<String> search(String text) throws Exception {
    return hits(text).stream().map(h -> h.id).toList();
  }

  private record Hit(String id, float score) {}

  /** The products the BM25 query of {@code text} finds, best first, with their scores. */
  private static List<Hit> hits(String text) throws Exception {
    try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing()))) {
        for (Product p : PRODUCTS) {
          Document d = new Document();
          d.add(new StringField(IndexFields.ID, p.id(), Field.Store.YES));
          d.add(new TextField(IndexFields.ALL_TEXT, ProductDocuments.allText(p), Field.Store.NO));
          w.addDocument(d);
        }
      }
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        IndexSearcher s = new IndexSearcher(r);
        List<Hit> out = new ArrayList<>();
        for (ScoreDoc sd : s.search(new Bm25Queries().query(text), 10).scoreDocs) {
          out.add(new Hit(s.storedFields().document(sd.doc).get(IndexFields.ID), sd.score));
        }
        return out;
      }
    }
  }

  @Test
  void anEanFindsItsProductAsTypedOrAsItsUpcA() throws Exception {
    assertThat(search("0095205603217")).containsExactlyInAnyOrder("1", "7");
    // The same number as a shopper's scanner or a 12-digit UPC-A field writes it
    assertThat(search("095205603217")).containsExactlyInAnyOrder("1", "7");
    assertThat(search("00095205603217")).containsExactlyInAnyOrder("1", "7");
    assertThat(search("Xerox 0095205603217").get(0)).isEqualTo("1");
  }

  @Test
  void aUpcAFindsItsEan13AndEveryNumberOfAListIsSearchable() throws Exception {
    assertThat(search("0843591066778")).containsExactly("3");
    assertThat(search("00097855041821")).containsExactly("4");
    assertThat(search("97855041821")).isEmpty(); // 11 digits: no GTIN length
    assertThat(search("8715946625843")).containsOnly("2", "7");
    assertThat(search("8715946625836")).containsOnly("2", "7");
  }

  @Test
  void onlyTradeItemNumberAttributesAreIndexedAndAWrongCheckDigitIsNoGtin() throws Exception {
    // The colour attribute holds the same digits: not a trade item number, so not indexed.
    assertThat(search("0095205603217")).doesNotContain("6");
    // A title's number with a wrong check digit stays as typed: found only as typed.
    assertThat(search("0095205603218")).containsExactly("5");
    assertThat(search("095205603218")).isEmpty();
  }

  @Test
  void theNumbersAreNotEmbedded() {
    assertThat(PRODUCTS.get(0).searchableText()).doesNotContain("0095205603217");
    assertThat(PRODUCTS.get(1).tradeItemNumbers()).isEqualTo("8715946625836 8715946625843");
    assertThat(PRODUCTS.get(4).tradeItemNumbers()).isEmpty();
  }

  @Test
  void aNumberThatLostItsLeadingZerosIsWrittenWithThem() {
    // A UPC-A sent as a JSON number or kept in a spreadsheet cell: 036000291452 -> 36000291452
    assertThat(product("8", "x", Map.of("upc", "36000291452")).tradeItemNumbers())
        .isEqualTo("36000291452 00036000291452");
    // A product rebuilt from its numbers (the job's flat copies) reads the same numbers.
    Product kept = product("8", "x", Map.of("upc", "36000291452 36000291452"));
    assertThat(product("8", "x", Map.of("gtin", kept.tradeItemNumbers())).tradeItemNumbers())
        .isEqualTo(kept.tradeItemNumbers())
        .isEqualTo("36000291452 00036000291452");
    // A GTIN as it is, a wrong check digit, a short number: as given
    assertThat(
            product("9", "x", Map.of("gtin", "036000291452 36000291453 1234")).tradeItemNumbers())
        .isEqualTo("036000291452 36000291453 1234");
  }

  @Test
  void aProductWhoseNumberLostItsLeadingZerosIsFoundByItAndByTheWholeNumber() throws Exception {
    assertThat(search("036000291452")).containsExactly("8");
    assertThat(search("36000291452")).containsExactly("8");
  }

  @Test
  void tradeItemNumbersAddNothingToAProductsBm25Length() throws Exception {
    // Products 6 and 7 share their words; 7 lists four EANs. BM25 normalises by a document's
    // length: counted, the numbers would rank 7 below 6 for every word query.
    List<Hit> hits = hits("sony headphones");
    assertThat(hits).extracting(Hit::id).containsExactlyInAnyOrder("6", "7");
    assertThat(hits.get(0).score()).isEqualTo(hits.get(1).score());
  }
}
