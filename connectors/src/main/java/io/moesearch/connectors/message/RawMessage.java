package io.moesearch.connectors.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Kafka record as consumed, before any parsing, so that reading never fails on bad input.
 *
 * <p>Arrays are not copied: callers must not mutate them after construction.
 *
 * @param topic source topic, non-blank
 * @param partition source partition, or {@code -1} when unknown
 * @param offset source offset, or {@code -1} when unknown
 * @param timestamp record timestamp in epoch millis (Kafka uses {@code -1} for none)
 * @param key record key, may be {@code null}
 * @param value record value, may be {@code null}
 * @param signature the value of the record's {@value FillSigner#HEADER} header (a cache fill's
 *     authentication tag), or {@code null} when absent
 */
public record RawMessage(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    byte[] signature) {

  /**
   * How far a client's {@code ts} may be ahead of its Kafka record's timestamp (or, for a record
   * without one, of the time it is read) and still be trusted as its event time, in milliseconds:
   * Kafka's own bound for record timestamps, {@code log.message.timestamp.after.max.ms}, is one
   * hour by default.
   */
  public static final long MAX_CLOCK_SKEW_MS = 3_600_000L;

  /**
   * Whether a client's {@code ts} (epoch ms) is more than {@link #MAX_CLOCK_SKEW_MS} ahead of this
   * record's timestamp, or, for a record without one ({@code <= 0}), of {@code readAtMillis}.
   */
  public boolean tsTooFarAhead(long ts, long readAtMillis) {
    return ts - (timestamp > 0 ? timestamp : readAtMillis) > MAX_CLOCK_SKEW_MS;
  }

  /** A record without a signature header. */
  public RawMessage(
      String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this(topic, partition, offset, timestamp, key, value, null);
  }

  public RawMessage {
    Checks.requireNonBlank(topic, "topic");
    if (partition < -1) {
      throw new IllegalArgumentException("partition must be >= -1, got " + partition);
    }
    if (offset < -1) {
      throw new IllegalArgumentException("offset must be >= -1, got " + offset);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawMessage m
        && topic.equals(m.topic)
        && partition == m.partition
        && offset == m.offset
        && timestamp == m.timestamp
        && Arrays.equals(key, m.key)
        && Arrays.equals(value, m.value)
        && Arrays.equals(signature, m.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        topic,
        partition,
        offset,
        timestamp,
        Arrays.hashCode(key),
        Arrays.hashCode(value),
        Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "RawMessage[topic="
        + topic
        + ", partition="
        + partition
        + ", offset="
        + offset
        + ", timestamp="
        + timestamp
        + ", keyBytes="
        + (key == null ? "null" : key.length)
        + ", valueBytes="
        + (value == null ? "null" : value.length)
        + ", signed="
        + (signature != null)
        + "]";
  }
}
