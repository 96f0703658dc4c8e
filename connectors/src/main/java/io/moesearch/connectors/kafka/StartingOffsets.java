package io.moesearch.connectors.kafka;

import java.util.Locale;

/**
 * Where the Kafka sources start reading when the job has no checkpointed offsets (a submission
 * without a savepoint). A restored job always continues from its checkpointed offsets.
 */
public enum StartingOffsets {
  /**
   * The default: from the consumer group's committed offsets (committed on every checkpoint), and
   * from the beginning of a partition the group has none for; a resubmitted job does not answer the
   * queries its predecessor already answered.
   */
  COMMITTED,
  /** From the beginning of each partition, whatever the group has committed. */
  EARLIEST,
  /** Only records produced after the job starts. */
  LATEST;

  /** Parses {@code "committed"}, {@code "earliest"} or {@code "latest"} (case-insensitive). */
  public static StartingOffsets parse(String value) {
    if (value != null) {
      switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "committed":
          return COMMITTED;
        case "earliest":
          return EARLIEST;
        case "latest":
          return LATEST;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        KafkaSettings.STARTING_OFFSETS + " must be committed, earliest or latest, got " + value);
  }
}
