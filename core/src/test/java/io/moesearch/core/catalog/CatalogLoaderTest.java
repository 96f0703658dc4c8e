package io.moesearch.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.moesearch.core.util.Utf8LineReader;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogLoaderTest {
  private final List<BadLine> reported = new ArrayList<>();

  private static BufferedReader text(String s) {
    return new BufferedReader(new StringReader(s));
  }

  /** {@code csv} read as {@code name}, bad lines skipped and reported. */
  private Catalog csv(String csv, String name) {
    return new CatalogLoader(BadLinePolicy.SKIP, reported::add).loadCsv(text(csv), name);
  }

  @Test
  void readsJsonlWithAliasesAndFreeAttributes() throws Exception {
    Catalog c =
        new CatalogLoader(BadLinePolicy.SKIP, reported::add)
            .loadJsonl(
                text(
                    """
                    {"id": "1", "title": "Xerox toner", "brand": "Xerox", "short_description": "Black", "price_usd": 49.95, "ean": ["009", "010"], "colour": "black"}
                    {"id": 2, "title": "Cable", "price": "5"}
                    """),
                "t.jsonl");
    assertThat(c.size()).isEqualTo(2);
    Product p = c.get(0);
    assertThat(p.description()).isEqualTo("Black");
    assertThat(p.price()).isEqualTo(49.95);
    assertThat(p.attributes()).containsEntry("ean", "009 010").containsEntry("colour", "black");
    assertThat(c.get(1).id()).isEqualTo("2");
    assertThat(c.get(1).price()).isEqualTo(5.0);
    assertThat(reported).isEmpty();
  }

  @Test
  void reportsEachBadJsonlLineWithItsNumberAndSkipsIt() throws Exception {
    Catalog c =
        new CatalogLoader(BadLinePolicy.SKIP, reported::add)
            .loadJsonl(
                text(
                    """
                    {"id": "1", "title": "ok"}
                    {"id": "2", "title":
                    [1, 2]
                    {"title": "no id"}
                    {"id": "3", "title": "bad price", "price": "cheap"}
                    {"id": "1", "title": "duplicate"}

                    {"id": "4", "title": "ok too"}
                    """),
                "t.jsonl");
    // A price that is no number costs the price, not the product: it stays searchable.
    assertThat(c.products()).extracting(Product::id).containsExactly("1", "3", "4");
    assertThat(c.get(1).price()).isNull();
    assertThat(c.badLines()).extracting(BadLine::lineNumber).containsExactly(2L, 3L, 4L, 6L);
    assertThat(c.badLines().get(0).reason()).startsWith("malformed JSON");
    assertThat(c.badLines().get(1).reason()).isEqualTo("not a JSON object");
    assertThat(c.badLines().get(2).reason()).contains("id is required");
    assertThat(c.badLines().get(3).reason()).contains("duplicate product id 1");
    assertThat(reported).hasSize(5);
    assertThat(reported.get(3).reason()).contains("price ignored").contains("'cheap'");
  }

  /**
   * A title of only invisible characters (zero-width space, soft hyphen) is no title: nothing of it
   * is searched or shown, as a query of them is no text (docs/messages.md, "One normal form").
   */
  @Test
  void aTitleOfOnlyInvisibleCharactersIsABadLine() throws Exception {
    Catalog c =
        new CatalogLoader(BadLinePolicy.SKIP, reported::add)
            .loadJsonl(
                text(
                    """
                    {"id": "1", "title": "\u200b\u00ad\ufeff"}
                    {"id": "2", "title": "ok"}
                    """),
                "t.jsonl");
    assertThat(c.products()).extracting(Product::id).containsExactly("2");
    assertThat(c.badLines().get(0).reason()).contains("title must not be blank");
  }

  /**
   * A line holding two objects, or one object naming a field twice, is a bad line: the lenient
   * reader kept the first object and dropped the second product silently, and kept the last of two
   * ids (found by an attack review; the catalogue topic's codec refuses both).
   */
  @Test
  void aSecondObjectOrADuplicateFieldOnALineIsABadLine() throws Exception {
    Catalog c =
        new CatalogLoader(BadLinePolicy.SKIP, reported::add)
            .loadJsonl(
                text(
                    """
                    {"id": "1", "title": "first"}{"id": "2", "title": "second"}
                    {"id": "3", "title": "x", "id": "4"}
                    {"id": "5", "title": "ok"}
                    """),
                "t.jsonl");
    assertThat(c.products()).extracting(Product::id).containsExactly("5");
    assertThat(c.badLines()).extracting(BadLine::lineNumber).containsExactly(1L, 2L);
    assertThat(c.badLines()).allSatisfy(b -> assertThat(b.reason()).startsWith("malformed JSON"));
  }

  @Test
  void failPolicyStopsAtTheFirstBadLineNamingIt() {
    CatalogLoader loader = new CatalogLoader(BadLinePolicy.FAIL, reported::add);
    assertThatThrownBy(
            () -> loader.loadJsonl(text("{\"id\":\"1\",\"title\":\"a\"}\nnot json\n"), "x.jsonl"))
        .isInstanceOf(CatalogFormatException.class)
        .hasMessageContaining("x.jsonl:2");
  }

  @Test
  void readsCsvWithQuotedFieldsAndReportsBadRows() {
    Catalog c =
        csv(
            "id,title,brand,price,colour\n"
                + "1,\"Cable, 2 m\",Acme,3.5,red\n"
                + "2,\"A \"\"quoted\"\" title\nover two lines\",,,\n"
                + "3,too,few\n"
                + "4,Bad price,Acme,abc,\n"
                + "5,\"unterminated\n",
            "c.csv");
    assertThat(c.products()).extracting(Product::id).containsExactly("1", "2", "4");
    assertThat(c.get(0).title()).isEqualTo("Cable, 2 m");
    assertThat(c.get(0).attributes()).containsEntry("colour", "red");
    assertThat(c.get(1).title()).isEqualTo("A \"quoted\" title\nover two lines");
    assertThat(c.badLines()).extracting(BadLine::lineNumber).containsExactly(5L, 7L);
    assertThat(c.badLines().get(0).reason()).contains("expected 5 fields, found 3");
    assertThat(c.badLines().get(1).reason()).contains("unterminated");
  }

  @Test
  void csvWithoutIdOrTitleColumnsFailsNamingThem() {
    CatalogLoader loader = new CatalogLoader(BadLinePolicy.SKIP, reported::add);
    assertThatThrownBy(() -> loader.loadCsv(text("sku,name\n1,a\n"), "c.csv"))
        .hasMessageContaining("id and title");
  }

  @Test
  void searchableTextJoinsFieldsWithoutRepeatingThem() {
    Product p =
        new Product("1", "HP Pavilion dv7", "HP", "dv7-1211ea", "Intel Core 2 Duo", 10.0, null);
    assertThat(p.searchableText()).isEqualTo("HP Pavilion dv7. dv7-1211ea. Intel Core 2 Duo");
  }

  /** A price of -0.0 is 0.0, from any source: Lucene orders -0.0 below every range from 0. */
  @Test
  void aNegativeZeroPriceIsZero() {
    Product p = new Product("p", "t", "", "", "", -0.0, null);
    assertThat(Double.doubleToRawLongBits(p.price())).isEqualTo(Double.doubleToRawLongBits(0.0));
  }

  /** Prices as shops write them are read; what is no price is none (the product kept). */
  @Test
  void pricesAreReadAsShopsWriteThem() {
    assertThat(CatalogLoader.price("19.99")).isEqualTo(19.99);
    assertThat(CatalogLoader.price(" 15.5 ")).isEqualTo(15.5);
    assertThat(CatalogLoader.price("$1,299.00")).isEqualTo(1299.0);
    assertThat(CatalogLoader.price("1.299,00 €")).isEqualTo(1299.0);
    assertThat(CatalogLoader.price("12 EUR")).isEqualTo(12.0);
    assertThat(CatalogLoader.price("£12,5")).isEqualTo(12.5);
    assertThat(CatalogLoader.price("-0")).isEqualTo(0.0);
    assertThat(CatalogLoader.price("1,299.00 USD")).isEqualTo(1299.0);
    assertThat(CatalogLoader.price("1.299")).as("a plain number as written").isEqualTo(1.299);
    for (String none :
        List.of(
            "",
            "N/A",
            "true",
            "-5",
            "1,299",
            "1.299 €",
            "NaN",
            "Infinity",
            "12 apples",
            "12f",
            "0x1p3")) {
      assertThat(CatalogLoader.price(none)).as("'%s'", none).isNull();
    }
  }

  /**
   * A spreadsheet's CSV export: a byte-order mark, header names in another case and with spaces; a
   * quote opened and never closed on its line costs that line only.
   */
  @Test
  void aSpreadsheetExportIsReadAndAStrayQuoteCostsOneLine(@TempDir Path dir) throws Exception {
    StringBuilder rows = new StringBuilder("\uFEFFID, Title ,Brand,Price\n");
    for (int i = 1; i <= 20; i++) {
      rows.append(
          i == 11
              ? "g11,\"Desk lamp 12 inch,Lumo,15\n"
              : "g" + i + ",Desk lamp " + i + ",Lumo,9\n");
    }
    Path file = dir.resolve("export.csv");
    Files.writeString(file, rows);
    Catalog c = new CatalogLoader(BadLinePolicy.SKIP, reported::add).load(file);
    assertThat(c.size()).isEqualTo(19);
    assertThat(c.products()).extracting(Product::id).doesNotContain("g11").contains("g12", "g20");
    assertThat(c.badLines())
        .singleElement()
        .satisfies(b -> assertThat(b.lineNumber()).isEqualTo(12));
    assertThat(c.get(0).brand()).isEqualTo("Lumo");

    Path jsonl = dir.resolve("export.jsonl");
    Files.writeString(jsonl, "\uFEFF{\"id\":\"1\",\"title\":\"kettle\"}\n");
    assertThat(new CatalogLoader(BadLinePolicy.FAIL, reported::add).load(jsonl).size())
        .isEqualTo(1);
  }

  /**
   * A CSV feed: "name" as the title's column and "Availability" as the stock's, whatever their
   * case; a quote closed by a later line's inch mark costs its own line, not the ones it swallowed.
   */
  @Test
  void aCsvFeedWithNameAndAvailabilityAndAnInchMarkAfterAStrayQuote() {
    Catalog c =
        csv(
            "ID,Name,Brand,Price,Availability\n"
                + "g10,Desk lamp,Lumo,9,in stock\n"
                + "g11,\"Desk lamp 12 inch,Lumo,15,in stock\n"
                + "g12,Monitor 27\" wide,Dell,199,out of stock\n"
                + "g13,Mouse,Dell,9,in stock\n",
            "feed.csv");
    assertThat(c.products()).extracting(Product::id).containsExactly("g10", "g12", "g13");
    assertThat(c.products()).extracting(Product::inStock).containsExactly(true, false, true);
    assertThat(c.get(1).title()).isEqualTo("Monitor 27\" wide");
    assertThat(c.badLines()).extracting(BadLine::lineNumber).containsExactly(3L);
  }

  /** A line rejected for another reason is not also reported as kept without its price. */
  @Test
  void aRejectedLineIsNotCountedAsKeptWithoutItsPrice() throws Exception {
    CatalogLoader loader = new CatalogLoader(BadLinePolicy.SKIP, reported::add);
    Catalog c =
        loader.loadJsonl(
            text(
                "{\"id\":\"1\",\"title\":\"a\",\"price\":\"N/A\"}\n"
                    + "{\"id\":\"1\",\"title\":\"b\",\"price\":\"N/A\"}\n"),
            "t.jsonl");
    assertThat(c.size()).isEqualTo(1);
    assertThat(loader.priceIgnored()).isEqualTo(1);
    assertThat(reported).hasSize(2);
  }

  /** An id with a line break would shift every later id of an artifact's id list. */
  @Test
  void anIdWithAControlCharacterIsABadLine() throws Exception {
    Catalog c =
        new CatalogLoader(BadLinePolicy.SKIP, reported::add)
            .loadJsonl(
                text("{\"id\":\"a\\nb\",\"title\":\"t\"}\n{\"id\":\"c\",\"title\":\"t\"}\n"),
                "t.jsonl");
    assertThat(c.products()).extracting(Product::id).containsExactly("c");
    assertThat(c.badLines().get(0).reason()).contains("control characters");
  }

  /**
   * A merchant feed's names are read as ours (name, manufacturer, mpn), and its stock values as
   * shops write them: "out of stock" and "0" are out of stock, "in stock" and "preorder" not.
   */
  @Test
  void merchantFeedNamesAndStockValuesAreRead() throws Exception {
    Catalog c =
        new CatalogLoader(BadLinePolicy.FAIL, reported::add)
            .loadJsonl(
                text(
                    """
                    {"id":"1","name":"Kettle","manufacturer":"Acme","mpn":"K-200","availability":"out of stock"}
                    {"id":"2","title":"Toaster","availability":"in_stock"}
                    {"id":"3","title":"Lamp","in_stock":0}
                    {"id":"4","title":"Fan","in_stock":"preorder"}
                    {"id":"5","title":"Mixer"}
                    """),
                "feed.jsonl");
    Product kettle = c.get(0);
    assertThat(kettle.title()).isEqualTo("Kettle");
    assertThat(kettle.brand()).isEqualTo("Acme");
    assertThat(kettle.model()).isEqualTo("K-200");
    assertThat(c.products())
        .extracting(Product::inStock)
        .containsExactly(false, true, false, true, true);
    assertThat(CatalogLoader.outOfStock("Sold-Out")).isTrue();
    assertThat(CatalogLoader.outOfStock("backorder")).isFalse();
  }

  /**
   * A line whose bytes are not UTF-8 is a bad line: its product is not indexed under an id with
   * U+FFFD in place of the bytes (one nobody sent, which the catalogue topic refuses as "not valid
   * UTF-8"), and the lines after it are read.
   */
  @Test
  void aJsonlLineThatIsNotUtf8IsABadLine(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("{\"id\":\"p-".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xFF); // never valid in UTF-8
    bytes.writeBytes(
        "1\",\"title\":\"USB-C cable\"}\n{\"id\":\"p-2\",\"title\":\"HDMI cable\"}\n"
            .getBytes(StandardCharsets.UTF_8));
    Path file = Files.write(dir.resolve("catalog.jsonl"), bytes.toByteArray());

    Catalog c = new CatalogLoader(BadLinePolicy.SKIP, reported::add).load(file);

    assertThat(c.products()).extracting(Product::id).containsExactly("p-2");
    assertThat(reported).containsExactly(new BadLine("catalog.jsonl", 1, "not valid UTF-8"));
  }

  /**
   * A line longer than 16 MiB is a bad line with its number, in JSONL and in CSV, and the lines
   * after it are read; it was read whole, and a file without line breaks ran the heap out.
   */
  @Test
  void aLineLongerThanTheLimitIsABadLine(@TempDir Path dir) throws Exception {
    String longTitle = "x".repeat(Utf8LineReader.MAX_LINE_BYTES);
    Path jsonl =
        Files.writeString(
            dir.resolve("catalog.jsonl"),
            "{\"id\":\"p-1\",\"title\":\""
                + longTitle
                + "\"}\n{\"id\":\"p-2\",\"title\":\"HDMI cable\"}\n");
    Path csv =
        Files.writeString(
            dir.resolve("catalog.csv"), "id,title\np-1," + longTitle + "\np-2,HDMI\n");

    Catalog c = new CatalogLoader(BadLinePolicy.SKIP, reported::add).load(jsonl);
    Catalog fromCsv = new CatalogLoader(BadLinePolicy.SKIP, reported::add).load(csv);

    assertThat(c.products()).extracting(Product::id).containsExactly("p-2");
    assertThat(fromCsv.products()).extracting(Product::id).containsExactly("p-2");
    assertThat(reported)
        .containsExactly(
            new BadLine("catalog.jsonl", 1, "longer than 16 MiB"),
            new BadLine("catalog.csv", 2, "longer than 16 MiB"));
  }

  /**
   * Only a regular file is read as a catalogue: a device (/dev/zero ran the heap out), a FIFO (its
   * reader waited for a writer) or a directory fails at once naming the file.
   */
  @Test
  void onlyARegularFileIsReadAsACatalogue(@TempDir Path dir) throws Exception {
    CatalogLoader loader = new CatalogLoader(BadLinePolicy.SKIP, reported::add);
    assertThatThrownBy(() -> loader.load(dir))
        .isInstanceOf(FileSystemException.class)
        .hasMessage(dir + ": not a regular file (a directory)");
    assertThatThrownBy(() -> loader.load(dir.resolve("missing.jsonl")))
        .isInstanceOf(NoSuchFileException.class);
    Path zero = Path.of("/dev/zero");
    Assumptions.assumeTrue(Files.exists(zero), "a Unix system");
    assertThatThrownBy(() -> loader.load(zero))
        .isInstanceOf(FileSystemException.class)
        .hasMessage("/dev/zero: not a regular file (a device, FIFO or socket)");
    Path fifo = dir.resolve("catalog.jsonl");
    Assumptions.assumeTrue(
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThatThrownBy(() -> loader.load(fifo))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("not a regular file"));
  }

  /** In a CSV catalogue too, a record with bytes that are not UTF-8 is a bad line. */
  @Test
  void aCsvRecordThatIsNotUtf8IsABadLine(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("id,title\np-1,USB-C cable ".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xC3); // a lead byte without its continuation
    bytes.writeBytes("\np-2,HDMI cable\n".getBytes(StandardCharsets.UTF_8));
    Path file = Files.write(dir.resolve("catalog.csv"), bytes.toByteArray());

    Catalog c = new CatalogLoader(BadLinePolicy.SKIP, reported::add).load(file);

    assertThat(c.products()).extracting(Product::id).containsExactly("p-2");
    assertThat(reported).containsExactly(new BadLine("catalog.csv", 2, "not valid UTF-8"));
  }

  /**
   * A field with an unpaired surrogate (JSON's {@code "\ud800"}: no UTF-8 form, which the catalogue
   * topic refuses) is a bad line; kept, it ended the build late, writing the artifact's id list,
   * with a bare MalformedInputException.
   */
  @Test
  void aFieldWithAnUnpairedSurrogateIsABadLine() throws Exception {
    Catalog c =
        new CatalogLoader(BadLinePolicy.SKIP, reported::add)
            .loadJsonl(
                text(
                    """
                    {"id": "p-\\ud800", "title": "USB-C cable"}
                    {"id": "p-2", "title": "HDMI \\udc00 cable"}
                    {"id": "p-3", "title": "Mouse", "colour\\ud83d": "black"}
                    {"id": "p-4", "title": "Keyboard \\ud83d\\ude00"}
                    """),
                "t.jsonl");
    assertThat(c.products()).extracting(Product::id).containsExactly("p-4");
    assertThat(reported)
        .extracting(BadLine::lineNumber, BadLine::reason)
        .containsExactly(
            tuple(1L, "id has an unpaired UTF-16 surrogate"),
            tuple(2L, "title has an unpaired UTF-16 surrogate"),
            tuple(3L, "a field name has an unpaired UTF-16 surrogate"));
  }
}
