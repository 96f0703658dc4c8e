package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
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

  /**
   * A computed query's one fill: its result (or release) carrying the query embedding and the id of
   * the model that computed it, exactly as written, through the JSON codec.
   */
  @Test
  void aResultOrReleaseCarryingItsQueryEmbeddingRoundTripsExactly() {
    float[] v = {0.1f, -0.25f, Float.MIN_VALUE, 1e-7f};
    CacheFill result =
        CacheFill.result(
                "usb cable",
                10,
                "b=anker",
                "v1#r0a1b",
                new RankedItem[] {new RankedItem("p1", "Cable", 0.5f)},
                new int[] {3, 7},
                42,
                0.25f,
                7.5f,
                new io.moesearch.core.rank.EntryCut(0.12f, 21.5f, 9.25f, 14, 0.031f, 0.71f, 11))
            .withEmbedding("model-a|mean|128", v);
    assertThat(result.kind()).isEqualTo(CacheFill.Kind.RESULT);
    assertThat(result.version()).as("the index version and ranking").isEqualTo("v1#r0a1b");
    assertThat(result.carriesEmbedding()).isTrue();
    assertThat(result.embeddingModelId()).isEqualTo("model-a|mean|128");
    String encoded = new String(json.encodeCacheFill(result), StandardCharsets.UTF_8);
    assertThat(encoded).contains("\"embedding_model\":\"model-a|mean|128\"");
    CacheFill back = json.decodeCacheFill(json.encodeCacheFill(result));
    assertThat(back).isEqualTo(result);
    assertThat(back.embedding()).containsExactly(v);

    CacheFill release = CacheFill.release("usb cable", 10, "", "v1", 9).withEmbedding("m", v);
    assertThat(json.decodeCacheFill(json.encodeCacheFill(release))).isEqualTo(release);
    CacheFill shared =
        CacheFill.sharedRelease(
                "usb",
                10,
                "",
                "v1",
                new RankedItem[] {new RankedItem("p1", "Cable", 0.5f)},
                new int[] {3},
                5,
                null,
                null,
                "fast_path")
            .withEmbedding("m", v);
    assertThat(json.decodeCacheFill(json.encodeCacheFill(shared))).isEqualTo(shared);

    CacheFill plain = CacheFill.result("usb", 10, "", "v1", new RankedItem[0], new int[0]);
    assertThat(plain.carriesEmbedding()).isFalse();
    assertThat(plain.embeddingModelId()).isNull();
    assertThat(new String(json.encodeCacheFill(plain), StandardCharsets.UTF_8))
        .as("nothing written for an absent embedding")
        .doesNotContain("embedding");
    CacheFill embedding = CacheFill.embedding("usb", "m", v);
    assertThat(embedding.carriesEmbedding()).isTrue();
    assertThat(embedding.embeddingModelId()).as("an embedding's version").isEqualTo("m");
  }

  /**
   * Half a carried embedding, one no model computed (a value not finite, none at all), a blank
   * model, or a model beside an embedding fill's own is refused, naming the field: on the fill
   * topic each becomes a dead letter.
   */
  @Test
  void aCarriedEmbeddingIsRefusedNamingTheFieldWhenHalfOrBroken() {
    String base =
        "{\"kind\":\"result\",\"text\":\"usb\",\"top_k\":10,\"filters\":\"\","
            + "\"version\":\"v1\",\"items\":[],\"experts\":[],\"ts\":5";
    String unit = f32(1f, 0f);
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put(base + ",\"embedding_f32le\":\"" + unit + "\"}", "embedding_model");
    bad.put(base + ",\"embedding_model\":\"m\"}", "embedding_f32le");
    bad.put(
        base + ",\"embedding_f32le\":\"" + f32(Float.NaN, 0f) + "\",\"embedding_model\":\"m\"}",
        "embedding_f32le");
    bad.put(
        base
            + ",\"embedding_f32le\":\""
            + f32(Float.POSITIVE_INFINITY, 0f)
            + "\",\"embedding_model\":\"m\"}",
        "embedding_f32le");
    bad.put(base + ",\"embedding_f32le\":\"\",\"embedding_model\":\"m\"}", "embedding_f32le");
    bad.put(
        base + ",\"embedding_f32le\":\"" + unit + "\",\"embedding_model\":\" \"}",
        "embedding_model");
    bad.put(
        base + ",\"embedding_f32le\":\"" + unit + "\",\"embedding_model\":7}", "embedding_model");
    bad.put(
        base.replace("\"result\"", "\"release\"") + ",\"embedding_model\":\"m\"}",
        "embedding_f32le");
    bad.put(
        "{\"kind\":\"embedding\",\"text\":\"usb\",\"top_k\":0,\"filters\":\"\","
            + "\"version\":\"m\",\"items\":[],\"experts\":[],\"ts\":5,"
            + "\"embedding_f32le\":\""
            + unit
            + "\",\"embedding_model\":\"m\"}",
        "embedding_model");
    bad.forEach(
        (record, field) ->
            assertThatThrownBy(() -> json.decodeCacheFill(record.getBytes(StandardCharsets.UTF_8)))
                .as(record)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field));
    assertThat(
            json.decodeCacheFill(
                    (base + ",\"embedding_f32le\":\"" + unit + "\",\"embedding_model\":\"m\"}")
                        .getBytes(StandardCharsets.UTF_8))
                .embedding())
        .as("the well-formed one")
        .containsExactly(1f, 0f);
    assertThatThrownBy(
            () ->
                CacheFill.embedding("usb", "m", new float[] {1f})
                    .withEmbedding("m", new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * The writer decides from {@link CacheFill#encodedSizeBound} whether a result and its embedding
   * fit in one record of {@code cache.fill-max-bytes}: it must never be below the encoding's size,
   * whatever the strings hold (escaped control characters, characters of 3 and 4 UTF-8 bytes) and
   * whichever optional fields are present.
   */
  @Test
  void theEncodedSizeBoundIsNeverBelowTheEncodedSize() {
    java.util.Random random = new java.util.Random(16);
    String[] alphabet = {"a", "Z", "7", " ", "\"", "\\", "\u0001", "\n", "é", "€", "😀", "\u2028"};
    for (int trial = 0; trial < 300; trial++) {
      int n = random.nextInt(12);
      RankedItem[] items = new RankedItem[n];
      for (int i = 0; i < n; i++) {
        RankedItem item =
            new RankedItem(
                "p" + i + chars(random, alphabet, 8),
                chars(random, alphabet, 200),
                random.nextFloat() * 1e-30f - 0.5f,
                random.nextBoolean() ? null : random.nextDouble() * 1e12,
                random.nextBoolean() ? null : random.nextBoolean(),
                null);
        if (random.nextInt(4) == 0) {
          item =
              item.withExplain(
                  new FeatureContribution[] {
                    FeatureContribution.of("dense" + chars(random, alphabet, 20), -1e-300, 3.3e300)
                  });
        }
        items[i] = item;
      }
      int[] experts = random.ints(random.nextInt(20), Integer.MIN_VALUE, 0).toArray();
      String text = "t" + chars(random, alphabet, 300);
      CacheFill f =
          CacheFill.result(
              text,
              1 + random.nextInt(100),
              chars(random, alphabet, 40),
              "v" + chars(random, alphabet, 30),
              items,
              experts,
              Long.MAX_VALUE - random.nextInt(1000),
              random.nextBoolean() ? null : -random.nextFloat() * 1e-20f,
              random.nextBoolean() ? null : Float.MAX_VALUE,
              random.nextBoolean()
                  ? null
                  : new io.moesearch.core.rank.EntryCut(
                      -1.2345678e-20f,
                      3.4e38f,
                      1.1754944e-38f,
                      99_999,
                      -1.2345678e-20f,
                      -1f,
                      99_999));
      if (random.nextBoolean()) {
        float[] v = new float[1 + random.nextInt(1024)];
        for (int i = 0; i < v.length; i++) {
          v[i] = random.nextFloat() - 0.5f;
        }
        f = f.withEmbedding("m" + chars(random, alphabet, 30), v);
      }
      assertThat((long) json.encodeCacheFill(f).length)
          .as("trial %d", trial)
          .isLessThanOrEqualTo(f.encodedSizeBound());
    }
  }

  private static String chars(java.util.Random random, String[] alphabet, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = random.nextInt(max + 1); i > 0; i--) {
      b.append(alphabet[random.nextInt(alphabet.length)]);
    }
    return b.toString();
  }

  private static String f32(float... v) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return java.util.Base64.getEncoder().encodeToString(b.array());
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
  void canonicalFiltersAreReadBackAsTheFiltersTheyEncode() {
    Filters[] all = {
      new Filters(new String[] {"Apple", "  dell "}, 1.5, 200.0, true),
      new Filters(null, null, 5.0),
      new Filters(null, 0.0, null, true),
      new Filters(new String[] {"\"},{"}, null, null)
    };
    for (Filters f : all) {
      assertThat(Filters.ofCanonical(f.canonical()).canonical()).isEqualTo(f.canonical());
    }
    assertThat(Filters.ofCanonical("")).isNull();
    for (String bad :
        new String[] {"[]", "{\"x\":1}", "{\"in_stock\":false}", "{\"brands\":\"a\"}", "{"}) {
      assertThatThrownBy(() -> Filters.ofCanonical(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
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
