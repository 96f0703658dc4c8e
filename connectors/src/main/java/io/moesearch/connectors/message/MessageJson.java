package io.moesearch.connectors.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Locale;

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
          writeItemsAndExperts(g, result.items(), result.experts());
          g.writeBooleanField("no_match", result.noMatch());
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
          g.writeBooleanField("partial", result.partial());
          if (result.partial()) {
            g.writeArrayFieldStart("answered_experts");
            for (int expert : result.answeredExperts()) {
              g.writeNumber(expert);
            }
            g.writeEndArray();
          }
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

  /** Encodes a cache fill; the embedding travels as base64 of little-endian float32 values. */
  public byte[] encodeCacheFill(CacheFill fill) {
    requireArg(fill, "fill");
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("kind", fill.kind().name().toLowerCase(Locale.ROOT));
          g.writeStringField("text", fill.text());
          g.writeNumberField("top_k", fill.topK());
          g.writeStringField("filters", fill.filters());
          g.writeStringField("version", fill.version());
          writeItemsAndExperts(g, fill.items(), fill.experts());
          if (fill.embedding() != null) {
            ByteBuffer buf =
                ByteBuffer.allocate(fill.embedding().length * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(fill.embedding());
            g.writeStringField("embedding_f32le", Base64.getEncoder().encodeToString(buf.array()));
          }
          g.writeNumberField("ts", fill.ts());
          g.writeEndObject();
        });
  }

  public byte[] encodeExpertStats(ExpertStats stats) {
    requireArg(stats, "stats");
    return write(
        g -> {
          g.writeStartObject();
          g.writeNumberField("expert", stats.expert());
          g.writeNumberField("slot", stats.slot());
          g.writeNumberField("activations", stats.activations());
          g.writeNumberField("candidates", stats.candidates());
          g.writeNumberField("latency_ewma_ms", stats.latencyEwmaMs());
          g.writeNumberField("last_update", stats.lastUpdate());
          g.writeStringField("index_version", stats.indexVersion());
          g.writeNumberField("ts", stats.ts());
          g.writeEndObject();
        });
  }

  public ExpertStats decodeExpertStats(byte[] json) {
    JsonNode root = readObject(json, "expert stats");
    long expert = integer(root, "expert");
    if (expert < 0 || expert > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("expert out of range: " + expert);
    }
    // Records written before replicated layouts have no slot: theirs was the expert's own.
    long slot = root.has("slot") ? integer(root, "slot") : expert;
    if (slot < 0 || slot > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("slot out of range: " + slot);
    }
    return new ExpertStats(
        (int) expert,
        (int) slot,
        number(root, "activations", "activations"),
        number(root, "candidates", "candidates"),
        number(root, "latency_ewma_ms", "latency_ewma_ms"),
        integer(root, "last_update"),
        string(root, "index_version", "index_version"),
        integer(root, "ts"));
  }

  /** Decodes a cache fill; throws {@link IllegalArgumentException} naming the bad field. */
  public CacheFill decodeCacheFill(byte[] json) {
    JsonNode root = readObject(json, "cache fill");
    String kindName = string(root, "kind", "kind");
    CacheFill.Kind kind;
    try {
      kind = CacheFill.Kind.valueOf(kindName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "kind must be result or embedding, got '" + kindName + "'");
    }
    RankedItem[] ranked = items(array(root, "items"));
    int[] experts = ints(array(root, "experts"), "experts");
    float[] embedding = null;
    JsonNode emb = root.get("embedding_f32le");
    if (emb != null && !emb.isNull()) {
      if (!emb.isTextual()) {
        throw new IllegalArgumentException("embedding_f32le must be a base64 string");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(emb.textValue());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("embedding_f32le is not valid base64");
      }
      if (bytes.length % Float.BYTES != 0) {
        throw new IllegalArgumentException("embedding_f32le length must be a multiple of 4 bytes");
      }
      embedding = new float[bytes.length / Float.BYTES];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(embedding);
    }
    long topK = integer(root, "top_k");
    if (topK < 0 || topK > SearchQuery.MAX_TOP_K) {
      throw new IllegalArgumentException("top_k out of range: " + topK);
    }
    return new CacheFill(
        kind,
        string(root, "text", "text"),
        (int) topK,
        string(root, "filters", "filters"),
        string(root, "version", "version"),
        ranked,
        experts,
        embedding,
        integer(root, "ts"));
  }

  private static RankedItem[] items(JsonNode items) {
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
    return ranked;
  }

  private static int[] ints(JsonNode array, String field) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = array.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new IllegalArgumentException(field + "[" + i + "] must be an integer");
      }
      out[i] = v.intValue();
    }
    return out;
  }

  public SearchResult decodeResult(byte[] json) {
    JsonNode root = readObject(json, "result");
    RankedItem[] ranked = items(array(root, "items"));
    int[] experts = ints(array(root, "experts"), "experts");
    JsonNode latency = root.get("latency");
    if (latency == null || !latency.isObject()) {
      throw new IllegalArgumentException("latency must be an object");
    }
    // Written since results say whether they are partial; absent (older records) = complete.
    JsonNode partialNode = root.get("partial");
    if (partialNode != null && !partialNode.isBoolean()) {
      throw new IllegalArgumentException("partial must be a boolean");
    }
    boolean partial = partialNode != null && partialNode.booleanValue();
    int[] answered = partial ? ints(array(root, "answered_experts"), "answered_experts") : experts;
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
        integer(root, "ts_out"),
        partial,
        answered);
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

  private static void writeItemsAndExperts(JsonGenerator g, RankedItem[] items, int[] experts)
      throws IOException {
    g.writeArrayFieldStart("items");
    for (RankedItem item : items) {
      g.writeStartObject();
      g.writeStringField("product_id", item.productId());
      g.writeStringField("title", item.title());
      g.writeNumberField("score", item.score());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("experts");
    for (int expert : experts) {
      g.writeNumber(expert);
    }
    g.writeEndArray();
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
      throw new IllegalArgumentException(
          field + " must be an array, got " + StrictJson.typeOf(node));
    }
    return node;
  }

  private static String string(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException(
          path + " must be a string, got " + StrictJson.typeOf(node));
    }
    return node.textValue();
  }

  private static double number(JsonNode parent, String field, String path) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isNumber()) {
      throw new IllegalArgumentException(
          path + " must be a number, got " + StrictJson.typeOf(node));
    }
    return node.doubleValue();
  }

  private static long integer(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new IllegalArgumentException(
          field + " must be an integer, got " + StrictJson.typeOf(node));
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
      m = StrictJson.newMapper();
      mapper = m;
    }
    return m;
  }
}
