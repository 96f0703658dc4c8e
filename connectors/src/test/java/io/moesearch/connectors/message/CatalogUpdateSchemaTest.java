package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/schemas/catalog-update.schema.json describes what {@link CatalogUpdateCodec} accepts. */
class CatalogUpdateSchemaTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonSchema SCHEMA = load();

  private static JsonSchema load() {
    return EcmaSchemas.load("catalog-update.schema.json");
  }

  private static boolean codecAccepts(String json) {
    return CatalogUpdateCodec.withDefaults()
            .parse(new RawMessage("c", 0, 0, 1, null, json.getBytes(StandardCharsets.UTF_8)), 1)
        instanceof CatalogUpdateCodec.Outcome.Accepted;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"t\"}}",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"t\",\"brand\":\"b\","
            + "\"model\":null,\"price\":2.5,\"in_stock\":false,\"colour\":\"red\"},\"extra\":1}",
        "{\"op\":\"patch\",\"id\":\"a\",\"price\":0,\"ts\":0}",
        "{\"op\":\"patch\",\"id\":\"a\",\"in_stock\":true,\"price\":null,\"ts\":0}",
        "{\"op\":\"delete\",\"id\":\"a\",\"ts\":3}"
      })
  void updatesTheCodecAcceptsAreSchemaValid(String json) throws Exception {
    assertThat(codecAccepts(json)).isTrue();
    assertThat(SCHEMA.validate(MAPPER.readTree(json))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "{\"op\":\"delete\",\"id\":\"a\"}",
        "{\"op\":\"remove\",\"id\":\"a\",\"ts\":1}",
        "{\"op\":\"delete\",\"ts\":1}",
        "{\"op\":\"delete\",\"id\":\"\",\"ts\":1}",
        "{\"op\":\"delete\",\"id\":\"a\",\"ts\":-1}",
        "{\"op\":\"delete\",\"id\":\"a\",\"price\":1,\"ts\":1}",
        "{\"op\":\"patch\",\"id\":\"a\",\"ts\":1}",
        "{\"op\":\"patch\",\"id\":\"a\",\"price\":null,\"ts\":1}",
        "{\"op\":\"patch\",\"id\":\"a\",\"price\":-1,\"ts\":1}",
        "{\"op\":\"patch\",\"id\":\"a\",\"in_stock\":1,\"ts\":1}",
        "{\"op\":\"upsert\",\"ts\":1}",
        "{\"op\":\"upsert\",\"ts\":1,\"id\":\"a\",\"product\":{\"id\":\"a\",\"title\":\"t\"}}",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\"}}",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\" \"}}",
        // ECMA-262 white space the JDK's \\s does not know: no-break spaces, a BOM, U+3000
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"\u00a0\u00a0\"}}",
        "{\"op\":\"delete\",\"id\":\"\ufeff\",\"ts\":1}",
        "{\"op\":\"delete\",\"id\":\"\\u001d\",\"ts\":1}",
        "{\"op\":\"patch\",\"id\":\"\u3000\u2028\",\"price\":1,\"ts\":1}",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"t\",\"price\":\"1\"}}",
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"t\",\""
            + "ΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣ"
            + "ΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣΣ"
            + "Σ\":null}}"
      })
  void updatesTheCodecRejectsForShapeAreSchemaInvalid(String json) throws Exception {
    assertThat(codecAccepts(json)).isFalse();
    assertThat(SCHEMA.validate(MAPPER.readTree(json))).as(json).isNotEmpty();
  }

  /**
   * The codec and the schema both bound an attribute's name in code points (not UTF-16 units): 128
   * emoji (256 units) are accepted, 129 are not.
   */
  @Test
  void anAttributeNameIsBoundedInCodePointsByBoth() throws Exception {
    for (int n : new int[] {128, 129}) {
      String json =
          "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\"a\",\"title\":\"t\",\""
              + "\ud83d\ude00".repeat(n)
              + "\":\"x\"}}";
      assertThat(codecAccepts(json)).as("%d code points", n).isEqualTo(n == 128);
      assertThat(SCHEMA.validate(MAPPER.readTree(json)).isEmpty())
          .as("%d code points", n)
          .isEqualTo(n == 128);
    }
  }
}
