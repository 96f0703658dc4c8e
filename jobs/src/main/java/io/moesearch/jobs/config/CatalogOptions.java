package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import io.moesearch.connectors.message.RawMessage;
import io.moesearch.core.catalog.BadLinePolicy;
import java.util.Arrays;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;

/** The {@code catalog.*} settings: the product catalogue. */
public final class CatalogOptions {
  private CatalogOptions() {}

  public static final ConfigOption<String> PATH =
      required(
          "catalog.path",
          "data/icecat/products_core.jsonl.gz",
          "Catalogue, JSONL or CSV, optionally gzipped.");

  public static final ConfigOption<String> BAD_LINES =
      oneOf(
          "catalog.bad-lines",
          "skip",
          "skip reports bad lines and goes on; fail stops at the first.",
          Arrays.stream(BadLinePolicy.values())
              .map(p -> p.name().toLowerCase(Locale.ROOT))
              .toArray(String[]::new));

  /**
   * How long the live catalogue remembers an update it did not apply because its product was
   * unknown (a delete's tombstone, a patch's price and stock); a patch of a deleted product is kept
   * by the deleted state, with no TTL. Default: the clock-skew bound a record's {@code ts} may be
   * ahead of its Kafka timestamp.
   */
  public static final ConfigOption<Long> TOMBSTONE_TTL_MS =
      longIn(
          "catalog.tombstone-ttl-ms",
          RawMessage.MAX_CLOCK_SKEW_MS,
          1,
          7L * 24 * 3_600_000,
          "How long apply-catalog-updates remembers a patch or delete it did not apply because the"
              + " product was unknown, neither upserted nor in the catalogue (keyed state with this"
              + " TTL, processing time, from the last such update of the product; a patch of a"
              + " deleted product is kept by the deleted state, with no TTL): an older upsert"
              + " arriving within it"
              + " is ignored as stale (after a delete) or takes the newer patch's price and"
              + " stock; one arriving later is applied as if they had never been sent.");
}
