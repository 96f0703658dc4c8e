package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.FillSigner;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RawMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Cache-fill records a holder of the fill key (or anyone, unsigned) may write: every one that is
 * not a well-formed fill is a dead letter with a bounded encoding, and none fails the task.
 */
class HostileCacheFillTest {
  private static final FillSigner SIGNER;

  static {
    byte[] k = new byte[FillSigner.MIN_KEY_BYTES];
    Arrays.fill(k, (byte) 3);
    SIGNER = new FillSigner(k);
  }

  private static String f32(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  private static String embedding(String f32) {
    return "{\"kind\":\"embedding\",\"text\":\"toner\",\"top_k\":0,\"filters\":\"\",\"version\":\"m\","
        + "\"items\":[],\"experts\":[],\"embedding_f32le\":\""
        + f32
        + "\",\"ts\":1}";
  }

  private static String result(String text, int topK, String items, String experts) {
    return "{\"kind\":\"result\",\"text\":\""
        + text
        + "\",\"top_k\":"
        + topK
        + ",\"filters\":\"\",\"version\":\"v\",\"items\":["
        + items
        + "],\"experts\":["
        + experts
        + "],\"ts\":1}";
  }

  /** A result carrying {@code f32} as its query's embedding, with {@code model} (raw JSON). */
  private static String resultWithEmbedding(String f32, String model) {
    return result("toner", 5, item("a"), "1")
        .replace(
            "\"ts\":1}",
            "\"ts\":1,\"embedding_f32le\":\""
                + f32
                + "\""
                + (model == null ? "" : ",\"embedding_model\":" + model)
                + "}");
  }

  private static String item(String id) {
    return "{\"product_id\":\"" + id + "\",\"title\":\"t\",\"score\":1.0}";
  }

  @Test
  void everyMalformedFillIsABoundedDeadLetterAndNoneFailsTheTask() throws Exception {
    List<String> hostile =
        List.of(
            embedding(f32(Float.NaN, 0, 0, 0)),
            embedding(f32(Float.POSITIVE_INFINITY, 0, 0, 0)),
            embedding(f32(0, 0, 0, 0)),
            embedding(f32(1, 0, 0)),
            embedding(f32(1, 0, 0, 0, 0)),
            embedding(""),
            embedding("AAA"),
            embedding("not base64!"),
            result("toner", 1, item("a") + "," + item("b"), "1"),
            result("toner", 0, "", "1"),
            result("toner", 101, "", "1"),
            result("toner", 5, item("a") + "," + item("a"), "1"),
            result("toner", 5, item("a"), "-1"),
            result("toner", 5, item("a"), "2,2"),
            result("toner", 5, item(""), "1"),
            result("toner", 5, "{\"product_id\":\"a\",\"score\":\"NaN\"}", "1"),
            result("toner", 5, "{\"product_id\":\"a\",\"title\":\"t\",\"score\":1e400}", "1"),
            result(
                "toner", 5, "{\"product_id\":\"a\",\"title\":\"t\",\"score\":1,\"price\":-1}", "1"),
            result(" Toner", 5, item("a"), "1"),
            result("", 5, item("a"), "1"),
            result("toner", 5, item("a"), "1").replace("\"result\"", "\"bogus\""),
            result("toner", 5, item("a"), "1").replace("\"ts\":1", "\"ts\":-1"),
            result("toner", 5, item("a"), "1").replace("\"version\":\"v\"", "\"version\":\"\""),
            result("toner", 5, item("a"), "1").replace("\"ts\":1", "\"ts\":1,\"ts\":2"),
            // A result carrying its query's embedding: every way the embedding part can be bad.
            resultWithEmbedding(f32(Float.NaN, 0, 0, 0), "\"m\""),
            resultWithEmbedding(f32(Float.NEGATIVE_INFINITY, 0, 0, 0), "\"m\""),
            resultWithEmbedding(f32(1, 0, 0), "\"m\""),
            resultWithEmbedding(f32(1, 0, 0, 0, 0), "\"m\""),
            resultWithEmbedding(f32(0, 0, 0, 0), "\"m\""),
            resultWithEmbedding("not base64!", "\"m\""),
            resultWithEmbedding(f32(1, 0, 0, 0), null),
            resultWithEmbedding(f32(1, 0, 0, 0), "\"\""),
            resultWithEmbedding(f32(1, 0, 0, 0), "null"),
            resultWithEmbedding(f32(1, 0, 0, 0), "[\"m\"]"),
            result("toner", 5, item("a"), "1")
                .replace("\"ts\":1}", "\"ts\":1,\"embedding_model\":\"m\"}"),
            embedding(f32(1, 0, 0, 0)).replace("\"ts\":1}", "\"ts\":1,\"embedding_model\":\"m\"}"),
            "[" + "[".repeat(500) + "]".repeat(500) + "]",
            "\"fill\"",
            "{");
    MessageJson json = new MessageJson();
    try (var h =
        Harnesses.withoutGenericTypes(
            new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ParseCacheFills(1 << 20, SIGNER, 4))))) {
      h.open();
      long offset = 0;
      for (String value : hostile) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        h.processElement(
            new StreamRecord<>(new RawMessage("fills", 0, offset++, 1, null, v, SIGNER.sign(v))));
      }
      byte[] big = new byte[(1 << 20) + 1];
      h.processElement(
          new StreamRecord<>(new RawMessage("fills", 0, offset++, 1, null, big, SIGNER.sign(big))));
      // A well-formed result carrying an embedding too long for the record limit (300,000 floats).
      float[] huge = new float[300_000];
      huge[0] = 1;
      byte[] oversized = resultWithEmbedding(f32(huge), "\"m\"").getBytes(StandardCharsets.UTF_8);
      assertThat(oversized.length).isGreaterThan(1 << 20);
      h.processElement(
          new StreamRecord<>(
              new RawMessage("fills", 0, offset++, 1, null, oversized, SIGNER.sign(oversized))));
      byte[] ok = embedding(f32(1, 0, 0, 0)).getBytes(StandardCharsets.UTF_8);
      for (byte[] tag : new byte[][] {new byte[0], new byte[1], new byte[64]}) {
        h.processElement(
            new StreamRecord<>(new RawMessage("fills", 0, offset++, 1, null, ok, tag)));
      }
      h.processElement(
          new StreamRecord<>(
              new RawMessage("fills", 0, offset++, 1, null, null, SIGNER.sign(new byte[0]))));
      h.processElement(
          new StreamRecord<>(new RawMessage("fills", 0, offset++, 1, null, ok, SIGNER.sign(ok))));
      byte[] okBoth =
          resultWithEmbedding(f32(1, 0, 0, 0), "\"m\"").getBytes(StandardCharsets.UTF_8);
      h.processElement(
          new StreamRecord<>(
              new RawMessage("fills", 0, offset++, 1, null, okBoth, SIGNER.sign(okBoth))));

      // only the last two, well-formed and signed
      assertThat(h.extractOutputValues()).hasSize(2);
      List<DeadLetter> dead =
          h.getSideOutput(ParseQueries.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
      assertThat(dead).hasSize((int) offset - 2);
      for (DeadLetter d : dead) {
        assertThat(d.reason()).isNotBlank();
        assertThat(json.encodeDeadLetter(d).length)
            .isLessThanOrEqualTo(DeadLetter.MAX_ENCODED_BYTES);
      }
    }
  }
}
