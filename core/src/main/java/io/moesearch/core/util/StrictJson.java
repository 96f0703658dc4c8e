package io.moesearch.core.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Locale;

/**
 * Shared Jackson configuration for everything the project reads (messages, catalogue and query-log
 * lines): strict JSON, duplicate keys and trailing tokens (a second object on one line) rejected,
 * nesting bounded.
 */
public final class StrictJson {
  /** Deepest JSON nesting accepted; messages are shallow, deep nesting is a sign of abuse. */
  public static final int MAX_NESTING_DEPTH = 32;

  private StrictJson() {}

  public static JsonMapper newMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  /** JSON type name of a node for error messages ("string", "number", "array", ...). */
  public static String typeOf(JsonNode node) {
    return node == null ? "missing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
