package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Query-topic records a hostile client may send: each is a dead letter whose reason names the field
 * and whose encoding is bounded, or a valid query; none throws.
 */
class HostileQueryTest {
  private final QueryCodec codec = QueryCodec.withDefaults();
  private final MessageJson json = new MessageJson();

  private ParseOutcome parse(byte[] value) {
    return codec.parse(new RawMessage("q", 0, 1, -1, null, value), 5);
  }

  private ParseOutcome parse(String value) {
    return parse(value.getBytes(StandardCharsets.UTF_8));
  }

  private DeadLetter rejected(String value) {
    ParseOutcome o = parse(value);
    assertThat(o).isInstanceOf(ParseOutcome.Rejected.class);
    DeadLetter d = o.deadLetterOrNull();
    assertThat(json.encodeDeadLetter(d).length).isLessThanOrEqualTo(DeadLetter.MAX_ENCODED_BYTES);
    return d;
  }

  static Stream<Arguments> hostile() {
    String nested = "[".repeat(2000) + "]".repeat(2000);
    return Stream.of(
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"top_k\":\"10\"}", "top_k"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"top_k\":10.5}", "top_k"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"top_k\":1e400}", "top_k"),
        Arguments.of(
            "{\"query_id\":\"a\",\"text\":\"x\",\"top_k\":1" + "0".repeat(900) + "}", "top_k"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"top_k\":-0}", "top_k"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"top_k\":NaN}", "malformed JSON"),
        Arguments.of(
            "{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"price_min\":1e400}}",
            "filters.price_min"),
        Arguments.of(
            "{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"price_min\":\"1\"}}",
            "filters.price_min"),
        Arguments.of(
            "{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"price_min\":5,\"price_max\":1}}",
            "filters.price_min"),
        Arguments.of(
            "{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"price_max\":-1e-300}}",
            "filters.price_max"),
        Arguments.of(
            "{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"brands\":[\"\\u200b\"]}}",
            "filters.brands[0]"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"ts\":-1}", "ts"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"ts\":9223372036854775808}", "ts"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"ts\":\"1\"}", "ts"),
        Arguments.of(
            "{\"query_id\":\"a\",\"text\":\"x\",\"text\":\"y\"}", "Duplicate field 'text'"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"z\":" + nested + "}", "malformed JSON"),
        Arguments.of("\ufeff{\"query_id\":\"a\",\"text\":\"x\"}", "malformed JSON"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"\\u0000\\u0001 \\u200b\\ufeff\"}", "text"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"\\ud800\"}", "text"),
        Arguments.of("{\"query_id\":\"" + "i".repeat(257) + "\",\"text\":\"x\"}", "query_id"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"" + "ab ".repeat(5000) + "\"}", "text"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"session_id\":7}", "session_id"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\",\"explain\":\"true\"}", "explain"),
        Arguments.of("null", "JSON object"),
        Arguments.of("{\"query_id\":\"a\",\"text\":\"x\"} {}", "malformed JSON"));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void isADeadLetterNamingTheField(String value, String field) {
    assertThat(rejected(value).reason()).contains(field);
  }

  @Test
  void hugeAndOddPayloadsAreBoundedDeadLetters() {
    byte[] tenMegabytes = new byte[10 << 20];
    java.util.Arrays.fill(tenMegabytes, (byte) '"');
    assertThat(parse(tenMegabytes).deadLetterOrNull().reason()).contains("exceeds");
    assertThat(parse(new byte[] {(byte) 0xC0, (byte) 0x80}).deadLetterOrNull().payloadEncoding())
        .isEqualTo(DeadLetter.BASE64);
    assertThat(parse((byte[]) null).deadLetterOrNull().reason()).contains("null");
    assertThat(parse(new byte[0]).deadLetterOrNull().reason()).contains("empty");
  }

  @Test
  void aBrandThatNormalisationExpandsBeyondTheLimitIsADeadLetter() {
    // U+FDFA is one character that NFKC spells with 18: 100 of them fit the raw bound, not the
    // normal one; unbounded, 100 brands of them made a cache-fill key of megabytes.
    String brand = "\\ufdfa".repeat(100);
    DeadLetter d =
        rejected(
            "{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"brands\":[\"ok\",\""
                + brand
                + "\"]}}");
    assertThat(d.reason())
        .contains("filters.brands[1]")
        .contains("at most " + QueryCodec.MAX_BRAND_CHARS)
        .contains("after normalisation");
    assertThat(
            rejected(
                    "{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"brands\":[\""
                        + "b".repeat(5000)
                        + "\"]}}")
                .reason())
        .contains("filters.brands[0] must be at most");
  }

  @Test
  void negativeZeroPricesAreTheZeroFilter() {
    SearchQuery minus =
        parse(
                "{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"price_min\":-0,\"price_max\":-0.0}}")
            .queryOrNull();
    SearchQuery plus =
        parse("{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"price_min\":0,\"price_max\":0}}")
            .queryOrNull();
    assertThat(minus.filters()).isEqualTo(plus.filters());
    assertThat(minus.filters().canonical()).isEqualTo(plus.filters().canonical());
  }

  @Test
  void oddButValidTextsAreQueries() {
    for (String text :
        new String[] {"***", "\\\"", "\\\\", "\\ud83d\\ude00", "e\\u0301\\u0301", "the", "-"}) {
      assertThat(parse("{\"query_id\":\"a\",\"text\":\"" + text + "\"}").queryOrNull())
          .as(text)
          .isNotNull();
    }
  }
}
