package io.moesearch.connectors.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * JSON (UTF-8, snake_case) encoding of the Kafka messages: {@link SearchResult} and {@link
 * DeadLetter} both ways, {@link SearchQuery} for producers. Incoming queries are parsed by {@link
 * QueryCodec}, which never throws.
 *
 * <p>The Jackson mapper is created lazily per instance, so instances can be shipped inside Flink
 * functions. Decoding throws {@link IllegalArgumentException} naming the offending field.
 */
public final class MessageJson implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private transient volatile ObjectMapper mapper;

  /** Encodes a query as sent by producers; absent optional fields are omitted. */
  public byte[] encodeQuery(SearchQuery query) {
    requireArg(query, "query");
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("query_id", query.queryId());
          g.writeStringField("text", query.text());
          g.writeNumberField("top_k", query.topK());
          Filters filters = query.filters();
          if (filters != null && !filters.isEmpty()) {
            g.writeObjectFieldStart("filters");
            if (filters.brands() != null) {
              g.writeArrayFieldStart("brands");
              for (String brand : filters.brands()) {
                g.writeString(brand);
              }
              g.writeEndArray();
            }
            if (filters.priceMin() != null) {
              g.writeNumberField("price_min", filters.priceMin());
            }
            if (filters.priceMax() != null) {
              g.writeNumberField("price_max", filters.priceMax());
            }
            g.writeEndObject();
          }
          if (query.ts() != 0) {
            g.writeNumberField("ts", query.ts());
          }
          if (query.sessionId() != null) {
            g.writeStringField("session_id", query.sessionId());
          }
          g.writeEndObject();
        });
  }

  public byte[] encodeResult(SearchResult result) {
    requireArg(result, "result");
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("query_id", result.queryId());
          g.writeStringField("text", result.text());
          g.writeArrayFieldStart("items");
          for (RankedItem item : result.items()) {
            g.writeStartObject();
            g.writeStringField("product_id", item.productId());
            g.writeStringField("title", item.title());
            g.writeNumberField("score", item.score());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeArrayFieldStart("experts");
          for (int expert : result.experts()) {
            g.writeNumber(expert);
          }
          g.writeEndArray();
          g.writeStringField("index_version", result.indexVersion());
          StageLatency latency = result.latency();
          g.writeObjectFieldStart("latency");
          g.writeNumberField("embed_ms", latency.embedMs());
          g.writeNumberField("route_ms", latency.routeMs());
          g.writeNumberField("retrieve_ms", latency.retrieveMs());
          g.writeNumberField("rerank_ms", latency.rerankMs());
          g.writeNumberField("total_ms", latency.totalMs());
          g.writeEndObject();
          g.writeStringField("cache", result.cache());
          g.writeNumberField("ts_in", result.tsIn());
          g.writeNumberField("ts_out", result.tsOut());
          g.writeEndObject();
        });
  }

  public byte[] encodeDeadLetter(DeadLetter deadLetter) {
    requireArg(deadLetter, "deadLetter");
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("topic", deadLetter.topic());
          g.writeNumberField("partition", deadLetter.partition());
          g.writeNumberField("offset", deadLetter.offset());
          g.writeStringField("payload", deadLetter.payload());
          g.writeStringField("payload_encoding", deadLetter.payloadEncoding());
          g.writeStringField("reason", deadLetter.reason());
          g.writeNumberField("ts", deadLetter.ts());
          g.writeEndObject();
        });
  }

  public SearchResult decodeResult(byte[] json) {
    JsonNode root = readObject(json, "result");
    JsonNode items = array(root, "items");
    RankedItem[] ranked = new RankedItem[items.size()];
    for (int i = 0; i < ranked.length; i++) {
      JsonNode item = items.get(i);
      String path = "items[" + i + "]";
      if (!item.isObject()) {
        throw new IllegalArgumentException(path + " must be an object");
      }
      ranked[i] =
          new RankedItem(
              string(item, "product_id", path + ".product_id"),
              string(item, "title", path + ".title"),
              (float) number(item, "score", path + ".score"));
    }
    JsonNode expertsNode = array(root, "experts");
    int[] experts = new int[expertsNode.size()];
    for (int i = 0; i < experts.length; i++) {
      JsonNode expert = expertsNode.get(i);
      if (!expert.isIntegralNumber() || !expert.canConvertToInt()) {
        throw new IllegalArgumentException("experts[" + i + "] must be an integer");
      }
      experts[i] = expert.intValue();
    }
    JsonNode latency = root.get("latency");
    if (latency == null || !latency.isObject()) {
      throw new IllegalArgumentException("latency must be an object");
    }
    return new SearchResult(
        string(root, "query_id", "query_id"),
        string(root, "text", "text"),
        ranked,
        experts,
        string(root, "index_version", "index_version"),
        new StageLatency(
            number(latency, "embed_ms", "latency.embed_ms"),
            number(latency, "route_ms", "latency.route_ms"),
            number(latency, "retrieve_ms", "latency.retrieve_ms"),
            number(latency, "rerank_ms", "latency.rerank_ms"),
            number(latency, "total_ms", "latency.total_ms")),
        string(root, "cache", "cache"),
        integer(root, "ts_in"),
        integer(root, "ts_out"));
  }

  public DeadLetter decodeDeadLetter(byte[] json) {
    JsonNode root = readObject(json, "dead letter");
    long partition = integer(root, "partition");
    if (partition < Integer.MIN_VALUE || partition > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("partition out of range: " + partition);
    }
    return new DeadLetter(
        string(root, "topic", "topic"),
        (int) partition,
        integer(root, "offset"),
        string(root, "payload", "payload"),
        string(root, "payload_encoding", "payload_encoding"),
        string(root, "reason", "reason"),
        integer(root, "ts"));
  }

  @FunctionalInterface
  private interface Writer {
    void write(JsonGenerator generator) throws IOException;
  }

  private byte[] write(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = mapper().getFactory().createGenerator(out)) {
      writer.write(generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private JsonNode readObject(byte[] json, String what) {
    requireArg(json, "json");
    JsonNode root;
    try {
      root = mapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed " + what + " JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(what + " must be a JSON object");
    }
    return root;
  }

  private static JsonNode array(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException(field + " must be an array, got " + Json.typeOf(node));
    }
    return node;
  }

  private static String string(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException(path + " must be a string, got " + Json.typeOf(node));
    }
    return node.textValue();
  }

  private static double number(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isNumber()) {
      throw new IllegalArgumentException(path + " must be a number, got " + Json.typeOf(node));
    }
    return node.doubleValue();
  }

  private static long integer(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new IllegalArgumentException(field + " must be an integer, got " + Json.typeOf(node));
    }
    return node.longValue();
  }

  private static void requireArg(Object value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
  }

  private ObjectMapper mapper() {
    ObjectMapper m = mapper;
    if (m == null) {
      m = Json.newMapper();
      mapper = m;
    }
    return m;
  }
}
