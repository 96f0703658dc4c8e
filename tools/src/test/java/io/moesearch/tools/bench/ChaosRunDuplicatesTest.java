package io.moesearch.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How {@code bench chaos} tells duplicate answers apart: identical by their items whatever the
 * delivery's own fields; differing ones split into those with a degraded or partial answer and
 * those whose answers were all full quality; every pair written out.
 */
class ChaosRunDuplicatesTest {
  private static String answer(String items, String degraded, boolean partial, long tsOut) {
    return "{\"query_id\":\"q\",\"text\":\"t\",\"items\":"
        + items
        + ",\"experts\":[1],\"cache\":\"miss\",\"latency\":{\"total_ms\":"
        + tsOut % 97
        + "},\"ts_in\":1,\"ts_out\":"
        + tsOut
        + ",\"partial\":"
        + partial
        + (degraded == null ? "" : ",\"degraded\":\"" + degraded + "\"")
        + "}";
  }

  private static final String A = "[{\"product_id\":\"p1\",\"title\":\"x\",\"score\":0.64}]";
  private static final String B = "[{\"product_id\":\"p1\",\"title\":\"x\",\"score\":0.6400001}]";

  @Test
  void countsDuplicatesAndSplitsTheDifferingOnesByQuality() throws Exception {
    Map<String, List<String>> answers = new LinkedHashMap<>();
    answers.put("once", List.of(answer(A, "none", false, 10)));
    // Identical items, other delivery fields (latency, ts_out, cache): identical.
    answers.put("same", List.of(answer(A, "none", false, 10), answer(A, null, false, 99)));
    // Both full quality, a score differs in the last digits: not identical, full quality.
    answers.put("full", List.of(answer(A, "none", false, 10), answer(B, "none", false, 11)));
    // The replay was degraded under overload: not identical, degraded.
    answers.put(
        "overload", List.of(answer(A, "none", false, 10), answer("[]", "overloaded", false, 12)));
    // The first answer was cut at the merge timeout: not identical, degraded.
    answers.put("partial", List.of(answer(B, "none", true, 10), answer(A, "none", false, 12)));
    // Three answers, the third differs.
    answers.put(
        "thrice",
        List.of(
            answer(A, "none", false, 10),
            answer(A, "none", false, 11),
            answer(B, null, false, 12)));

    ChaosRun.Duplicates d = ChaosRun.duplicates(answers);

    assertThat(d.duplicated()).isEqualTo(5);
    assertThat(d.notIdentical()).isEqualTo(4);
    assertThat(d.notIdenticalDegraded()).isEqualTo(2);
    assertThat(d.notIdenticalFullQuality()).isEqualTo(2);
    assertThat(d.identical()).isFalse();

    ObjectMapper json = new ObjectMapper();
    assertThat(d.pairs()).hasSize(6);
    JsonNode first = json.readTree(d.pairs().get(0));
    assertThat(first.get("query_id").asText()).isEqualTo("same");
    assertThat(first.get("identical").asBoolean()).isTrue();
    assertThat(first.get("degraded").asBoolean()).isFalse();
    assertThat(first.get("first").get("ts_out").asLong()).isEqualTo(10);
    assertThat(first.get("other").get("ts_out").asLong()).isEqualTo(99);
    JsonNode overload = json.readTree(d.pairs().get(2));
    assertThat(overload.get("query_id").asText()).isEqualTo("overload");
    assertThat(overload.get("identical").asBoolean()).isFalse();
    assertThat(overload.get("degraded").asBoolean()).isTrue();
  }

  @Test
  void withoutDuplicatesEverythingIsIdentical() {
    ChaosRun.Duplicates d = ChaosRun.duplicates(Map.of("a", List.of(answer(A, "none", false, 1))));
    assertThat(d.duplicated()).isZero();
    assertThat(d.identical()).isTrue();
    assertThat(d.pairs()).isEmpty();
  }

  @Test
  void anAnswerThatIsNotJsonIsRejected() {
    assertThatThrownBy(() -> ChaosRun.duplicates(Map.of("a", List.of("{}", "not json"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void inconsistentCountsAreRejected() {
    assertThatThrownBy(() -> new ChaosRun.Duplicates(1, 2, 1, 1, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
