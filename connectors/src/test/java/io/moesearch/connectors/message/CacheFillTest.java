package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CacheFillTest {
  private final MessageJson json = new MessageJson();

  @Test
  void resultAndEmbeddingFillsRoundTripExactly() {
    CacheFill result =
        new CacheFill(
            CacheFill.Kind.RESULT,
            "usb cable",
            10,
            "b=anker",
            "v1",
            new RankedItem[] {new RankedItem("p1", "Cable", 0.5f)},
            new int[] {3, 7},
            null,
            42,
            0.25f,
            7.5f,
            null);
    assertThat(json.decodeCacheFill(json.encodeCacheFill(result))).isEqualTo(result);
    CacheFill cut =
        CacheFill.result(
            "usb cable",
            10,
            "",
            "v1",
            result.items(),
            result.experts(),
            42,
            0.25f,
            7.5f,
            new io.moesearch.core.rank.EntryCut(0.12f, 21.5f, 9.25f, 14, 0.031f, 0.71f, 11));
    assertThat(json.decodeCacheFill(json.encodeCacheFill(cut))).isEqualTo(cut);
    float[] v = {0.1f, -0.25f, Float.MIN_VALUE, 1e-7f};
    CacheFill emb =
        new CacheFill(
            CacheFill.Kind.EMBEDDING,
            "usb",
            0,
            "",
            "m",
            new RankedItem[0],
            new int[0],
            v,
            7,
            null,
            null,
            null);
    CacheFill back = json.decodeCacheFill(json.encodeCacheFill(emb));
    assertThat(back.embedding()).containsExactly(v);
    assertThat(back).isEqualTo(emb);
  }

  @Test
  void aReleaseRoundTripsCarriesNoItemsAndNeverSharesItsTextsRecordKey() {
    CacheFill release = CacheFill.release("usb cable", 10, "b=anker", "v1", 9);
    assertThat(json.decodeCacheFill(json.encodeCacheFill(release))).isEqualTo(release);
    assertThat(release.recordKey())
        .as("on the compacted topic a release must not replace the text's newest fill")
        .isNotEqualTo(
            CacheFill.result("usb cable", 10, "", "v1", new RankedItem[0], new int[0]).recordKey())
        .startsWith("usb cable");
    assertThatThrownBy(
            () ->
                json.decodeCacheFill(
                    ("{\"kind\":\"release\",\"text\":\"a\",\"top_k\":10,\"filters\":\"\","
                            + "\"version\":\"v\",\"items\":[{\"product_id\":\"p\","
                            + "\"title\":\"t\",\"score\":1}],\"experts\":[],\"ts\":1}")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("release");
    assertThatThrownBy(() -> CacheFill.release("a", 0, "", "v", 1)).hasMessageContaining("top_k");
  }

  @Test
  void aReleaseSharesADegradedAnswerOnlyWithItsLevel() {
    RankedItem[] items = {new RankedItem("p1", "Cable", 0.5f)};
    CacheFill shared =
        CacheFill.sharedRelease(
            "usb", 10, "", "v1", items, new int[] {3}, 5, null, null, "fast_path");
    assertThat(json.decodeCacheFill(json.encodeCacheFill(shared))).isEqualTo(shared);
    assertThatThrownBy(
            () ->
                new CacheFill(
                    CacheFill.Kind.RELEASE,
                    "usb",
                    10,
                    "",
                    "v1",
                    items,
                    new int[0],
                    null,
                    5,
                    null,
                    null,
                    null))
        .as("items without the level they were served at")
        .hasMessageContaining("degraded");
    assertThatThrownBy(
            () ->
                CacheFill.sharedRelease(
                    "usb", 10, "", "v1", items, new int[0], 5, null, null, "overloaded"))
        .as("an overloaded answer has nothing to share")
        .hasMessageContaining("degraded");
    assertThatThrownBy(
            () ->
                new CacheFill(
                    CacheFill.Kind.RESULT,
                    "usb",
                    10,
                    "",
                    "v1",
                    items,
                    new int[0],
                    null,
                    5,
                    null,
                    null,
                    "fast_path"))
        .as("a result is served as configured, or it is not cached")
        .hasMessageContaining("degraded");
  }

  @Test
  void aDenseFloorOutsideTheCosineRangeIsRejectedNamingTheField() {
    assertThatThrownBy(
            () ->
                json.decodeCacheFill(
                    ("{\"kind\":\"result\",\"text\":\"a\",\"top_k\":10,\"filters\":\"\","
                            + "\"version\":\"v\",\"items\":[],\"experts\":[],\"ts\":1,"
                            + "\"dense_floor\":7}")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("dense_floor");
  }

  @Test
  void aNegativeOrInfiniteLexicalFloorIsRejectedNamingTheField() {
    for (String bad : new String[] {"-1", "1e39"}) {
      assertThatThrownBy(
              () ->
                  json.decodeCacheFill(
                      ("{\"kind\":\"result\",\"text\":\"a\",\"top_k\":10,\"filters\":\"\","
                              + "\"version\":\"v\",\"items\":[],\"experts\":[],\"ts\":1,"
                              + "\"lexical_floor\":"
                              + bad
                              + "}")
                          .getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .hasMessageContaining("lexical_floor");
    }
  }

  @Test
  void badFillsAreRejectedNamingTheField() {
    assertThatThrownBy(
            () -> json.decodeCacheFill("{\"kind\":\"nope\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("kind");
    assertThatThrownBy(
            () ->
                json.decodeCacheFill(
                    ("{\"kind\":\"embedding\",\"text\":\"a\",\"top_k\":0,\"filters\":\"\","
                            + "\"version\":\"m\",\"items\":[],\"experts\":[],\"ts\":1}")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("embedding");
    assertThatThrownBy(() -> CacheFill.result("t", 0, "", "v", new RankedItem[0], new int[0]))
        .hasMessageContaining("top_k");
  }

  @Test
  void canonicalFiltersIgnoreBrandCaseAndOrder() {
    Filters a = new Filters(new String[] {"Sony", "apple"}, 10.0, null);
    Filters b = new Filters(new String[] {"APPLE", "sony ", "Sony"}, 10.0, null);
    assertThat(a.canonical()).isEqualTo(b.canonical()).contains("apple");
    assertThat(Filters.NONE.canonical()).isEmpty();
    assertThat(new Filters(null, null, 5.0).canonical()).isEqualTo("{\"price_max\":5.0}");
  }

  @Test
  void aResultVersionNamesTheIndexVersionAndTheRankingFingerprint() {
    assertThat(CacheFill.resultVersion("v20261203-140437-f913", "r0a1b"))
        .isEqualTo("v20261203-140437-f913#r0a1b");
    assertThat(CacheFill.resultVersion("v1", "")).isEqualTo("v1");
    assertThat(CacheFill.indexVersionOf("v20261203-140437-f913#r0a1b"))
        .isEqualTo("v20261203-140437-f913");
    assertThat(CacheFill.indexVersionOf("v1")).isEqualTo("v1");
    assertThatThrownBy(() -> CacheFill.resultVersion("v1", "r#1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ranking fingerprint");
    assertThatThrownBy(() -> CacheFill.resultVersion(" ", "r1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** An entry cut no fusion could give, or on anything but a result, is rejected naming it. */
  @Test
  void aBadEntryCutIsRejectedNamingTheField() {
    String base =
        "{\"kind\":\"result\",\"text\":\"usb\",\"top_k\":10,\"filters\":\"\","
            + "\"version\":\"v1\",\"items\":[],\"experts\":[],\"ts\":5,";
    assertThatThrownBy(
            () ->
                json.decodeCacheFill(
                    (base
                            + "\"entry_cut\":{\"dense_weight\":0.1,\"bm25_top\":1,"
                            + "\"bm25_bar\":2,\"bar_rank\":9,\"kth_score\":0,\"dense_bar\":0.5,\"dense_bar_rank\":9}}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bm25_bar");
    assertThatThrownBy(
            () ->
                json.decodeCacheFill(
                    (base + "\"entry_cut\":{\"dense_weight\":0.1}}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry_cut");
    assertThatThrownBy(
            () ->
                json.decodeCacheFill(
                    (base.replace("\"result\"", "\"release\"")
                            + "\"entry_cut\":{\"dense_weight\":0.1,\"bm25_top\":1,"
                            + "\"bm25_bar\":1,\"bar_rank\":9,\"kth_score\":0,\"dense_bar\":0.5,\"dense_bar_rank\":9}}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry_cut");
  }
}
