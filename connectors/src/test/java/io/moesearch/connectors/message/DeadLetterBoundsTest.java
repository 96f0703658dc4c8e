package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadLetterBoundsTest {
  private final MessageJson json = new MessageJson();

  @Test
  void anyPayloadAndReasonEncodeWithinTheBoundAndRoundTrip() {
    Random random = new Random(11);
    String[] hostile = {"\u0000", "\u001f", "\"", "\\", "\ud800", "\udc00", "\ud83d\ude00", "é"};
    for (int round = 0; round < 50; round++) {
      StringBuilder payload = new StringBuilder();
      StringBuilder reason = new StringBuilder("bad: ");
      int n = random.nextInt(300_000);
      for (int i = 0; i < n; i++) {
        payload.append(hostile[random.nextInt(hostile.length)]);
        if (i < 20_000) {
          reason.append(hostile[random.nextInt(hostile.length)]);
        }
      }
      DeadLetter d =
          new DeadLetter(
              "t".repeat(300), 0, 1, payload.toString(), DeadLetter.UTF8, reason.toString(), 1);
      byte[] encoded = json.encodeDeadLetter(d);
      assertThat(encoded.length).isLessThanOrEqualTo(DeadLetter.MAX_ENCODED_BYTES);
      assertThat(json.decodeDeadLetter(encoded)).isEqualTo(d);
    }
  }

  @Test
  void aCutBase64PayloadStillDecodesToTheFirstBytes() {
    byte[] value = new byte[100_000];
    new Random(3).nextBytes(value);
    value[0] = (byte) 0xC3; // not UTF-8
    value[1] = (byte) 0x28;
    DeadLetter d = DeadLetter.ofBytes("t", 0, 1, value, "why", 1);
    assertThat(d.payloadEncoding()).isEqualTo(DeadLetter.BASE64);
    byte[] kept = d.payloadBytes();
    assertThat(kept.length).isGreaterThan(6000);
    for (int i = 0; i < kept.length; i++) {
      assertThat(kept[i]).isEqualTo(value[i]);
    }
    assertThat(d.reason()).startsWith("why (payload cut to its first 8192 of ");
  }

  @Test
  void unpairedSurrogatesBecomeReplacementCharacters() {
    DeadLetter d = new DeadLetter("t", 0, 1, "a\ud800", DeadLetter.UTF8, "x\udc00", 1);
    assertThat(d.payload()).isEqualTo("a\ufffd");
    assertThat(d.reason()).isEqualTo("x\ufffd");
    assertThat(new String(json.encodeDeadLetter(d), StandardCharsets.UTF_8)).contains("x\ufffd");
  }
}
