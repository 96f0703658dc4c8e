package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageJsonTest {
  private final MessageJson json = new MessageJson();
  private final ObjectMapper plain = new ObjectMapper();

  static SearchResult sampleResult() {
    return new SearchResult(
        "q-1",
        "red \"running\" shoes ü",
        new RankedItem[] {
          new RankedItem("p-1", "Shoe One", 0.9123f), new RankedItem("p-2", "", -1.25f)
        },
        new int[] {3, 0},
        "v7",
        new StageLatency(1.5, 0.25, 3.0, 7.75, 12.5),
        SearchResult.CACHE_MISS,
        1_700_000_000_000L,
        1_700_000_000_013L);
  }

  /** A result whose items carry their ranking explanation (a query with explain: true). */
  static SearchResult explainedResult() {
    SearchResult r = sampleResult();
    RankedItem[] items = r.items().clone();
    items[0] =
        items[0].withExplain(
            new FeatureContribution[] {
              FeatureContribution.of("dense", 0.8, 1.5), FeatureContribution.of("bm25", 2.0, -0.145)
            });
    return new SearchResult(
        r.queryId(),
        r.text(),
        items,
        r.experts(),
        r.indexVersion(),
        r.latency(),
        r.cache(),
        r.tsIn(),
        r.tsOut());
  }

  @Test
  void anExplainedQueryAndResultRoundTrip() {
    SearchQuery q = new SearchQuery("q", "tv", 10, null, 0, null, true);
    assertThat(new String(json.encodeQuery(q), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"explain\":true");
    SearchResult r = explainedResult();
    SearchResult back = json.decodeResult(json.encodeResult(r));
    assertThat(back).isEqualTo(r);
    assertThat(back.items()[0].explain()[1].contribution()).isEqualTo(-0.29);
    assertThat(back.items()[1].explain()).as("absent unless asked").isNull();
  }

  @Test
  void resultRoundTrips() {
    SearchResult result = sampleResult();
    assertThat(json.decodeResult(json.encodeResult(result))).isEqualTo(result);
  }

  /** A result cut short by the merge timeout: experts 3 and 0 were asked, only 3 answered. */
  static SearchResult partialResult() {
    SearchResult r = sampleResult();
    return new SearchResult(
        r.queryId(),
        r.text(),
        r.items(),
        r.experts(),
        r.indexVersion(),
        r.latency(),
        r.cache(),
        r.tsIn(),
        r.tsOut(),
        true,
        new int[] {3});
  }

  @Test
  void aPartialResultSaysWhichExpertsAnsweredAndRoundTrips() throws Exception {
    SearchResult partial = partialResult();
    JsonNode node = plain.readTree(json.encodeResult(partial));
    assertThat(node.get("partial").booleanValue()).isTrue();
    assertThat(node.get("answered_experts").toString()).isEqualTo("[3]");
    assertThat(json.decodeResult(json.encodeResult(partial))).isEqualTo(partial);

    JsonNode complete = plain.readTree(json.encodeResult(sampleResult()));
    assertThat(complete.get("partial").booleanValue()).isFalse();
    assertThat(complete.has("answered_experts")).isFalse();
    assertThat(sampleResult().answeredExperts()).containsExactly(3, 0);

    // A record from before the flags is complete and not degraded.
    assertThat(complete.get("degraded").textValue()).isEqualTo("none");
    ((ObjectNode) complete).remove("partial");
    ((ObjectNode) complete).remove("degraded");
    SearchResult old = json.decodeResult(plain.writeValueAsBytes(complete));
    assertThat(old.partial()).isFalse();
    assertThat(old).isEqualTo(sampleResult());
  }

  @Test
  void resultUsesSnakeCaseWireNames() throws Exception {
    JsonNode node = plain.readTree(json.encodeResult(sampleResult()));
    assertThat(node.fieldNames())
        .toIterable()
        .containsExactly(
            "query_id",
            "text",
            "items",
            "experts",
            "no_match",
            "index_version",
            "latency",
            "cache",
            "ts_in",
            "ts_out",
            "partial",
            "degraded");
    assertThat(node.get("items").get(0).fieldNames())
        .toIterable()
        .containsExactly("product_id", "title", "score");
    assertThat(node.get("latency").fieldNames())
        .toIterable()
        .containsExactly("embed_ms", "route_ms", "retrieve_ms", "rerank_ms", "total_ms");
    assertThat(node.get("items").get(0).get("score").floatValue()).isEqualTo(0.9123f);
    assertThat(node.get("experts").get(0).intValue()).isEqualTo(3);
    assertThat(node.get("ts_out").longValue()).isEqualTo(1_700_000_000_013L);
  }

  @Test
  void emptyResultRoundTrips() {
    SearchResult empty =
        new SearchResult(
            "q", "t", new RankedItem[0], new int[0], "", StageLatency.ZERO, "miss", 0, 0);
    assertThat(json.decodeResult(json.encodeResult(empty))).isEqualTo(empty);
  }

  @Test
  void deadLetterRoundTripsBothEncodings() throws Exception {
    DeadLetter text = new DeadLetter("queries", 0, 17, "{\"a\":", "utf8", "malformed JSON", 5L);
    DeadLetter binary = DeadLetter.ofBytes("queries", 1, 18, new byte[] {(byte) 0xff}, "bad", 6L);
    assertThat(binary.payloadEncoding()).isEqualTo(DeadLetter.BASE64);
    assertThat(json.decodeDeadLetter(json.encodeDeadLetter(text))).isEqualTo(text);
    assertThat(json.decodeDeadLetter(json.encodeDeadLetter(binary))).isEqualTo(binary);

    JsonNode node = plain.readTree(json.encodeDeadLetter(text));
    assertThat(node.fieldNames())
        .toIterable()
        .containsExactly(
            "topic", "partition", "offset", "payload", "payload_encoding", "reason", "ts");
  }

  @Test
  void encodedQueryIsAcceptedByTheCodec() {
    SearchQuery query =
        new SearchQuery(
            "q-9", "blue jeans", 7, new Filters(new String[] {"levi"}, null, 80.0), 123L, "s");
    ParseOutcome outcome =
        QueryCodec.withDefaults()
            .parse(new RawMessage("queries", 0, 0, 0, null, json.encodeQuery(query)), 1L);
    assertThat(outcome.queryOrNull()).isEqualTo(query);
  }

  @Test
  void encodedQueryOmitsAbsentOptionalFields() throws Exception {
    SearchQuery query = new SearchQuery("q", "tv", 10, Filters.NONE, 0, null);
    JsonNode node = plain.readTree(json.encodeQuery(query));
    assertThat(node.fieldNames()).toIterable().containsExactly("query_id", "text", "top_k");
  }

  @Test
  void decodingReportsTheOffendingField() {
    byte[] noItems =
        "{\"query_id\":\"q\",\"text\":\"t\",\"experts\":[]}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> json.decodeResult(noItems))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("items");
    assertThatThrownBy(() -> json.decodeDeadLetter("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> json.decodeDeadLetter("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    MessageJson copy = SerializationUtil.roundTrip(json);
    SearchResult result = sampleResult();
    assertThat(copy.decodeResult(json.encodeResult(result))).isEqualTo(result);
  }
}
