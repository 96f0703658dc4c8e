package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/schemas/*.schema.json must describe exactly what the codecs accept and write. */
class SchemaConformanceTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final QueryCodec CODEC = QueryCodec.withDefaults();
  private static final MessageJson JSON = new MessageJson();

  private static JsonSchema schema(String file) {
    return EcmaSchemas.load(file);
  }

  private static final JsonSchema QUERY = schema("query.schema.json");
  private static final JsonSchema RESULT = schema("result.schema.json");
  private static final JsonSchema DEAD_LETTER = schema("dead-letter.schema.json");
  private static final JsonSchema CACHE_FILL = schema("cache-fill.schema.json");
  private static final JsonSchema EXPERT_STATS = schema("expert-stats.schema.json");

  @Test
  void encodedExpertStatsAreSchemaValidAndRoundTrip() throws Exception {
    ExpertStats stats = new ExpertStats(55, 7, 41.7, 8340.2, 0.41, 1_732_300_009_950L, "v1", 10L);
    byte[] bytes = JSON.encodeExpertStats(stats);
    assertThat(validate(EXPERT_STATS, new String(bytes, StandardCharsets.UTF_8))).isEmpty();
    assertThat(JSON.decodeExpertStats(bytes)).isEqualTo(stats);
    // a record from before replicated layouts: its slot was the expert's own
    String old =
        "{\"expert\":3,\"activations\":1.0,\"candidates\":2.0,\"latency_ewma_ms\":0.5,"
            + "\"last_update\":1,\"index_version\":\"v1\",\"ts\":2}";
    assertThat(JSON.decodeExpertStats(old.getBytes(StandardCharsets.UTF_8)).slot()).isEqualTo(3);
    assertThat(validate(EXPERT_STATS, old)).as("the schema describes what is written").isNotEmpty();
    String negativeSlot = old.replace("\"expert\":3,", "\"expert\":3,\"slot\":-1,");
    Assertions.assertThatThrownBy(
            () -> JSON.decodeExpertStats(negativeSlot.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("slot");
  }

  @Test
  void encodedCacheFillsAreSchemaValid() throws Exception {
    RankedItem[] items = {new RankedItem("p", "t", 1f)};
    CacheFill result = CacheFill.result("usb cable", 10, "b=anker", "v1", items, new int[] {2});
    CacheFill embedding = CacheFill.embedding("usb cable", "m", new float[] {0.5f, -1f});
    CacheFill release = CacheFill.release("usb cable", 10, "b=anker", "v1", 7L);
    CacheFill shared =
        CacheFill.sharedRelease(
            "usb cable", 10, "", "v1", items, new int[] {2}, 7L, 0.3f, 12.5f, "fewer_experts");
    CacheFill floors =
        CacheFill.result("usb cable", 10, "", "v1", items, new int[] {2}, 7L, -1f, Float.MAX_VALUE);
    CacheFill cut =
        CacheFill.result(
            "usb cable",
            10,
            "",
            "v1",
            items,
            new int[] {2},
            7L,
            0.4f,
            3f,
            new io.moesearch.core.rank.EntryCut(0.1f, 20f, 6.5f, 12, 0.02f, -1f, 9));
    // One record for a computed query: its result (or release) with the query embedding.
    float[] v = {0.6f, -0.8f};
    CacheFill resultWithEmbedding = cut.withEmbedding("m", v);
    CacheFill releaseWithEmbedding = release.withEmbedding("m", v);
    CacheFill sharedWithEmbedding = shared.withEmbedding("m", v);
    for (CacheFill f :
        List.of(
            result,
            embedding,
            release,
            shared,
            floors,
            cut,
            resultWithEmbedding,
            releaseWithEmbedding,
            sharedWithEmbedding)) {
      String json = new String(JSON.encodeCacheFill(f), StandardCharsets.UTF_8);
      assertThat(validate(CACHE_FILL, json)).as(json).isEmpty();
    }
    assertThat(validate(CACHE_FILL, "{\"kind\":\"result\"}")).isNotEmpty();
  }

  /**
   * The schema refuses what the codec refuses of a carried embedding: half of it (the vector
   * without its model, the model without its vector), and a model beside an embedding's own.
   */
  @Test
  void theSchemaRefusesHalfACarriedEmbeddingAsTheCodecDoes() throws Exception {
    RankedItem[] items = {new RankedItem("p", "t", 1f)};
    String both =
        new String(
            JSON.encodeCacheFill(
                CacheFill.result("usb cable", 10, "", "v1", items, new int[] {2})
                    .withEmbedding("m", new float[] {0.6f, 0.8f})),
            StandardCharsets.UTF_8);
    assertThat(both).contains("\"embedding_model\":\"m\"").contains("\"embedding_f32le\":");
    String vectorAlone = both.replace(",\"embedding_model\":\"m\"", "");
    String modelAlone = both.replaceAll(",?\"embedding_f32le\":\"[^\"]*\"", "");
    String embeddingWithModel =
        new String(
                JSON.encodeCacheFill(CacheFill.embedding("usb cable", "m", new float[] {1f})),
                StandardCharsets.UTF_8)
            .replace("}", ",\"embedding_model\":\"m\"}");
    for (String bad : List.of(vectorAlone, modelAlone, embeddingWithModel)) {
      assertThat(bad).isNotEqualTo(both);
      assertThat(validate(CACHE_FILL, bad)).as(bad).isNotEmpty();
      Assertions.assertThatThrownBy(
              () -> JSON.decodeCacheFill(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .hasMessageContaining("embedding_model");
    }
  }

  private static Set<ValidationMessage> validate(JsonSchema schema, String json) throws Exception {
    return schema.validate(MAPPER.readTree(json));
  }

  private static boolean codecAccepts(String json) {
    RawMessage raw = new RawMessage("q", 0, 0, 0, null, json.getBytes(StandardCharsets.UTF_8));
    return CODEC.parse(raw, 0).queryOrNull() != null;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"query_id\":\"q\",\"text\":\"tv\"}",
        "{\"query_id\":\"q\",\"text\":\" tv \",\"top_k\":1,\"ts\":0,\"session_id\":\"s\"}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"top_k\":100,\"filters\":{\"brands\":[\"A\"],"
            + "\"price_min\":0,\"price_max\":9.99}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"top_k\":null,\"filters\":null,\"ts\":null,"
            + "\"session_id\":null}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{},\"extra\":[1,2]}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"brands\":[]}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"in_stock\":true}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"explain\":true}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"explain\":null}"
      })
  void queriesTheCodecAcceptsAreSchemaValid(String json) throws Exception {
    assertThat(codecAccepts(json)).isTrue();
    assertThat(validate(QUERY, json)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "\"q\"",
        "{\"text\":\"tv\"}",
        "{\"query_id\":7,\"text\":\"tv\"}",
        "{\"query_id\":\"  \",\"text\":\"tv\"}",
        // ECMA-262 white space the JDK's \\s does not know
        "{\"query_id\":\"\u00a0\ufeff\",\"text\":\"tv\"}",
        // Java's white space the codec also refuses, which ECMA-262 does not count
        "{\"query_id\":\"\\u001c\\u001f\",\"text\":\"tv\"}",
        "{\"query_id\":\"q\"}",
        "{\"query_id\":\"q\",\"text\":[\"tv\"]}",
        "{\"query_id\":\"q\",\"text\":\" \"}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"top_k\":0}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"top_k\":101}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"top_k\":\"ten\"}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"top_k\":1.5}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":[]}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"brand\":[\"A\"]}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"brands\":\"A\"}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"brands\":[\"A\",2]}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"brands\":[\" \"]}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"price_min\":-1}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"price_max\":\"cheap\"}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"ts\":-1}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"session_id\":5}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"explain\":\"yes\"}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"explain\":1}"
      })
  void queriesTheCodecRejectsForShapeAreSchemaInvalid(String json) throws Exception {
    assertThat(codecAccepts(json)).isFalse();
    assertThat(validate(QUERY, json)).isNotEmpty();
  }

  @Test
  void overlongIdsAreRejectedByBoth() throws Exception {
    String json = "{\"query_id\":\"" + "\uD83D\uDE00".repeat(257) + "\",\"text\":\"tv\"}";
    assertThat(codecAccepts(json)).isFalse();
    assertThat(validate(QUERY, json)).isNotEmpty();
    String ok = "{\"query_id\":\"" + "\uD83D\uDE00".repeat(256) + "\",\"text\":\"tv\"}";
    assertThat(codecAccepts(ok)).isTrue();
    assertThat(validate(QUERY, ok)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"query_id\":\"q\",\"text\":\"tv\",\"filters\":{\"price_min\":5,\"price_max\":1}}",
        "{\"query_id\":\"q\",\"text\":\"tv\",\"ts\":1.5e12}"
      })
  void documentedCodecOnlyRulesAreStricterThanTheSchema(String json) throws Exception {
    assertThat(codecAccepts(json)).isFalse();
    assertThat(validate(QUERY, json)).isEmpty();
  }

  @Test
  void encodedResultsAreSchemaValidAndTheSchemaIsClosed() throws Exception {
    String json =
        new String(JSON.encodeResult(MessageJsonTest.sampleResult()), StandardCharsets.UTF_8);
    assertThat(validate(RESULT, json)).isEmpty();

    ObjectNode live = (ObjectNode) MAPPER.readTree(json);
    ((ObjectNode) live.get("items").get(0)).put("price", 9.5).put("in_stock", false);
    assertThat(RESULT.validate(live)).isEmpty();
    SearchResult decoded = JSON.decodeResult(MAPPER.writeValueAsBytes(live));
    assertThat(decoded.items()[0].price()).isEqualTo(9.5);
    assertThat(decoded.items()[0].inStock()).isFalse();
    String reencoded = new String(JSON.encodeResult(decoded), StandardCharsets.UTF_8);
    assertThat(reencoded).contains("\"price\":9.5", "\"in_stock\":false");
    assertThat(validate(RESULT, reencoded)).isEmpty();

    ObjectNode extra = (ObjectNode) MAPPER.readTree(json);
    extra.put("unexpected", 1);
    assertThat(RESULT.validate(extra)).isNotEmpty();
    ObjectNode missing = (ObjectNode) MAPPER.readTree(json);
    missing.remove("ts_out");
    assertThat(RESULT.validate(missing)).isNotEmpty();
    ObjectNode badItem = (ObjectNode) MAPPER.readTree(json);
    ((ObjectNode) badItem.get("items").get(0)).remove("score");
    assertThat(RESULT.validate(badItem)).isNotEmpty();

    String partial =
        new String(JSON.encodeResult(MessageJsonTest.partialResult()), StandardCharsets.UTF_8);
    assertThat(validate(RESULT, partial)).as(partial).isEmpty();
    ObjectNode unsaid = (ObjectNode) MAPPER.readTree(partial);
    unsaid.remove("answered_experts");
    assertThat(RESULT.validate(unsaid)).as("a partial result says who answered").isNotEmpty();
    ObjectNode contradicting = (ObjectNode) MAPPER.readTree(json);
    contradicting.putArray("answered_experts").add(3);
    assertThat(RESULT.validate(contradicting)).isNotEmpty();

    for (String level : SearchResult.DEGRADATION_LEVELS) {
      SearchResult r = MessageJsonTest.sampleResult();
      SearchResult degraded =
          new SearchResult(
              r.queryId(),
              r.text(),
              level.equals(SearchResult.OVERLOADED) ? new RankedItem[0] : r.items(),
              r.experts(),
              r.indexVersion(),
              r.latency(),
              r.cache(),
              r.tsIn(),
              r.tsOut(),
              false,
              r.experts(),
              level);
      String encoded = new String(JSON.encodeResult(degraded), StandardCharsets.UTF_8);
      assertThat(validate(RESULT, encoded)).as(encoded).isEmpty();
    }
    String explained =
        new String(JSON.encodeResult(MessageJsonTest.explainedResult()), StandardCharsets.UTF_8);
    assertThat(validate(RESULT, explained)).as(explained).isEmpty();
    assertThat(JSON.decodeResult(explained.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(MessageJsonTest.explainedResult());
    ObjectNode badExplain = (ObjectNode) MAPPER.readTree(explained);
    ((ObjectNode) badExplain.get("items").get(0).get("explain").get(0)).remove("weight");
    assertThat(RESULT.validate(badExplain)).isNotEmpty();
    ObjectNode unknownLevel = (ObjectNode) MAPPER.readTree(json);
    unknownLevel.put("degraded", "a little");
    assertThat(RESULT.validate(unknownLevel)).isNotEmpty();
  }

  @Test
  void encodedDeadLettersAreSchemaValid() throws Exception {
    DeadLetter text = new DeadLetter("q", 0, 1, "{oops", DeadLetter.UTF8, "malformed JSON", 2);
    DeadLetter binary = DeadLetter.ofBytes("q", -1, -1, new byte[] {(byte) 0xfe, 1}, "bad", 3);
    for (DeadLetter letter : new DeadLetter[] {text, binary}) {
      JsonNode node = MAPPER.readTree(JSON.encodeDeadLetter(letter));
      assertThat(DEAD_LETTER.validate(node)).as(node.toString()).isEmpty();
    }
    ObjectNode badEncoding = (ObjectNode) MAPPER.readTree(JSON.encodeDeadLetter(text));
    badEncoding.put("payload_encoding", "latin1");
    assertThat(DEAD_LETTER.validate(badEncoding)).isNotEmpty();
    ObjectNode notBase64 = (ObjectNode) MAPPER.readTree(JSON.encodeDeadLetter(binary));
    notBase64.put("payload", "{not base64}");
    assertThat(DEAD_LETTER.validate(notBase64)).isNotEmpty();
  }
}
