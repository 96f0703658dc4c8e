package io.moesearch.connectors.message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A message that could not be processed, written to the dead-letter topic.
 *
 * @param topic source topic, non-blank
 * @param partition source partition, or {@code -1} when unknown
 * @param offset source offset, or {@code -1} when unknown
 * @param payload the original value as text ({@code ""} for a null or empty value)
 * @param payloadEncoding {@value #UTF8} when {@code payload} is the value decoded as UTF-8, {@value
 *     #BASE64} when the value was not valid UTF-8 and {@code payload} is its standard base64
 * @param reason human-readable reason naming the problem, non-blank
 * @param ts epoch millis when the dead letter was created, non-negative
 */
public record DeadLetter(
    String topic,
    int partition,
    long offset,
    String payload,
    String payloadEncoding,
    String reason,
    long ts) {

  public static final String UTF8 = "utf8";
  public static final String BASE64 = "base64";

  public DeadLetter {
    Checks.requireNonBlank(topic, "topic");
    if (partition < -1) {
      throw new IllegalArgumentException("partition must be >= -1, got " + partition);
    }
    if (offset < -1) {
      throw new IllegalArgumentException("offset must be >= -1, got " + offset);
    }
    Checks.requireNonNull(payload, "payload");
    if (!UTF8.equals(payloadEncoding) && !BASE64.equals(payloadEncoding)) {
      throw new IllegalArgumentException(
          "payload_encoding must be \"utf8\" or \"base64\", got " + payloadEncoding);
    }
    Checks.requireNonBlank(reason, "reason");
    Checks.requireNonNegative(ts, "ts");
  }

  /**
   * Creates a dead letter for raw bytes: stored as text when they are valid UTF-8, as base64
   * otherwise. A {@code null} payload is stored as {@code ""}.
   */
  public static DeadLetter ofBytes(
      String topic, int partition, long offset, byte[] payload, String reason, long ts) {
    if (payload == null) {
      return new DeadLetter(topic, partition, offset, "", UTF8, reason, ts);
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(payload))
              .toString();
      return new DeadLetter(topic, partition, offset, text, UTF8, reason, ts);
    } catch (CharacterCodingException e) {
      return new DeadLetter(
          topic,
          partition,
          offset,
          Base64.getEncoder().encodeToString(payload),
          BASE64,
          reason,
          ts);
    }
  }

  /** The payload bytes as originally received (base64-decoded when needed). */
  public byte[] payloadBytes() {
    return BASE64.equals(payloadEncoding)
        ? Base64.getDecoder().decode(payload)
        : payload.getBytes(StandardCharsets.UTF_8);
  }
}
