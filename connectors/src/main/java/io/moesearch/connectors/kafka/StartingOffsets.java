package io.moesearch.connectors.kafka;

import java.util.Locale;

/** Where the query source starts reading when the job has no checkpointed offsets. */
public enum StartingOffsets {
  /** From the beginning of each partition. */
  EARLIEST,
  /** Only records produced after the job starts. */
  LATEST;

  /** Parses {@code "earliest"} or {@code "latest"} (case-insensitive). */
  public static StartingOffsets parse(String value) {
    if (value != null) {
      switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "earliest":
          return EARLIEST;
        case "latest":
          return LATEST;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        KafkaSettings.STARTING_OFFSETS + " must be earliest or latest, got " + value);
  }
}
