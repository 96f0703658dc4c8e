package io.moesearch.jobs.config;

import static io.moesearch.jobs.config.Checked.*;

import io.moesearch.connectors.message.QueryCodec;
import org.apache.flink.configuration.ConfigOption;

/** The {@code query.*} settings: input limits of a query message. */
public final class QueryOptions {
  private QueryOptions() {}

  public static final ConfigOption<Integer> MAX_CHARS =
      intIn(
          "query.max-chars",
          QueryCodec.DEFAULT_MAX_QUERY_CHARS,
          1,
          QueryCodec.MAX_QUERY_CHARS_LIMIT,
          "Longest query text; longer ones are dead-lettered.");

  public static final ConfigOption<Integer> MAX_BYTES =
      intIn(
          "query.max-bytes",
          QueryCodec.DEFAULT_MAX_MESSAGE_BYTES,
          64,
          10_000_000,
          "Largest query message; larger ones are dead-lettered.");
}
