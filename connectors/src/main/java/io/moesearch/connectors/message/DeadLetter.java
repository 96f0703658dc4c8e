package io.moesearch.connectors.message;

import io.moesearch.core.cache.QueryNormalizer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A message that could not be processed, written to the dead-letter topic.
 *
 * <p>Its encoded size is bounded whatever the input ({@link #MAX_ENCODED_BYTES}): the payload is
 * cut to {@link #MAX_PAYLOAD_CHARS} characters (the reason then says so), the reason to {@link
 * #MAX_REASON_CHARS}, and unpaired surrogates (which have no UTF-8 form) in the topic, payload or
 * reason are replaced by U+FFFD, so a dead letter can always be written.
 *
 * @param topic source topic, non-blank
 * @param partition source partition, or {@code -1} when unknown
 * @param offset source offset, or {@code -1} when unknown
 * @param payload the original value as text ({@code ""} for a null or empty value), possibly cut
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

  /** At most this many characters of the payload are kept. */
  public static final int MAX_PAYLOAD_CHARS = 8192;

  /** At most this many characters of the reason are kept. */
  public static final int MAX_REASON_CHARS = 1000;

  /**
   * An upper bound of the encoded JSON's size in bytes: every kept character of the payload, reason
   * and topic (at most 249, Kafka's limit; longer ones are cut) escaped to at most 6 bytes, plus
   * the fixed fields. Far below Kafka's default 1 MiB record limit.
   */
  public static final int MAX_ENCODED_BYTES = 64 * 1024;

  private static final int MAX_TOPIC_CHARS = 249;

  public DeadLetter {
    Checks.requireNonBlank(topic, "topic");
    topic = Checks.cut(wellFormed(topic), MAX_TOPIC_CHARS);
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
    if (payload.length() > MAX_PAYLOAD_CHARS) {
      int keep = MAX_PAYLOAD_CHARS;
      if (BASE64.equals(payloadEncoding)) {
        keep -= keep % 4; // whole base64 quanta, so the kept part still decodes
      }
      reason =
          reason
              + " (payload cut to its first "
              + keep
              + " of "
              + payload.length()
              + " characters)";
      payload = Checks.cut(payload, keep);
    }
    payload = wellFormed(payload);
    reason = Checks.cut(wellFormed(reason), MAX_REASON_CHARS);
  }

  /** {@code s} with every unpaired surrogate replaced by U+FFFD. */
  private static String wellFormed(String s) {
    if (QueryNormalizer.firstUnpairedSurrogate(s) < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }

  /** A dead letter for a consumed record that could not be processed, stamped now. */
  public static DeadLetter of(RawMessage record, String reason) {
    return ofBytes(
        record.topic(),
        record.partition(),
        record.offset(),
        record.value(),
        reason,
        System.currentTimeMillis());
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

  /**
   * The first {@code limit} bytes of an oversized record ({@code value.length > limit}), cut back
   * so that no UTF-8 sequence is split: a text payload's head stays text ({@link #ofBytes}), not
   * base64.
   */
  static byte[] truncateUtf8(byte[] value, int limit) {
    int end = limit;
    // Back off over continuation bytes (10xxxxxx) so a multi-byte character is not split.
    for (int i = 0; i < 3 && end > 0 && (value[end] & 0xC0) == 0x80; i++) {
      end--;
    }
    byte[] out = new byte[end];
    System.arraycopy(value, 0, out, 0, end);
    return out;
  }
}
