package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

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
}
