package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryCodecTest {
  private static final long NOW = 1_700_000_000_123L;
  private static final int MAX_CHARS = 20;
  private static final int MAX_BYTES = 512;

  private final QueryCodec codec = new QueryCodec(MAX_CHARS, MAX_BYTES);

  private static RawMessage raw(byte[] value) {
    return new RawMessage("queries", 2, 41L, 1_000L, null, value);
  }

  private static RawMessage raw(String json) {
    return raw(json.getBytes(StandardCharsets.UTF_8));
  }

  private SearchQuery accept(String json) {
    ParseOutcome outcome = codec.parse(raw(json), NOW);
    assertThat(outcome)
        .as("expected %s to be accepted, got %s", json, outcome)
        .isInstanceOf(ParseOutcome.Accepted.class);
    assertThat(outcome.deadLetterOrNull()).isNull();
    return outcome.queryOrNull();
  }

  private DeadLetter reject(RawMessage message) {
    ParseOutcome outcome = codec.parse(message, NOW);
    assertThat(outcome)
        .as("expected rejection, got %s", outcome)
        .isInstanceOf(ParseOutcome.Rejected.class);
    assertThat(outcome.queryOrNull()).isNull();
    DeadLetter letter = outcome.deadLetterOrNull();
    assertThat(letter.topic()).isEqualTo("queries");
    assertThat(letter.partition()).isEqualTo(2);
    assertThat(letter.offset()).isEqualTo(41L);
    assertThat(letter.ts()).isEqualTo(NOW);
    return letter;
  }

  private DeadLetter reject(String json) {
    DeadLetter letter = reject(raw(json));
    assertThat(letter.payloadEncoding()).isEqualTo(DeadLetter.UTF8);
    assertThat(letter.payload()).isEqualTo(json);
    return letter;
  }

  @Test
  void acceptsMinimalQueryWithDefaults() {
    SearchQuery q = accept("{\"query_id\":\"q1\",\"text\":\"  red running shoes \"}");
    assertThat(q).isEqualTo(new SearchQuery("q1", "red running shoes", 10, null, 0L, null));
  }

  @Test
  void acceptsQueryWithAllOptionalFieldsAndIgnoresUnknownOnes() {
    SearchQuery q =
        accept(
            """
            {"query_id":"q2","text":"laptop","top_k":25,
             "filters":{"brands":["Acme","Globex"],"price_min":100,"price_max":999.5},
             "ts":1699999999999,"session_id":"s-9","client":{"app":"web"}}
            """);
    assertThat(q.queryId()).isEqualTo("q2");
    assertThat(q.text()).isEqualTo("laptop");
    assertThat(q.topK()).isEqualTo(25);
    assertThat(q.filters()).isEqualTo(new Filters(new String[] {"acme", "globex"}, 100.0, 999.5));
    assertThat(q.ts()).isEqualTo(1_699_999_999_999L);
    assertThat(q.sessionId()).isEqualTo("s-9");
  }

  @Test
  void inStockFilterKeepsOnlyTrueAndEncodesCanonically() {
    SearchQuery q = accept("{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"in_stock\":true}}");
    assertThat(q.filters()).isEqualTo(new Filters(null, null, null, true));
    assertThat(q.filters().canonical()).isEqualTo("{\"in_stock\":true}");
    assertThat(
            accept("{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"in_stock\":false}}")
                .filters())
        .as("false constrains nothing")
        .isNull();
  }

  @Test
  void nullOptionalsAndEmptyFiltersMeanAbsent() {
    SearchQuery q =
        accept(
            "{\"query_id\":\"q\",\"text\":\"tv\",\"top_k\":null,\"filters\":{},"
                + "\"ts\":null,\"session_id\":\" \"}");
    assertThat(q).isEqualTo(new SearchQuery("q", "tv", 10, null, 0L, null));
  }

  @Test
  void textLimitCountsCodePointsAfterTrimming() {
    String twentyEmoji = "\uD83D\uDE00".repeat(MAX_CHARS); // 20 code points, 40 UTF-16 chars
    assertThat(accept("{\"query_id\":\"q\",\"text\":\"  " + twentyEmoji + "  \"}").text())
        .isEqualTo(twentyEmoji);
  }

  @Test
  void rejectsNullValue() {
    DeadLetter letter = reject(raw((byte[]) null));
    assertThat(letter.reason()).contains("payload is null");
    assertThat(letter.payload()).isEmpty();
  }

  @Test
  void rejectsEmptyValue() {
    assertThat(reject(raw(new byte[0])).reason()).contains("payload is empty");
  }

  @Test
  void rejectsBlankValue() {
    assertThat(reject("  \n ").reason()).contains("payload is blank");
  }

  @Test
  void rejectsOversizedPayloadBeforeParsingAndKeepsOnlyAPrefix() {
    // Not even JSON: the size check must come first.
    byte[] big = "é".repeat(MAX_BYTES).getBytes(StandardCharsets.UTF_8); // 2 bytes per char
    DeadLetter letter = reject(raw(big));
    assertThat(letter.reason())
        .contains("payload is " + big.length + " bytes")
        .contains("maximum of " + MAX_BYTES + " bytes");
    assertThat(letter.payloadEncoding()).isEqualTo(DeadLetter.UTF8);
    assertThat(letter.payload()).isEqualTo("é".repeat(MAX_BYTES / 2));
  }

  @Test
  void oversizedPayloadCutInsideACharacterStaysValidUtf8() {
    byte[] big = ("x" + "é".repeat(MAX_BYTES)).getBytes(StandardCharsets.UTF_8);
    DeadLetter letter = reject(raw(big));
    assertThat(letter.payloadEncoding()).isEqualTo(DeadLetter.UTF8);
    assertThat(letter.payload()).isEqualTo("x" + "é".repeat(MAX_BYTES / 2 - 1));
  }

  @Test
  void payloadAtTheLimitIsParsed() {
    String prefix = "{\"query_id\":\"q\",\"text\":\"tv\",\"pad\":\"";
    String json = prefix + "p".repeat(MAX_BYTES - prefix.length() - 2) + "\"}";
    assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BYTES);
    assertThat(accept(json).text()).isEqualTo("tv");
  }

  @Test
  void rejectsInvalidUtf8AndStoresOriginalBytesAsBase64() {
    byte[] bad = {'{', '"', 'q', '"', ':', (byte) 0xC3, (byte) 0x28, '}'};
    DeadLetter letter = reject(raw(bad));
    assertThat(letter.reason()).contains("not valid UTF-8");
    assertThat(letter.payloadEncoding()).isEqualTo(DeadLetter.BASE64);
    assertThat(Base64.getDecoder().decode(letter.payload())).isEqualTo(bad);
    assertThat(letter.payloadBytes()).isEqualTo(bad);
  }

  @Test
  void rejectsMalformedJson() {
    assertThat(reject("{\"query_id\":\"q\",\"text\":").reason()).startsWith("malformed JSON");
    assertThat(reject("{\"query_id\":\"q\" \"text\":\"x\"}").reason()).startsWith("malformed JSON");
  }

  @Test
  void rejectsTrailingContentAndDuplicateKeys() {
    assertThat(reject("{\"query_id\":\"q\",\"text\":\"x\"} {}").reason())
        .startsWith("malformed JSON");
    assertThat(reject("{\"query_id\":\"a\",\"query_id\":\"b\",\"text\":\"x\"}").reason())
        .startsWith("malformed JSON")
        .contains("query_id");
  }

  @Test
  void rejectsDeeplyNestedJson() {
    String deep =
        "{\"query_id\":\"q\",\"text\":\"x\",\"n\":" + "[".repeat(100) + "]".repeat(100) + "}";
    assertThat(reject(deep).reason()).startsWith("malformed JSON");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[{\"query_id\":\"q\",\"text\":\"x\"}] | array",
        "\"just a string\" | string",
        "42 | number",
        "null | null"
      })
  void rejectsNonObjectJson(String json, String type) {
    assertThat(reject(json).reason()).isEqualTo("payload must be a JSON object, got " + type);
  }

  @Test
  void rejectsMissingOrInvalidQueryId() {
    assertThat(reject("{\"text\":\"x\"}").reason()).isEqualTo("query_id is required");
    assertThat(reject("{\"query_id\":null,\"text\":\"x\"}").reason())
        .isEqualTo("query_id is required");
    assertThat(reject("{\"query_id\":7,\"text\":\"x\"}").reason())
        .isEqualTo("query_id must be a string, got number");
    assertThat(reject("{\"query_id\":\"  \",\"text\":\"x\"}").reason())
        .isEqualTo("query_id must not be blank");
    assertThat(reject("{\"query_id\":\"\\u00a0\\u202f\",\"text\":\"x\"}").reason())
        .as("no-break spaces are white space to the schema's \\S (ECMA-262)")
        .isEqualTo("query_id must not be blank");
    String longId = "i".repeat(SearchQuery.MAX_ID_CHARS + 1);
    assertThat(reject("{\"query_id\":\"" + longId + "\",\"text\":\"x\"}").reason())
        .contains("query_id must be at most 256 characters");
  }

  @Test
  void rejectsMissingBlankOrOversizedText() {
    assertThat(reject("{\"query_id\":\"q\"}").reason()).isEqualTo("text is required");
    assertThat(reject("{\"query_id\":\"q\",\"text\":\" \\t \"}").reason())
        .isEqualTo(
            "text must not be blank (it has only whitespace, control or invisible characters)");
    assertThat(reject("{\"query_id\":\"q\",\"text\":[\"x\"]}").reason())
        .isEqualTo("text must be a string, got array");
    String tooLong = "a".repeat(MAX_CHARS + 1);
    assertThat(reject("{\"query_id\":\"q\",\"text\":\"" + tooLong + "\"}").reason())
        .isEqualTo("text must be at most 20 characters after normalisation, got 21");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | top_k must be between 1 and 100, got 0",
        "101 | top_k must be between 1 and 100, got 101",
        "-5 | top_k must be between 1 and 100, got -5",
        "99999999999999999999 | top_k must be between 1 and 100, got 99999999999999999999",
        "\"ten\" | top_k must be an integer between 1 and 100, got string",
        "true | top_k must be an integer between 1 and 100, got boolean",
        "1.5 | top_k must be an integer, got 1.5",
        "10.0 | top_k must be an integer, got 10.0"
      })
  void rejectsBadTopK(String topK, String reason) {
    assertThat(reject("{\"query_id\":\"q\",\"text\":\"x\",\"top_k\":" + topK + "}").reason())
        .isEqualTo(reason);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 100})
  void acceptsTopKBounds(int topK) {
    assertThat(accept("{\"query_id\":\"q\",\"text\":\"x\",\"top_k\":" + topK + "}").topK())
        .isEqualTo(topK);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"price_min\":50,\"price_max\":10} | filters.price_min (50.0) must be <= filters.price_max"
            + " (10.0)",
        "{\"price_min\":-1} | filters.price_min must be >= 0, got -1",
        "{\"price_max\":\"cheap\"} | filters.price_max must be a number, got string",
        "{\"brands\":\"Acme\"} | filters.brands must be an array of strings, got string",
        "{\"brands\":[\"Acme\",3]} | filters.brands[1] must be a string, got number",
        "{\"brands\":[\"Acme\",\" \"]} | filters.brands[1] must not be blank",
        "{\"brand\":[\"Acme\"]} | filters.brand is not a supported filter",
        "{\"in_stock\":\"yes\"} | filters.in_stock must be a boolean, got string",
        "[] | filters must be an object, got array"
      })
  void rejectsBadFilters(String filters, String reason) {
    assertThat(reject("{\"query_id\":\"q\",\"text\":\"x\",\"filters\":" + filters + "}").reason())
        .startsWith(reason);
  }

  /**
   * A price bound is read as the nearest double, as the catalogue's prices are: {@code price_max
   * 9.99} keeps a product priced 9.99 (a bound rounded past its double dropped it, and {@code
   * price_min 9.99, price_max 9.99} was refused as min > max); {@code -0.0} is {@code 0.0}.
   */
  @Test
  void priceBoundsAreReadAsTheCataloguesPricesAre() {
    Filters f =
        accept(
                "{\"query_id\":\"q\",\"text\":\"x\",\"filters\":{\"price_min\":9.99,\"price_max\":9.99}}")
            .filters();
    assertThat(f.priceMin()).isEqualTo(9.99);
    assertThat(f.priceMax()).isEqualTo(9.99);
    Filters zero =
        accept("{\"query_id\":\"q\",\"text\":\"x\",\"filters\":{\"price_min\":-0.0}}").filters();
    assertThat(Double.compare(zero.priceMin(), 0.0)).as("-0.0 read as 0.0").isZero();
  }

  @Test
  void rejectsBadTimestampAndSessionId() {
    assertThat(reject("{\"query_id\":\"q\",\"text\":\"x\",\"ts\":-1}").reason())
        .startsWith("ts must be a non-negative integer");
    assertThat(reject("{\"query_id\":\"q\",\"text\":\"x\",\"ts\":1.5e12}").reason())
        .startsWith("ts must be a non-negative integer");
    assertThat(reject("{\"query_id\":\"q\",\"text\":\"x\",\"session_id\":5}").reason())
        .isEqualTo("session_id must be a string, got number");
  }

  @Test
  void usesWallClockWhenNoTimeIsGiven() {
    long before = System.currentTimeMillis();
    DeadLetter letter = codec.parse(raw("nope")).deadLetterOrNull();
    assertThat(letter).isNotNull();
    assertThat(letter.ts()).isBetween(before, System.currentTimeMillis());
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    QueryCodec copy = SerializationUtil.roundTrip(codec);
    assertThat(copy.maxQueryChars()).isEqualTo(MAX_CHARS);
    assertThat(copy.maxMessageBytes()).isEqualTo(MAX_BYTES);
    assertThat(copy.parse(raw("{\"query_id\":\"q\",\"text\":\"x\"}"), NOW).queryOrNull())
        .isNotNull();
  }

  @Test
  void constructorValidatesLimits() {
    assertThatThrownBy(() -> new QueryCodec(0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxQueryChars");
    assertThatThrownBy(() -> new QueryCodec(10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMessageBytes");
    assertThatThrownBy(() -> codec.parse(null, NOW)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\u00a0", "\\u202f", "\\u2007", "\\u200b", "\\u00ad", "\\ufeff"})
  void textsThatNormaliseToNothingAreDeadLetteredNotAccepted(String escaped) {
    assertThat(reject("{\"query_id\":\"q\",\"text\":\"" + escaped + "\"}").reason())
        .isEqualTo(
            "text must not be blank (it has only whitespace, control or invisible characters)");
  }

  @Test
  void theAcceptedTextIsTheNormalFormSoEquivalentSpellingsBecomeEqualQueries() {
    assertThat(
            accept(
                    "{\"query_id\":\"a\",\"text\":\"\uff2c\uff2f\uff27\uff29\uff34\uff25\uff23\uff28\u3000\uff2d\uff15\uff10\uff10\"}")
                .text())
        .isEqualTo("logitech m500");
    assertThat(accept("{\"query_id\":\"b\",\"text\":\"wi\ufb01 adapter\"}").text())
        .isEqualTo("wifi adapter");
  }

  @Test
  void brandsAreKeptInNormalFormSoFilterAndCacheKeyAgree() {
    Filters a =
        accept(
                "{\"query_id\":\"a\",\"text\":\"mouse\",\"filters\":{\"brands\":[\"Logitech\u2003\"]}}")
            .filters();
    Filters b =
        accept("{\"query_id\":\"b\",\"text\":\"mouse\",\"filters\":{\"brands\":[\"logitech\"]}}")
            .filters();
    assertThat(a.brands()).containsExactly("logitech");
    assertThat(a.canonical()).isEqualTo(b.canonical());
    assertThat(
            reject("{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"brands\":[\"\u200b\"]}}")
                .reason())
        .isEqualTo("filters.brands[0] must not be blank");
  }

  @Test
  void noBrandTextCanImitateAnotherFilterInTheCanonicalForm() {
    String xeroxMax50 = new Filters(new String[] {"xerox"}, null, 50.0).canonical();
    String[][] forged = {
      {"xerox;max=50.0"}, {"xerox\",\"price_max\":50.0"}, {"xerox\u0002"}, {"xerox]"}
    };
    for (String[] brands : forged) {
      assertThat(new Filters(brands, null, null).canonical()).isNotEqualTo(xeroxMax50);
    }
    assertThat(new Filters(new String[] {"c2g\u0002startech.com"}, null, null).canonical())
        .isNotEqualTo(new Filters(new String[] {"StarTech.com", "C2G"}, null, null).canonical());
    assertThat(new Filters(new String[] {"StarTech.com", "C2G"}, null, null).canonical())
        .isEqualTo(new Filters(new String[] {"c2g", "startech.com"}, null, null).canonical());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"query_id\":\"a\\ud800\",\"text\":\"x\"}|query_id",
        "{\"query_id\":\"a\",\"text\":\"x\\udc00y\"}|text",
        "{\"query_id\":\"a\",\"text\":\"x\",\"session_id\":\"\\ud83d\"}|session_id",
        "{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"brands\":[\"\\ud800\"]}}|filters.brands[0]"
      })
  void stringsWithAnUnpairedSurrogateAreDeadLettered(String json, String field) {
    assertThat(reject(json).reason()).startsWith(field + " has an unpaired UTF-16 surrogate");
  }

  @Test
  void aPriceOutOfTheDoubleRangeIsReportedAsOutOfRange() {
    assertThat(
            reject("{\"query_id\":\"a\",\"text\":\"x\",\"filters\":{\"price_max\":1e309}}")
                .reason())
        .isEqualTo(
            "filters.price_max must be a number from 0 to 1.7976931348623157E308, got one out of"
                + " range");
  }
}
