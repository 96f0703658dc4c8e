package io.moesearch.connectors.message;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.util.StrictJson;
import io.moesearch.core.util.Texts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Parses catalogue-update records ({@code docs/schemas/catalog-update.schema.json}) into {@link
 * CatalogUpdate}s, turning every malformed record into a {@link DeadLetter} whose reason names the
 * field, and encodes updates for producers.
 *
 * <p>Wire format (JSON object, UTF-8, at most {@link #maxMessageBytes} bytes): {@code op} ({@code
 * "upsert"}, {@code "patch"} or {@code "delete"}), {@code ts} (integer epoch millis &gt;= 0,
 * required: updates of a product are ordered by it), and
 *
 * <ul>
 *   <li>upsert: {@code product}, an object with {@code id} and {@code title} (non-blank strings),
 *       optional {@code brand}, {@code model}, {@code description} (strings), {@code price}
 *       (non-negative number), {@code in_stock} (boolean, default true) and any other field that is
 *       a scalar or an array of scalars (kept as a text attribute, an array's values joined by a
 *       space, as the catalogue loader reads them; objects are ignored): {@code gtin}, {@code ean}
 *       or {@code upc} are the product's trade item numbers, indexed for search ({@code
 *       Product#tradeItemNumbers});
 *   <li>patch: {@code id}, and {@code price} and/or {@code in_stock};
 *   <li>delete: {@code id}.
 * </ul>
 *
 * The record key, when present, must be the product id's UTF-8 bytes; the names a catalogue file
 * reads as our fields ({@link CatalogLoader#ALIASES}: {@code name}, {@code manufacturer}, {@code
 * mpn}, {@code short_description}, {@code price_usd}) are not allowed in a product, and a product
 * without {@code in_stock} takes its stock from {@code availability} as a catalogue file does. Text
 * fields are limited to {@link #MAX_TEXT_CHARS} code points, ids to {@value
 * SearchQuery#MAX_ID_CHARS}; strings with an unpaired surrogate, duplicate keys and trailing
 * content are rejected; JSON {@code null} counts as absent. Never throws for bad content.
 * Thread-safe; the mapper is created lazily.
 */
public final class CatalogUpdateCodec implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

  /** Longest title, brand, model, description or attribute value, in code points. */
  public static final int MAX_TEXT_CHARS = 16 * 1024;

  /**
   * The longest attribute name of a product, in code points ("ean", "colour", "screen_size": names
   * are words; a 32,000-character one named nothing and cost seconds to read).
   */
  public static final int MAX_ATTRIBUTE_NAME_CHARS = 128;

  private static final Set<String> PRODUCT_FIELDS =
      Set.of("id", "title", "brand", "model", "description", "price", "in_stock");

  /**
   * Names a catalogue file reads as our fields ({@link CatalogLoader#ALIASES}: {@code mpn} is the
   * model, {@code price_usd} the price, ...): as free attributes they would change the product when
   * the compaction writes its catalogue and reads it back (a {@code manufacturer} became the brand
   * of a product sent without one; a {@code price_usd} of {@code "abc"} made that file unreadable),
   * so a product must not carry them.
   */
  private static final Map<String, String> RESERVED_FIELDS = CatalogLoader.ALIASES;

  private final int maxMessageBytes;
  private transient volatile ObjectMapper mapper;

  /** The outcome of {@link #parse}: an update, or a dead letter saying why not. */
  public sealed interface Outcome {
    record Accepted(CatalogUpdate update) implements Outcome {}

    record Rejected(DeadLetter deadLetter) implements Outcome {}
  }

  public CatalogUpdateCodec(int maxMessageBytes) {
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes must be >= 1, got " + maxMessageBytes);
    }
    this.maxMessageBytes = maxMessageBytes;
  }

  public static CatalogUpdateCodec withDefaults() {
    return new CatalogUpdateCodec(DEFAULT_MAX_MESSAGE_BYTES);
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Parses {@code record}; a dead letter is stamped {@code nowMillis}. Never throws for content.
   * Whether a record is accepted is a function of the record alone, never of {@code nowMillis}, so
   * the running job, a replay and the compaction decide it alike: its {@code ts} may be at most
   * {@link RawMessage#MAX_CLOCK_SKEW_MS} ahead of the record's Kafka timestamp, and a record
   * without one ({@code <= 0}) is a dead letter (nothing else bounds its {@code ts}).
   */
  public Outcome parse(RawMessage record, long nowMillis) {
    byte[] value = record.value();
    if (value == null || value.length == 0) {
      return reject(
          record, "payload is " + (value == null ? "null (tombstone)" : "empty"), nowMillis);
    }
    if (value.length > maxMessageBytes) {
      return reject(
          record,
          DeadLetter.truncateUtf8(value, maxMessageBytes),
          "payload is "
              + value.length
              + " bytes, exceeds the maximum of "
              + maxMessageBytes
              + " bytes",
          nowMillis);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
    } catch (CharacterCodingException e) {
      return reject(record, "payload is not valid UTF-8", nowMillis);
    }
    JsonNode root;
    try {
      root = mapper().readTree(text);
    } catch (JacksonException e) {
      String m = e.getOriginalMessage();
      int nl = m == null ? -1 : m.indexOf('\n');
      return reject(record, "malformed JSON: " + (nl >= 0 ? m.substring(0, nl) : m), nowMillis);
    }
    if (root == null || !root.isObject()) {
      return reject(
          record, "payload must be a JSON object, got " + StrictJson.typeOf(root), nowMillis);
    }
    try {
      CatalogUpdate update = toUpdate(root);
      if (record.key() != null
          && !Arrays.equals(record.key(), update.productId().getBytes(StandardCharsets.UTF_8))) {
        // Byte for byte: a key that is not UTF-8 must not pass for an id with U+FFFD in it.
        String key = new String(record.key(), StandardCharsets.UTF_8);
        throw new IllegalArgumentException(
            "record key must be the product id " + update.productId() + ", got " + cut(key));
      }
      if (record.timestamp() <= 0) {
        // Nothing in the record bounds its ts, and the clock of whoever reads it would decide the
        // running job, a replay and the compaction differently: the decision is the record's own.
        throw new IllegalArgumentException(
            "record has no timestamp ("
                + record.timestamp()
                + "): its ts cannot be bounded, so it is not applied");
      }
      if (record.tsTooFarAhead(update.ts(), record.timestamp())) {
        // Updates of a product apply in ts order: one at the end of time would make every later
        // update of it stale, freezing the product.
        throw new IllegalArgumentException(
            "ts "
                + update.ts()
                + " is more than "
                + RawMessage.MAX_CLOCK_SKEW_MS / 60_000
                + " min ahead of the record's timestamp "
                + record.timestamp());
      }
      return new Outcome.Accepted(update);
    } catch (IllegalArgumentException e) {
      return reject(record, e.getMessage(), nowMillis);
    }
  }

  private static CatalogUpdate toUpdate(JsonNode root) {
    JsonNode opNode = root.get("op");
    if (opNode == null || opNode.isNull()) {
      throw new IllegalArgumentException("op is required");
    }
    if (!opNode.isTextual()) {
      throw new IllegalArgumentException("op must be a string, got " + StrictJson.typeOf(opNode));
    }
    CatalogUpdate.Op op =
        switch (opNode.textValue()) {
          case "upsert" -> CatalogUpdate.Op.UPSERT;
          case "patch" -> CatalogUpdate.Op.PATCH;
          case "delete" -> CatalogUpdate.Op.DELETE;
          default ->
              throw new IllegalArgumentException(
                  "op must be upsert, patch or delete, got " + cut(opNode.textValue()));
        };
    long ts = ts(root.get("ts"));
    return switch (op) {
      case UPSERT -> {
        for (String f : new String[] {"id", "price", "in_stock"}) {
          if (present(root, f)) {
            throw new IllegalArgumentException(
                f + " belongs inside product for an upsert (product." + f + ")");
          }
        }
        JsonNode p = root.get("product");
        if (p == null || p.isNull()) {
          throw new IllegalArgumentException("product is required for an upsert");
        }
        if (!p.isObject()) {
          throw new IllegalArgumentException(
              "product must be an object, got " + StrictJson.typeOf(p));
        }
        Product product = product(p);
        yield CatalogUpdate.upsert(product, inStock(p), ts);
      }
      case PATCH -> {
        noProduct(root, op);
        String id = id(root.get("id"), "id");
        Double price = price(root.get("price"), "price");
        Boolean inStock = bool(root.get("in_stock"), "in_stock");
        if (price == null && inStock == null) {
          throw new IllegalArgumentException("a patch must set price or in_stock");
        }
        yield CatalogUpdate.patch(id, price, inStock, ts);
      }
      case DELETE -> {
        noProduct(root, op);
        for (String f : new String[] {"price", "in_stock"}) {
          if (present(root, f)) {
            throw new IllegalArgumentException(f + " is not allowed in a delete");
          }
        }
        yield CatalogUpdate.delete(id(root.get("id"), "id"), ts);
      }
    };
  }

  private static boolean present(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n != null && !n.isNull();
  }

  private static void noProduct(JsonNode root, CatalogUpdate.Op op) {
    if (present(root, "product")) {
      throw new IllegalArgumentException(
          "product is only allowed in an upsert, not in a " + op.name().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * A product's stock: {@code in_stock}, else a merchant feed's {@code availability} read as the
   * catalogue loader reads it ({@link CatalogLoader#outOfStock}; the field stays an attribute, as
   * in a catalogue file), else {@code null} (in stock).
   */
  private static Boolean inStock(JsonNode p) {
    Boolean inStock = bool(p.get("in_stock"), "product.in_stock");
    JsonNode availability = p.get(CatalogLoader.AVAILABILITY);
    if (inStock == null
        && availability != null
        && availability.isValueNode()
        && !availability.isNull()) {
      return !CatalogLoader.outOfStock(availability.asText());
    }
    return inStock;
  }

  /**
   * An attribute's text: a scalar's, or an array's scalars joined by a space (a feed's list of
   * EANs), as the catalogue loader reads them; {@code null} for null, an object, or an array with
   * no scalar.
   */
  private static String attributeText(JsonNode v) {
    if (v.isNull()) {
      return null;
    }
    if (v.isValueNode()) {
      return v.asText();
    }
    if (!v.isArray()) {
      return null;
    }
    StringJoiner parts = new StringJoiner(" ");
    int n = 0;
    for (JsonNode x : v) {
      if (x.isValueNode() && !x.isNull()) {
        parts.add(x.asText());
        n++;
      }
    }
    return n == 0 ? null : parts.toString();
  }

  private static Product product(JsonNode p) {
    String id = id(p.get("id"), "product.id");
    String title = text(p.get("title"), "product.title", true);
    if (QueryNormalizer.isBlank(title)) {
      // as a query's text: nothing of it would be searched or shown (docs/messages.md)
      throw new IllegalArgumentException(
          "product.title must not be blank (it has only whitespace, control or invisible"
              + " characters)");
    }
    String brand = text(p.get("brand"), "product.brand", false);
    String model = text(p.get("model"), "product.model", false);
    String description = text(p.get("description"), "product.description", false);
    Double price = price(p.get("price"), "product.price");
    Map<String, String> attributes = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = p.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode v = f.getValue();
      String ours = RESERVED_FIELDS.get(f.getKey());
      if (ours != null) {
        throw new IllegalArgumentException(
            "product."
                + f.getKey()
                + " is not allowed (a catalogue file reads it as "
                + ours
                + "): send product."
                + ours);
      }
      String name = "product." + cut(f.getKey());
      if (SearchQuery.codePoints(f.getKey()) > MAX_ATTRIBUTE_NAME_CHARS) {
        throw new IllegalArgumentException(
            name
                + ": an attribute's name must be at most "
                + MAX_ATTRIBUTE_NAME_CHARS
                + " characters");
      }
      String value = PRODUCT_FIELDS.contains(f.getKey()) ? null : attributeText(v);
      if (value == null) {
        continue;
      }
      wellFormed(f.getKey(), name);
      wellFormed(value, name);
      limit(value, name);
      attributes.put(f.getKey(), value);
    }
    return new Product(id, title, brand, model, description, price, attributes);
  }

  private static String id(JsonNode node, String field) {
    String id = text(node, field, true);
    if (SearchQuery.codePoints(id) > SearchQuery.MAX_ID_CHARS) {
      throw new IllegalArgumentException(
          field + " must be at most " + SearchQuery.MAX_ID_CHARS + " characters");
    }
    if (id.chars().anyMatch(Character::isISOControl)) {
      // A compacted artifact lists its ids one per line: no line break (nor other control).
      throw new IllegalArgumentException(field + " must not contain control characters");
    }
    return id;
  }

  private static String text(JsonNode node, String field, boolean required) {
    if (node == null || node.isNull()) {
      if (required) {
        throw new IllegalArgumentException(field + " is required");
      }
      return "";
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException(
          field + " must be a string, got " + StrictJson.typeOf(node));
    }
    String value = node.textValue();
    wellFormed(value, field);
    if (required && Texts.isBlank(value)) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    limit(value, field);
    return value;
  }

  private static void limit(String value, String field) {
    if (SearchQuery.codePoints(value) > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException(
          field + " must be at most " + MAX_TEXT_CHARS + " characters");
    }
  }

  private static void wellFormed(String value, String field) {
    if (QueryNormalizer.firstUnpairedSurrogate(value) >= 0) {
      throw new IllegalArgumentException(field + " has an unpaired UTF-16 surrogate");
    }
  }

  private static Double price(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw new IllegalArgumentException(
          field + " must be a number, got " + StrictJson.typeOf(node));
    }
    double v = node.doubleValue();
    if (!Double.isFinite(v) || v < 0) {
      throw new IllegalArgumentException(field + " must be a finite number >= 0");
    }
    // -0.0 passes the check above but no price range from 0 matches it (Lucene orders -0.0 below
    // 0.0): the product would drop out of every "price_min": 0 filter. Adding 0.0 makes it 0.0.
    return v + 0.0;
  }

  private static Boolean bool(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isBoolean()) {
      throw new IllegalArgumentException(
          field + " must be a boolean, got " + StrictJson.typeOf(node));
    }
    return node.booleanValue();
  }

  private static long ts(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(
          "ts is required (epoch millis; updates are ordered by it)");
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
      throw new IllegalArgumentException(
          "ts must be a non-negative integer (epoch millis), got "
              + (node.isValueNode() && !node.isTextual()
                  ? node.asText()
                  : StrictJson.typeOf(node)));
    }
    return node.longValue();
  }

  private static String cut(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }

  private static Outcome reject(RawMessage record, String reason, long now) {
    return reject(record, record.value(), reason, now);
  }

  private static Outcome reject(RawMessage record, byte[] payload, String reason, long now) {
    return new Outcome.Rejected(
        DeadLetter.ofBytes(
            record.topic(), record.partition(), record.offset(), payload, reason, now));
  }

  /** Encodes an update as producers write it (absent optional fields omitted). */
  public byte[] encode(CatalogUpdate u) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = mapper().getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("op", u.op().name().toLowerCase(Locale.ROOT));
      switch (u.op()) {
        case UPSERT -> {
          Product p = u.product();
          g.writeObjectFieldStart("product");
          g.writeStringField("id", p.id());
          g.writeStringField("title", p.title());
          writeNonEmpty(g, "brand", p.brand());
          writeNonEmpty(g, "model", p.model());
          writeNonEmpty(g, "description", p.description());
          if (p.price() != null) {
            g.writeNumberField("price", p.price());
          }
          if (u.inStock() != null) {
            g.writeBooleanField("in_stock", u.inStock());
          }
          for (Map.Entry<String, String> a : p.attributes().entrySet()) {
            if (!PRODUCT_FIELDS.contains(a.getKey())) {
              g.writeStringField(a.getKey(), a.getValue());
            }
          }
          g.writeEndObject();
        }
        case PATCH -> {
          g.writeStringField("id", u.productId());
          if (u.price() != null) {
            g.writeNumberField("price", u.price());
          }
          if (u.inStock() != null) {
            g.writeBooleanField("in_stock", u.inStock());
          }
        }
        case DELETE -> g.writeStringField("id", u.productId());
      }
      g.writeNumberField("ts", u.ts());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeNonEmpty(JsonGenerator g, String field, String value)
      throws IOException {
    if (!value.isEmpty()) {
      g.writeStringField(field, value);
    }
  }

  private ObjectMapper mapper() {
    ObjectMapper m = mapper;
    if (m == null) {
      mapper = m = StrictJson.newMapper();
    }
    return m;
  }
}
