package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.FillSigner;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.RawMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ParseCacheFillsTest {
  private static final FillSigner SIGNER = new FillSigner(key((byte) 7));
  private static final FillSigner OTHER = new FillSigner(key((byte) 8));
  private static final MessageJson JSON = new MessageJson();

  private static byte[] key(byte b) {
    byte[] k = new byte[FillSigner.MIN_KEY_BYTES];
    Arrays.fill(k, b);
    return k;
  }

  private static RawMessage signed(long offset, byte[] value, FillSigner signer) {
    return new RawMessage("search-cache-fill", 0, offset, 1L, null, value, signer.sign(value));
  }

  private static RawMessage signed(long offset, CacheFill fill) {
    return signed(offset, JSON.encodeCacheFill(fill), SIGNER);
  }

  private static CacheFill result(String text, int topK, String[] ids, int[] experts) {
    RankedItem[] items = new RankedItem[ids.length];
    for (int i = 0; i < ids.length; i++) {
      items[i] = new RankedItem(ids[i], "t", 1f);
    }
    return CacheFill.result(text, topK, "", "v1", items, experts);
  }

  private static float[] unit(int dim) {
    float[] v = new float[dim];
    v[0] = 1f;
    return v;
  }

  private static List<String> reasons(OneInputStreamOperatorTestHarness<RawMessage, CacheFill> h) {
    return h.getSideOutput(ParseQueries.DEAD_LETTERS).stream()
        .map(r -> r.getValue().offset() + ": " + r.getValue().reason())
        .toList();
  }

  private static OneInputStreamOperatorTestHarness<RawMessage, CacheFill> harness(int maxBytes)
      throws Exception {
    return Harnesses.withoutGenericTypes(
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new ParseCacheFills(maxBytes, SIGNER, 4))));
  }

  @Test
  void onlyFillsSignedWithTheKeyPassAndEveryOtherRecordIsDeadLetteredWithTheReason()
      throws Exception {
    CacheFill fill = result("toner", 10, new String[] {"p"}, new int[] {1});
    byte[] value = JSON.encodeCacheFill(fill);
    byte[] altered = new String(value, StandardCharsets.UTF_8).replace("toner", "tonor").getBytes();
    try (var h = harness(256)) {
      h.open();
      h.processElement(new StreamRecord<>(signed(1, value, SIGNER)));
      h.processElement(
          new StreamRecord<>(new RawMessage("search-cache-fill", 0, 2, 1L, null, value)));
      h.processElement(new StreamRecord<>(signed(3, value, OTHER)));
      h.processElement(
          new StreamRecord<>(
              new RawMessage("search-cache-fill", 0, 4, 1L, null, altered, SIGNER.sign(value))));
      h.processElement(
          new StreamRecord<>(signed(5, "{\"kind\":1}".getBytes(StandardCharsets.UTF_8), SIGNER)));
      h.processElement(new StreamRecord<>(signed(6, new byte[300], SIGNER)));
      h.processElement(new StreamRecord<>(new RawMessage("t", 0, 7, 1L, null, null)));
      assertThat(h.extractOutputValues()).containsExactly(fill);
      assertThat(reasons(h))
          .containsExactly(
              "2: cache fill is not signed (no moe-search-mac header)",
              "3: cache fill's moe-search-mac tag does not verify (signed with another key, or"
                  + " altered)",
              "4: cache fill's moe-search-mac tag does not verify (signed with another key, or"
                  + " altered)",
              "5: invalid cache fill: kind must be a string, got number",
              "6: cache fill of 300 bytes exceeds 256 bytes",
              "7: cache fill has no value");
    }
  }

  @Test
  void signedFillsThatBreakTheServedShapeAreDeadLettered() throws Exception {
    try (var h = harness(1 << 20)) {
      h.open();
      h.processElement(new StreamRecord<>(signed(1, CacheFill.embedding("x", "m", unit(1)))));
      float[] longVector = unit(4);
      longVector[1] = 1f;
      h.processElement(new StreamRecord<>(signed(2, CacheFill.embedding("x", "m", longVector))));
      h.processElement(
          new StreamRecord<>(signed(3, result("x", 1, new String[] {"a", "b"}, new int[0]))));
      h.processElement(
          new StreamRecord<>(signed(4, result("x", 5, new String[] {"a", "a"}, new int[0]))));
      h.processElement(
          new StreamRecord<>(signed(5, result("x", 5, new String[] {"a"}, new int[] {-1}))));
      h.processElement(
          new StreamRecord<>(signed(6, result("X  y", 5, new String[] {"a"}, new int[] {1}))));
      h.processElement(new StreamRecord<>(signed(7, CacheFill.embedding("ok", "m", unit(4)))));
      // Dated an hour ahead (a writer's clock running fast): it would ignore every catalogue change
      // until then, a deleted product served from it.
      CacheFill now = result("x", 5, new String[] {"a"}, new int[] {1});
      CacheFill ahead =
          new CacheFill(
              now.kind(),
              now.text(),
              now.topK(),
              now.filters(),
              now.version(),
              now.items(),
              now.experts(),
              null,
              System.currentTimeMillis() + 3_600_000L,
              null,
              null,
              null);
      h.processElement(new StreamRecord<>(signed(8, ahead)));
      assertThat(h.extractOutputValues()).extracting(CacheFill::text).containsExactly("ok");
      assertThat(reasons(h))
          .containsExactly(
              "1: invalid cache fill: embedding_f32le has dimension 1, the model's is 4",
              "2: invalid cache fill: embedding_f32le has L2 norm 1.4142135623730951, expected 1",
              "3: invalid cache fill: 2 items for top_k 1",
              "4: invalid cache fill: product a is listed twice",
              "5: invalid cache fill: expert ids must be distinct and >= 0",
              "6: invalid cache fill: text is not in normal form",
              "8: invalid cache fill: ts "
                  + ahead.ts()
                  + " is more than 2000 ms ahead of this task's clock");
    }
  }

  /**
   * A signed fill within the byte limit may still make answers too large for one Kafka record: an
   * answer served from it carries its experts and items, so a fill listing more experts than {@link
   * ParseCacheFills#MAX_EXPERTS} or items with explanations (which no cached answer has, and whose
   * feature names are free text: 4-byte characters escaped to 12 bytes each) is a dead letter.
   */
  @Test
  void aSignedFillThatWouldMakeAnOversizedAnswerIsDeadLettered() throws Exception {
    int[] many = java.util.stream.IntStream.range(0, ParseCacheFills.MAX_EXPERTS + 1).toArray();
    int[] most = Arrays.copyOf(many, ParseCacheFills.MAX_EXPERTS);
    RankedItem explained =
        new RankedItem("a", "t", 1f)
            .withExplain(
                new io.moesearch.connectors.message.FeatureContribution[] {
                  io.moesearch.connectors.message.FeatureContribution.of("\ud83d\ude00", 1, 1)
                });
    try (var h = harness(1 << 20)) {
      h.open();
      h.processElement(new StreamRecord<>(signed(1, result("x", 5, new String[] {"a"}, many))));
      h.processElement(
          new StreamRecord<>(
              signed(2, CacheFill.result("x", 5, "", "v1", new RankedItem[] {explained}, most))));
      CacheFill ok = result("y", 5, new String[] {"a"}, most);
      h.processElement(new StreamRecord<>(signed(3, ok)));
      assertThat(h.extractOutputValues()).containsExactly(ok);
      assertThat(reasons(h))
          .containsExactly(
              "1: invalid cache fill: 1025 experts, at most 1024",
              "2: invalid cache fill: product a carries an explanation");
    }
  }

  @Test
  void anOversizedFillBecomesADeadLetterOfBoundedEncodedSize() throws Exception {
    byte[] big = "\u0001".repeat(200_000).getBytes(StandardCharsets.UTF_8);
    try (var h = harness(1024)) {
      h.open();
      h.processElement(new StreamRecord<>(signed(1, big, SIGNER)));
      DeadLetter dead = h.getSideOutput(ParseQueries.DEAD_LETTERS).poll().getValue();
      assertThat(JSON.encodeDeadLetter(dead).length).isLessThan(DeadLetter.MAX_ENCODED_BYTES);
      assertThat(dead.reason()).startsWith("cache fill of 200000 bytes exceeds 1024 bytes");
    }
  }

  /**
   * A result or release carrying its query's embedding passes the embedding's checks too (the
   * model's dimension, unit norm): one the embedding cache could not take is a dead letter, result
   * and all, naming the field.
   */
  @Test
  void aResultCarryingAnEmbeddingPassesTheEmbeddingsChecksToo() throws Exception {
    CacheFill ok = result("x", 5, new String[] {"a"}, new int[] {1});
    float[] notUnit = unit(4);
    notUnit[1] = 1f;
    try (var h = harness(1 << 20)) {
      h.open();
      h.processElement(new StreamRecord<>(signed(1, ok.withEmbedding("m", unit(1)))));
      h.processElement(new StreamRecord<>(signed(2, ok.withEmbedding("m", notUnit))));
      h.processElement(
          new StreamRecord<>(
              signed(3, CacheFill.release("x", 5, "", "v1", 1).withEmbedding("m", unit(3)))));
      h.processElement(new StreamRecord<>(signed(4, ok.withEmbedding("m", unit(4)))));
      h.processElement(
          new StreamRecord<>(
              signed(5, CacheFill.release("x", 5, "", "v1", 1).withEmbedding("m", unit(4)))));
      assertThat(h.extractOutputValues())
          .extracting(CacheFill::kind, f -> f.embedding().length, CacheFill::embeddingModelId)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(CacheFill.Kind.RESULT, 4, "m"),
              org.assertj.core.groups.Tuple.tuple(CacheFill.Kind.RELEASE, 4, "m"));
      assertThat(reasons(h))
          .containsExactly(
              "1: invalid cache fill: embedding_f32le has dimension 1, the model's is 4",
              "2: invalid cache fill: embedding_f32le has L2 norm 1.4142135623730951, expected 1",
              "3: invalid cache fill: embedding_f32le has dimension 3, the model's is 4");
    }
  }
}
