package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The catalogue-update codec: accepted updates, and dead letters whose reason names the field. */
class CatalogUpdateCodecTest {
  private static final CatalogUpdateCodec CODEC = CatalogUpdateCodec.withDefaults();

  static CatalogUpdateCodec.Outcome parse(String json, String key) {
    return CODEC.parse(
        new RawMessage(
            "search-catalog-updates",
            0,
            7,
            5,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            json.getBytes(StandardCharsets.UTF_8)),
        5);
  }

  static CatalogUpdate accepted(String json) {
    CatalogUpdateCodec.Outcome o = parse(json, null);
    assertThat(o).as(json).isInstanceOf(CatalogUpdateCodec.Outcome.Accepted.class);
    return ((CatalogUpdateCodec.Outcome.Accepted) o).update();
  }

  static String rejected(String json, String key) {
    CatalogUpdateCodec.Outcome o = parse(json, key);
    assertThat(o).as(json).isInstanceOf(CatalogUpdateCodec.Outcome.Rejected.class);
    DeadLetter d = ((CatalogUpdateCodec.Outcome.Rejected) o).deadLetter();
    assertThat(d.topic()).isEqualTo("search-catalog-updates");
    assertThat(d.offset()).isEqualTo(7);
    return d.reason();
  }

  @Test
  void upsertPatchAndDeleteAreParsed() {
    CatalogUpdate up =
        accepted(
            "{\"op\":\"upsert\",\"ts\":10,\"product\":{\"id\":\"p1\",\"title\":\"USB cable\","
                + "\"brand\":\"Anker\",\"price\":9.5,\"in_stock\":false,\"colour\":\"red\","
                + "\"ean\":[\"0095205603217\",4006381333931,null],\"dims\":{\"w\":1},"
                + "\"tags\":[{\"a\":1}]}}");
    assertThat(up.op()).isEqualTo(CatalogUpdate.Op.UPSERT);
    assertThat(up.productId()).isEqualTo("p1");
    assertThat(up.product().brand()).isEqualTo("Anker");
    assertThat(up.price()).isEqualTo(9.5);
    assertThat(up.inStock()).isFalse();
    // A list of scalars is one attribute of its values (a feed's EANs, as a catalogue file reads
    // them); an object, or a list of none, is ignored.
    assertThat(up.product().attributes())
        .isEqualTo(Map.of("colour", "red", "ean", "0095205603217 4006381333931"));
    assertThat(up.product().tradeItemNumbers()).isEqualTo("0095205603217 4006381333931");
    assertThat(up.ts()).isEqualTo(10);

    CatalogUpdate patch = accepted("{\"op\":\"patch\",\"id\":\"p1\",\"price\":3,\"ts\":11}");
    assertThat(patch).isEqualTo(CatalogUpdate.patch("p1", 3.0, null, 11));
    assertThat(accepted("{\"op\":\"patch\",\"id\":\"p1\",\"in_stock\":true,\"ts\":0}").inStock())
        .isTrue();
    assertThat(accepted("{\"op\":\"delete\",\"id\":\"p1\",\"ts\":12}"))
        .isEqualTo(CatalogUpdate.delete("p1", 12));
  }

  @Test
  void encodeRoundTrips() {
    Product p =
        new Product("p9", "Mouse", "Logi", "M1", "a mouse", 12.0, Map.of("colour", "black"));
    for (CatalogUpdate u :
        new CatalogUpdate[] {
          CatalogUpdate.upsert(p, true, 4),
          CatalogUpdate.upsert(new Product("p8", "T", null, null, null, null, null), null, 0),
          CatalogUpdate.patch("p9", null, false, 5),
          CatalogUpdate.delete("p9", 6)
        }) {
      assertThat(accepted(new String(CODEC.encode(u), StandardCharsets.UTF_8))).isEqualTo(u);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[]|payload must be a JSON object",
        "{\"op\":\"upsert\"|malformed JSON",
        "{\"ts\":1,\"id\":\"a\"}|op is required",
        "{\"op\":\"insert\",\"ts\":1,\"id\":\"a\"}|op must be upsert, patch or delete",
        "{\"op\":\"delete\",\"id\":\"a\"}|ts is required",
        "{\"op\":\"delete\",\"id\":\"a\",\"ts\":-1}|ts must be a non-negative integer",
        "{\"op\":\"delete\",\"id\":\"a\",\"ts\":1.5}|ts must be a non-negative integer",
        "{\"op\":\"delete\",\"ts\":1}|id is required",
        "{\"op\":\"delete\",\"id\":\" \",\"ts\":1}|id must not be blank",
        "{\"op\":\"delete\",\"id\":7,\"ts\":1}|id must be a string",
        "{\"op\":\"delete\",\"id\":\"a\",\"price\":1,\"ts\":1}|price is not allowed in a delete",
        "{\"op\":\"patch\",\"id\":\"a\",\"ts\":1}|a patch must set price or in_stock",
        "{\"op\":\"patch\",\"id\":\"a\",\"price\":-1,\"ts\":1}|price must be a finite number >= 0",
        "{\"op\":\"patch\",\"id\":\"a\",\"price\":\"9\",\"ts\":1}|price must be a number",
        "{\"op\":\"patch\",\"id\":\"a\",\"in_stock\":\"yes\",\"ts\":1}|in_stock must be a boolean",
        "{\"op\":\"patch\",\"id\":\"a\",\"price\":1,\"product\":{},\"ts\":1}|product is only allowed",
        "{\"op\":\"upsert\",\"ts\":1}|product is required",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":[]}|product must be an object",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"title\":\"t\"}}|product.id is required",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\"}}|product.title is required",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"\\u200b\\u00ad\"}}|product.title must not be blank",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"t\",\"brand\":3}}|product.brand must be a string",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"t\",\"price\":-2}}|product.price must be",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"t\",\"in_stock\":1}}|product.in_stock must be a boolean",
        "{\"op\":\"upsert\",\"ts\":1,\"id\":\"a\",\"product\":{\"id\":\"a\",\"title\":\"t\"}}|product.id",
        "{\"op\":\"delete\",\"id\":\"a\",\"id\":\"b\",\"ts\":1}|malformed JSON",
      })
  void badRecordsBecomeDeadLettersNamingTheField(String json, String reason) {
    assertThat(rejected(json, null)).contains(reason);
  }

  @Test
  void theKeyMustBeTheProductId() {
    assertThat(rejected("{\"op\":\"delete\",\"id\":\"a\",\"ts\":1}", "b"))
        .contains("record key must be the product id a");
    assertThat(parse("{\"op\":\"delete\",\"id\":\"a\",\"ts\":1}", "a"))
        .isInstanceOf(CatalogUpdateCodec.Outcome.Accepted.class);
  }

  @Test
  void aTsFurtherAheadThanTheClockSkewIsADeadLetterSoItCannotFreezeTheProduct() {
    long recordTs = 1_700_000_000_000L;
    String within =
        "{\"op\":\"delete\",\"id\":\"a\",\"ts\":" + (recordTs + RawMessage.MAX_CLOCK_SKEW_MS) + "}";
    String beyond =
        "{\"op\":\"delete\",\"id\":\"a\",\"ts\":"
            + (recordTs + RawMessage.MAX_CLOCK_SKEW_MS + 1)
            + "}";
    RawMessage stamped = new RawMessage("t", 0, 0, recordTs, null, within.getBytes());
    assertThat(CODEC.parse(stamped, 0)).isInstanceOf(CatalogUpdateCodec.Outcome.Accepted.class);
    assertThat(CODEC.parse(new RawMessage("t", 0, 0, recordTs, null, beyond.getBytes()), 0))
        .as("against the record's timestamp, whatever the reader's clock")
        .isInstanceOfSatisfying(
            CatalogUpdateCodec.Outcome.Rejected.class,
            r -> assertThat(r.deadLetter().reason()).startsWith("ts ").contains("ahead of"));
  }

  /**
   * A record without a Kafka timestamp (-1, or a producer's CreateTime 0) has nothing to bound its
   * ts by: judged against the reader's clock, the running job would dead-letter a ts 90 min ahead
   * that a compaction (or replay) an hour later applies. It is a dead letter whoever reads it when.
   */
  @Test
  void aRecordWithoutATimestampIsDecidedTheSameWhenever() {
    long t = 1_800_000_000_000L;
    for (long stamp : new long[] {-1, 0}) {
      for (long ts : new long[] {t - 60_000, t + 90 * 60_000L}) {
        RawMessage record =
            new RawMessage(
                "t",
                0,
                7,
                stamp,
                null,
                ("{\"op\":\"delete\",\"id\":\"a\",\"ts\":" + ts + "}").getBytes());
        for (long readAt : new long[] {t, t + 60 * 60_000L}) {
          assertThat(CODEC.parse(record, readAt))
              .as("stamp %d, ts %d, read at %d", stamp, ts, readAt)
              .isInstanceOfSatisfying(
                  CatalogUpdateCodec.Outcome.Rejected.class,
                  r -> assertThat(r.deadLetter().reason()).contains("no timestamp"));
        }
      }
    }
  }

  @Test
  void nullEmptyOversizedAndNonUtf8PayloadsAreDeadLetters() {
    CatalogUpdateCodec small = new CatalogUpdateCodec(16);
    RawMessage big =
        new RawMessage(
            "t", 0, 0, 0, null, "{\"op\":\"delete\",\"id\":\"aaaaaaaa\",\"ts\":1}".getBytes());
    assertThat(small.parse(big, 0))
        .isInstanceOfSatisfying(
            CatalogUpdateCodec.Outcome.Rejected.class,
            r -> assertThat(r.deadLetter().reason()).contains("exceeds the maximum of 16 bytes"));
    assertThat(CODEC.parse(new RawMessage("t", 0, 0, 0, null, null), 0))
        .isInstanceOf(CatalogUpdateCodec.Outcome.Rejected.class);
    assertThat(CODEC.parse(new RawMessage("t", 0, 0, 0, null, new byte[] {(byte) 0xff}), 0))
        .isInstanceOfSatisfying(
            CatalogUpdateCodec.Outcome.Rejected.class,
            r -> assertThat(r.deadLetter().reason()).contains("UTF-8"));
  }
}
