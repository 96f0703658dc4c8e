package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

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
          "skip",
          "fail");
}
