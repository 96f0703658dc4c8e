package io.moesearch.connectors.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.moesearch.core.util.StrictJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * JSON (UTF-8, snake_case) encoding of the Kafka messages: {@link SearchResult}, {@link
 * DeadLetter}, {@link CacheFill} and {@link ExpertStats} both ways through Jackson databind on the
 * records (their annotations give wire names, order and derived fields; their constructors
 * validate), {@link SearchQuery} for producers. Incoming queries are parsed by {@link QueryCodec},
 * which never throws.
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
            if (filters.inStock() != null) {
              g.writeBooleanField("in_stock", filters.inStock());
            }
            g.writeEndObject();
          }
          if (query.ts() != 0) {
            g.writeNumberField("ts", query.ts());
          }
          if (query.sessionId() != null) {
            g.writeStringField("session_id", query.sessionId());
          }
          if (query.explain()) {
            g.writeBooleanField("explain", true);
          }
          g.writeEndObject();
        });
  }

  public byte[] encodeResult(SearchResult result) {
    return encode(result, "result");
  }

  public byte[] encodeDeadLetter(DeadLetter deadLetter) {
    return encode(deadLetter, "deadLetter");
  }

  /** Encodes a cache fill; the embedding travels as base64 of little-endian float32 values. */
  public byte[] encodeCacheFill(CacheFill fill) {
    return encode(fill, "fill");
  }

  public byte[] encodeExpertStats(ExpertStats stats) {
    return encode(stats, "stats");
  }

  public ExpertStats decodeExpertStats(byte[] json) {
    ObjectNode root = readObject(json, "expert stats");
    // Records written before replicated layouts have no slot: theirs was the expert's own.
    if (!root.has("slot") && root.has("expert")) {
      root.set("slot", root.get("expert"));
    }
    return decode(root, ExpertStats.class);
  }

  /** Decodes a cache fill; throws {@link IllegalArgumentException} naming the bad field. */
  public CacheFill decodeCacheFill(byte[] json) {
    ObjectNode root = readObject(json, "cache fill");
    if (!root.has("embedding_f32le")) {
      root.putNull("embedding_f32le");
    }
    if (!root.has("degraded")) {
      root.putNull("degraded"); // a release that shares no answer, or not a release
    }
    // Written since the cache checks which new products could enter a result; absent = unknown.
    if (!root.has("dense_floor")) {
      root.putNull("dense_floor");
    }
    if (!root.has("lexical_floor")) {
      root.putNull("lexical_floor");
    }
    if (!root.has("entry_cut")) {
      root.putNull("entry_cut"); // none drawn, or a fill written before the cut was recorded
    }
    if (!root.has("embedding_model")) {
      root.putNull("embedding_model"); // an embedding, a release, a result without its embedding
    }
    optionalItemFields(root);
    return decode(root, CacheFill.class);
  }

  public SearchResult decodeResult(byte[] json) {
    ObjectNode root = readObject(json, "result");
    // Written since results say whether they are partial; absent (older records) = complete.
    JsonNode partial = root.get("partial");
    if (partial == null) {
      root.put("partial", false);
    }
    // Written since the job degrades under overload; absent (older records) = not degraded.
    if (!root.has("degraded")) {
      root.put("degraded", SearchResult.NOT_DEGRADED);
    }
    if ((partial == null || partial.isBoolean() && !partial.booleanValue())
        && root.has("experts")) {
      root.set("answered_experts", root.get("experts")); // a complete result: all answered
    }
    optionalItemFields(root);
    return decode(root, SearchResult.class);
  }

  /**
   * An item's price, stock and explanation are optional (absent when unknown or not asked for, and
   * in older records).
   */
  private static void optionalItemFields(ObjectNode root) {
    JsonNode items = root.get("items");
    if (items != null && items.isArray()) {
      for (JsonNode item : items) {
        if (item instanceof ObjectNode o) {
          for (String f : new String[] {"price", "in_stock", "explain"}) {
            if (!o.has(f)) {
              o.putNull(f);
            }
          }
        }
      }
    }
  }

  public DeadLetter decodeDeadLetter(byte[] json) {
    return decode(readObject(json, "dead letter"), DeadLetter.class);
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

  private byte[] encode(Object message, String name) {
    requireArg(message, name);
    try {
      return mapper().writeValueAsBytes(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObjectNode readObject(byte[] json, String what) {
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
    return (ObjectNode) root;
  }

  /**
   * Binds {@code root} to {@code type} through its canonical constructor, which validates. Any
   * failure becomes an {@link IllegalArgumentException} naming the field: a value of the wrong JSON
   * type as {@code "<path> must be <type>, got <type>"} (as {@link QueryCodec} says it), a value
   * the record rejects with the record's message.
   */
  private <T> T decode(ObjectNode root, Class<T> type) {
    try {
      return mapper().readerFor(type).readValue(root);
    } catch (IOException e) {
      throw invalid(root, e);
    }
  }

  private static IllegalArgumentException invalid(ObjectNode root, IOException e) {
    StringBuilder path = new StringBuilder();
    JsonPointer pointer = JsonPointer.empty();
    if (e instanceof JsonMappingException m) {
      for (JsonMappingException.Reference ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
          pointer = pointer.appendProperty(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
          pointer = pointer.appendIndex(ref.getIndex());
        }
      }
    }
    String where = path.isEmpty() ? "" : path + ": ";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException rejected) {
        String message = rejected.getMessage();
        return new IllegalArgumentException(
            message.startsWith(path.toString()) ? message : where + message, e);
      }
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      JsonNode node = root.at(pointer);
      Class<?> type = m.getTargetType();
      if (type.isArray() && !path.isEmpty() && path.charAt(path.length() - 1) == ']') {
        type = type.getComponentType(); // an element of a primitive array
      }
      if (type.isEnum() && node.isTextual()) {
        return new IllegalArgumentException(
            path
                + " must be one of "
                + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
                + ", got '"
                + node.textValue()
                + "'",
            e);
      }
      String expected = expected(type, node);
      if (expected != null) {
        return new IllegalArgumentException(
            path + " must be " + expected + ", got " + StrictJson.typeOf(node), e);
      }
    }
    String message =
        e instanceof JsonMappingException m
            // without Jackson's hints at its own configuration, meaningless in a dead letter
            ? m.getOriginalMessage()
                .replaceAll("\\s*\\([^()]*(CoercionConfig|DeserializationFeature)[^()]*\\)", "")
                .replaceAll("[;:]\\s*[^;:]*DeserializationFeature.*$", "")
            : e.getMessage();
    return new IllegalArgumentException(where + message, e);
  }

  /** What a value of {@code type} must be in JSON, or {@code null} when {@code node} is that. */
  private static String expected(Class<?> type, JsonNode node) {
    if (type == String.class || type.isEnum()) {
      return node.isTextual() ? null : "a string";
    } else if (type == int.class || type == long.class) {
      return node.isIntegralNumber() ? null : "an integer";
    } else if (type == float.class || type == double.class) {
      return node.isNumber() ? null : "a number";
    } else if (type == boolean.class) {
      return node.isBoolean() ? null : "a boolean";
    } else if (type.isArray()) {
      return node.isArray() ? null : "an array";
    }
    return node.isObject() ? null : "an object";
  }

  private static void requireArg(Object value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
  }

  private ObjectMapper mapper() {
    ObjectMapper m = mapper;
    if (m == null) {
      m =
          StrictJson.newMapper()
              .rebuild()
              .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
              // types as written, no coercion: "1" is no number, 1.5 no integer, 1 no string
              .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
              .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
              .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS) // "kind" as before
              .withCoercionConfig(
                  LogicalType.Textual,
                  c ->
                      c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
              .enable(
                  DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                  DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                  DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
              // unknown fields (and derived ones such as no_match) are ignored when reading
              .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .build();
      mapper = m;
    }
    return m;
  }

  /** Writes a {@code float[]} as base64 of its little-endian float32 values. */
  static final class F32leSerializer extends StdSerializer<float[]> {
    F32leSerializer() {
      super(float[].class);
    }

    @Override
    public void serialize(float[] value, JsonGenerator g, SerializerProvider provider)
        throws IOException {
      ByteBuffer buf =
          ByteBuffer.allocate(value.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      buf.asFloatBuffer().put(value);
      g.writeString(Base64.getEncoder().encodeToString(buf.array()));
    }
  }

  /** Reads what {@link F32leSerializer} writes. */
  static final class F32leDeserializer extends StdDeserializer<float[]> {
    F32leDeserializer() {
      super(float[].class);
    }

    @Override
    public float[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        throw new IllegalArgumentException("must be a base64 string");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(p.getText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not valid base64");
      }
      if (bytes.length % Float.BYTES != 0) {
        throw new IllegalArgumentException("length must be a multiple of 4 bytes");
      }
      float[] floats = new float[bytes.length / Float.BYTES];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
      return floats;
    }
  }
}
