package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.catalog.CatalogWriter;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.live.CatalogFold;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Catalogue-topic records a hostile producer may send ({@code kafka.catalog-topic}): each is a dead
 * letter whose reason names the field and whose encoding is bounded, or an update that every later
 * stage can take, the compaction's catalogue file included; none throws.
 */
class HostileCatalogUpdateTest {
  private static final CatalogUpdateCodec CODEC = CatalogUpdateCodec.withDefaults();
  private final MessageJson json = new MessageJson();

  private static CatalogUpdateCodec.Outcome parse(byte[] value, byte[] key) {
    return CODEC.parse(new RawMessage("cat", 0, 7, 5, key, value), 5);
  }

  private static CatalogUpdateCodec.Outcome parse(String value) {
    return parse(value.getBytes(StandardCharsets.UTF_8), null);
  }

  private String rejected(CatalogUpdateCodec.Outcome o) {
    assertThat(o).isInstanceOf(CatalogUpdateCodec.Outcome.Rejected.class);
    DeadLetter d = ((CatalogUpdateCodec.Outcome.Rejected) o).deadLetter();
    assertThat(json.encodeDeadLetter(d).length).isLessThanOrEqualTo(DeadLetter.MAX_ENCODED_BYTES);
    return d.reason();
  }

  private static CatalogUpdate accepted(String value) {
    CatalogUpdateCodec.Outcome o = parse(value);
    assertThat(o).as(value).isInstanceOf(CatalogUpdateCodec.Outcome.Accepted.class);
    return ((CatalogUpdateCodec.Outcome.Accepted) o).update();
  }

  private static String upsert(String productFields) {
    return "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"p\",\"title\":\"t\""
        + productFields
        + "}}";
  }

  static Stream<Arguments> hostile() {
    return Stream.of(
        Arguments.of("{\"op\":\"UPSERT\",\"ts\":1,\"id\":\"p\"}", "op"),
        Arguments.of("{\"op\":\"merge\",\"ts\":1,\"id\":\"p\"}", "op"),
        Arguments.of("{\"op\":7,\"ts\":1,\"id\":\"p\"}", "op"),
        Arguments.of("{\"op\":\"delete\",\"id\":\"p\"}", "ts"),
        Arguments.of("{\"op\":\"delete\",\"ts\":-1,\"id\":\"p\"}", "ts"),
        Arguments.of("{\"op\":\"delete\",\"ts\":1e400,\"id\":\"p\"}", "ts"),
        Arguments.of("{\"op\":\"delete\",\"ts\":\"1\",\"id\":\"p\"}", "ts"),
        Arguments.of("{\"op\":\"delete\",\"ts\":99999999999999999999,\"id\":\"p\"}", "ts"),
        // A ts at the end of time would make every later update of the product stale.
        Arguments.of("{\"op\":\"delete\",\"ts\":9223372036854775807,\"id\":\"p\"}", "ts"),
        Arguments.of("{\"op\":\"delete\",\"ts\":1,\"id\":\"" + "i".repeat(257) + "\"}", "id"),
        Arguments.of("{\"op\":\"delete\",\"ts\":1,\"id\":\" \"}", "id"),
        // White space as the schema's \\S reads it (ECMA-262): no-break spaces, U+FEFF.
        Arguments.of("{\"op\":\"delete\",\"ts\":1,\"id\":\"\\u00a0\"}", "id"),
        Arguments.of(
            "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"p\",\"title\":\"\\u202f\\u2007\\ufeff\"}}",
            "product.title"),
        Arguments.of("{\"op\":\"delete\",\"ts\":1,\"id\":5}", "id"),
        // A compacted artifact lists its ids one per line.
        Arguments.of("{\"op\":\"delete\",\"ts\":1,\"id\":\"a\\nb\"}", "id"),
        Arguments.of(
            "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\\tb\",\"title\":\"t\"}}",
            "product.id"),
        Arguments.of("{\"op\":\"delete\",\"ts\":1,\"id\":\"p\",\"price\":1}", "price"),
        Arguments.of("{\"op\":\"patch\",\"ts\":1,\"id\":\"p\"}", "price or in_stock"),
        Arguments.of("{\"op\":\"patch\",\"ts\":1,\"id\":\"p\",\"price\":-0.01}", "price"),
        Arguments.of("{\"op\":\"patch\",\"ts\":1,\"id\":\"p\",\"price\":1e400}", "price"),
        Arguments.of("{\"op\":\"patch\",\"ts\":1,\"id\":\"p\",\"price\":\"9.9\"}", "price"),
        Arguments.of("{\"op\":\"patch\",\"ts\":1,\"id\":\"p\",\"in_stock\":\"false\"}", "in_stock"),
        Arguments.of("{\"op\":\"upsert\",\"ts\":1}", "product"),
        Arguments.of("{\"op\":\"upsert\",\"ts\":1,\"product\":[]}", "product"),
        Arguments.of("{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"p\"}}", "product.title"),
        Arguments.of(
            "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"p\",\"title\":\" \\t\"}}",
            "product.title"),
        Arguments.of(
            "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"p\",\"title\":\"\\ud800\"}}",
            "product.title"),
        Arguments.of(upsert(",\"title2\":\"\\udc00\""), "product.title2"),
        Arguments.of(upsert(",\"price\":1.8e308"), "product.price"),
        Arguments.of(upsert(",\"brand\":7"), "product.brand"),
        Arguments.of(
            upsert(",\"description\":\"" + "d".repeat(16 * 1024 + 1) + "\""),
            "product.description"),
        Arguments.of(upsert(",\"price_usd\":\"abc\""), "product.price_usd"),
        Arguments.of(upsert(",\"price_usd\":\"Infinity\""), "product.price_usd"),
        Arguments.of(upsert(",\"short_description\":\"other text\""), "product.short_description"),
        Arguments.of(upsert(",\"manufacturer\":\"Acme\""), "product.manufacturer"),
        Arguments.of(upsert(",\"mpn\":\"AC-1\""), "product.mpn"),
        Arguments.of(upsert(",\"name\":\"another title\""), "product.name"),
        // An attribute's name as long as a record allows (Σ: the JDK lower-cases a run of it in
        // quadratic time, seconds for one record).
        Arguments.of(upsert(",\"" + "Σ".repeat(129) + "\":\"x\""), "at most 128"),
        Arguments.of(upsert(",\"" + "Σ".repeat(32_000) + "\":\"x\""), "at most 128"),
        Arguments.of("{\"op\":\"delete\",\"ts\":1,\"id\":\"p\",\"id\":\"q\"}", "Duplicate field"),
        Arguments.of("\ufeff{\"op\":\"delete\",\"ts\":1,\"id\":\"p\"}", "malformed JSON"),
        Arguments.of("[" + "[".repeat(100) + "]".repeat(100) + "]", "malformed JSON"),
        Arguments.of("\"delete\"", "JSON object"));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void isADeadLetterNamingTheField(String value, String field) {
    assertThat(rejected(parse(value))).contains(field);
  }

  /** An oversized record's dead letter keeps its head as text, cut between characters. */
  @Test
  void anOversizedTextRecordsDeadLetterKeepsItsHeadAsText() {
    int max = CODEC.maxMessageBytes();
    // 7 bytes before two-byte characters: the cut at max (even) falls inside one.
    String value = "{\"ab\":\"" + "é".repeat(max / 2 + 8) + "\"}";
    CatalogUpdateCodec.Outcome o = parse(value);
    assertThat(rejected(o)).contains("exceeds");
    DeadLetter d = ((CatalogUpdateCodec.Outcome.Rejected) o).deadLetter();
    assertThat(d.payloadEncoding()).isEqualTo(DeadLetter.UTF8);
  }

  @Test
  void anAttributeNameOfTheLongestLengthAllowedIsKept() {
    String name = "Σ".repeat(CatalogUpdateCodec.MAX_ATTRIBUTE_NAME_CHARS);
    assertThat(accepted(upsert(",\"" + name + "\":\"x\"")).product().attributes())
        .containsEntry(name, "x");
  }

  /**
   * A price of -0.0 is read as 0.0: Lucene orders -0.0 below 0.0, so a product priced -0.0 would
   * drop out of every {@code "price_min": 0} filter.
   */
  @Test
  void aNegativeZeroPriceIsZero() {
    assertThat(
            Double.doubleToRawLongBits(
                accepted("{\"op\":\"patch\",\"ts\":1,\"id\":\"p\",\"price\":-0.0}").price()))
        .isEqualTo(Double.doubleToRawLongBits(0.0));
    assertThat(Double.doubleToRawLongBits(accepted(upsert(",\"price\":-0.0")).product().price()))
        .isEqualTo(Double.doubleToRawLongBits(0.0));
  }

  @Test
  void oversizedEmptyNullAndNonUtf8RecordsAreBoundedDeadLetters() {
    assertThat(rejected(parse(new byte[10 << 20], null))).contains("exceeds");
    assertThat(rejected(parse(new byte[0], null))).contains("empty");
    assertThat(rejected(parse(null, null))).contains("null");
    assertThat(rejected(parse(new byte[] {'{', (byte) 0xFF, '}'}, null))).contains("UTF-8");
  }

  @Test
  void aKeyIsTheProductIdByteForByte() {
    // Not valid UTF-8: decoding it leniently gives U+FFFD, which must not pass for an id "\ufffd".
    byte[] key = {(byte) 0xFF};
    String body = "{\"op\":\"delete\",\"ts\":1,\"id\":\"\ufffd\"}";
    assertThat(rejected(parse(body.getBytes(StandardCharsets.UTF_8), key)))
        .contains("record key must be the product id");
    assertThat(rejected(parse(body.getBytes(StandardCharsets.UTF_8), "q".getBytes())))
        .contains("record key");
    assertThat(
            parse(body.getBytes(StandardCharsets.UTF_8), "\ufffd".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CatalogUpdateCodec.Outcome.Accepted.class);
  }

  @Test
  void acceptedProductsSurviveTheCompactionsCatalogueFileUnchanged(@TempDir Path dir)
      throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 4000; i++) {
      many.append(",\"a").append(i).append("\":").append(i);
    }
    List<Product> products = new ArrayList<>();
    int id = 0;
    for (String fields :
        new String[] {
          ",\"brand\":\"\\u0000\\u2028\\r\\n\",\"model\":\"e\\u0301\",\"price\":0.0",
          ",\"\":\"empty key\",\"\\u0000\":\"nul key\",\"x\":1e400,\"y\":-0,\"z\":true",
          ",\"description\":\"" + "\\ud83d\\ude00".repeat(2000) + "\"",
          ",\"in_stock\":false,\"colour\":\"black\"",
          many.toString()
        }) {
      String update = upsert(fields).replace("\"id\":\"p\"", "\"id\":\"p" + id++ + "\"");
      products.add(accepted(update).product());
    }
    Path file = CatalogWriter.writeJsonl(products, dir.resolve("catalog.jsonl.gz"));
    List<Product> read = new CatalogLoader(BadLinePolicy.FAIL, b -> {}).load(file).products();
    assertThat(read).containsExactlyElementsOf(products);
  }

  /**
   * A compaction writes the folded catalogue and the next one reads it back: a product the topic
   * sent must come back as it was served (an {@code availability} without {@code in_stock} used to
   * be served in stock and read back out of stock, and {@code in_stock: true} beside {@code
   * availability: "discontinued"} read back out of stock too).
   */
  @Test
  void aProductSentOnTheTopicIsServedAsACompactionReadsItBack(@TempDir Path dir) throws Exception {
    CatalogFold fold =
        new CatalogFold(
            List.of(),
            Map.of(),
            new ExpertAssigner(new Gate(new float[][] {{1, 0}, {0, 1}}), 0.05, 0.5, 1),
            ExpertPlacement.identity(2));
    String[] fields = {
      ",\"availability\":\"soldout\"",
      ",\"in_stock\":true,\"availability\":\"discontinued\"",
      ",\"availability\":\"in stock\",\"colour\":\"blue\"",
      ",\"in_stock\":false"
    };
    List<Boolean> served = new ArrayList<>();
    for (int i = 0; i < fields.length; i++) {
      CatalogUpdate u =
          accepted(upsert(fields[i]).replace("\"id\":\"p\"", "\"id\":\"p" + i + "\""));
      served.add(u.inStock() == null || u.inStock());
      fold.upsert(u.product(), u.inStock(), 1);
    }
    assertThat(served).containsExactly(false, true, true, false);
    List<Product> written = fold.products();
    for (int round = 0; round < 2; round++) {
      Path file = CatalogWriter.writeJsonl(written, dir.resolve("catalog-" + round + ".jsonl"));
      List<Product> read = new CatalogLoader(BadLinePolicy.FAIL, b -> {}).load(file).products();
      assertThat(read).extracting(Product::inStock).containsExactlyElementsOf(served);
      assertThat(read)
          .extracting(Product::searchableText, Product::brand, Product::model, Product::price)
          .containsExactlyElementsOf(
              written.stream()
                  .map(
                      p ->
                          org.assertj.core.groups.Tuple.tuple(
                              p.searchableText(), p.brand(), p.model(), p.price()))
                  .toList());
      written = read;
    }
  }
}
