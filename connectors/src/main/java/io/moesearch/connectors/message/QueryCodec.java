package io.moesearch.connectors.message;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.util.StrictJson;
import io.moesearch.core.util.Texts;
import java.io.Serial;
import java.io.Serializable;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Parses raw query-topic messages into {@link SearchQuery}s, turning every malformed message into a
 * {@link DeadLetter} instead of throwing.
 *
 * <p>Wire format (JSON object, UTF-8; character limits count code points; see {@code
 * docs/schemas/query.schema.json}): {@code query_id} (string, required, non-blank, at most 256
 * characters), {@code text} (string, required; kept in its {@link QueryNormalizer} form, which must
 * have 1..maxQueryChars code points: the text searched, cached and echoed is that form, so texts
 * with equal forms get equal answers), {@code top_k} (integer 1..100, default 10), {@code filters}
 * (object with optional {@code brands} [strings, non-blank after normalisation, kept normalised],
 * {@code price_min}, {@code price_max} [non-negative numbers, min &lt;= max], {@code in_stock}
 * [boolean; true keeps only products in stock]; unknown filter keys are rejected so that a misspelt
 * filter is never silently dropped; an empty object means no filters and yields {@code null}),
 * {@code ts} (integer epoch millis &gt;= 0, default 0), {@code session_id} (string, optional, at
 * most 256 characters; blank means absent), {@code explain} (boolean, default false: each item then
 * carries its ranking explanation). Strings with an unpaired surrogate escape are rejected. JSON
 * {@code null} counts as absent for optional fields. Unknown top-level fields are ignored.
 * Duplicate keys and trailing content are rejected.
 *
 * <p>Instances are immutable and thread-safe once used; the Jackson mapper is created lazily so the
 * codec can be shipped inside Flink functions.
 */
public final class QueryCodec implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  public static final int DEFAULT_MAX_QUERY_CHARS = 512;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024;

  /** Maximum number of entries in {@code filters.brands}. */
  public static final int MAX_BRANDS = 100;

  /**
   * The largest {@code maxQueryChars} a codec accepts ({@code query.max-chars}): the text is echoed
   * in the result and its cache fill, each of which must fit one Kafka record.
   */
  public static final int MAX_QUERY_CHARS_LIMIT = 10_000;

  /**
   * Longest brand in a brand filter, in code points after normalisation (brands are names; the
   * shipped catalogue's longest has 19): the brands are part of the result's cache-fill key.
   */
  public static final int MAX_BRAND_CHARS = QueryNormalizer.MAX_BRAND_CHARS;

  private static final Set<String> FILTER_FIELDS =
      Set.of("brands", "price_min", "price_max", "in_stock");

  private final int maxQueryChars;
  private final int maxMessageBytes;
  private transient volatile ObjectMapper mapper;

  /**
   * @param maxQueryChars maximum query text length in code points after normalisation, 1..{@value
   *     #MAX_QUERY_CHARS_LIMIT}
   * @param maxMessageBytes maximum payload size in bytes, at least 1; larger payloads are rejected
   *     before parsing, and only their first {@code maxMessageBytes} bytes are kept in the dead
   *     letter
   */
  public QueryCodec(int maxQueryChars, int maxMessageBytes) {
    if (maxQueryChars < 1 || maxQueryChars > MAX_QUERY_CHARS_LIMIT) {
      throw new IllegalArgumentException(
          "maxQueryChars must be in 1.." + MAX_QUERY_CHARS_LIMIT + ", got " + maxQueryChars);
    }
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes must be >= 1, got " + maxMessageBytes);
    }
    this.maxQueryChars = maxQueryChars;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** A codec with {@link #DEFAULT_MAX_QUERY_CHARS} and {@link #DEFAULT_MAX_MESSAGE_BYTES}. */
  public static QueryCodec withDefaults() {
    return new QueryCodec(DEFAULT_MAX_QUERY_CHARS, DEFAULT_MAX_MESSAGE_BYTES);
  }

  public int maxQueryChars() {
    return maxQueryChars;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Parses {@code message}, stamping any dead letter with the current wall-clock time. */
  public ParseOutcome parse(RawMessage message) {
    return parse(message, System.currentTimeMillis());
  }

  /**
   * Parses {@code message}; never throws for bad content.
   *
   * @param nowMillis timestamp given to a resulting dead letter
   */
  public ParseOutcome parse(RawMessage message, long nowMillis) {
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    byte[] value = message.value();
    if (value == null) {
      return reject(message, "", DeadLetter.UTF8, "payload is null (tombstone)", nowMillis);
    }
    if (value.length == 0) {
      return reject(message, "", DeadLetter.UTF8, "payload is empty", nowMillis);
    }
    if (value.length > maxMessageBytes) {
      String reason =
          "payload is "
              + value.length
              + " bytes, exceeds the maximum of "
              + maxMessageBytes
              + " bytes (dead letter keeps only the first bytes)";
      DeadLetter truncated =
          DeadLetter.ofBytes(
              message.topic(),
              message.partition(),
              message.offset(),
              DeadLetter.truncateUtf8(value, maxMessageBytes),
              reason,
              nowMillis);
      return new ParseOutcome.Rejected(truncated);
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
      return reject(
          message,
          Base64.getEncoder().encodeToString(value),
          DeadLetter.BASE64,
          "payload is not valid UTF-8",
          nowMillis);
    }
    if (text.isBlank()) {
      return reject(message, text, DeadLetter.UTF8, "payload is blank", nowMillis);
    }
    JsonNode root;
    try {
      root = mapper().readTree(text);
    } catch (JacksonException e) {
      return reject(message, text, DeadLetter.UTF8, "malformed JSON: " + describe(e), nowMillis);
    }
    if (root == null || !root.isObject()) {
      return reject(
          message,
          text,
          DeadLetter.UTF8,
          "payload must be a JSON object, got " + StrictJson.typeOf(root),
          nowMillis);
    }
    try {
      return new ParseOutcome.Accepted(toQuery(root));
    } catch (IllegalArgumentException e) {
      return reject(message, text, DeadLetter.UTF8, e.getMessage(), nowMillis);
    }
  }

  /**
   * A query text as the job searches, caches and echoes it: its {@link QueryNormalizer} form, of
   * 1..{@code maxQueryChars} code points. For every reader of query texts (the codec, the prewarm
   * and routing logs), so a text passes them all or none.
   *
   * @throws IllegalArgumentException (the reason a query is refused) if {@code raw} has an unpaired
   *     surrogate, is blank in normal form, or is longer than {@code maxQueryChars} after
   *     normalisation (or four times that before, which bounds the work)
   */
  public static String normalText(String raw, int maxQueryChars) {
    requireWellFormed(raw, "text");
    if (SearchQuery.codePoints(raw) > 4 * maxQueryChars) {
      // Bounds the normalisation work; a text this long cannot normalise to an allowed one.
      throw new IllegalArgumentException(
          "text must be at most "
              + maxQueryChars
              + " characters after normalisation, got "
              + SearchQuery.codePoints(raw)
              + " before");
    }
    String text = QueryNormalizer.normalize(raw);
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          raw.isEmpty()
              ? "text must not be empty"
              : "text must not be blank (it has only whitespace, control or invisible characters)");
    }
    int textChars = SearchQuery.codePoints(text);
    if (textChars > maxQueryChars) {
      throw new IllegalArgumentException(
          "text must be at most "
              + maxQueryChars
              + " characters after normalisation, got "
              + textChars);
    }
    return text;
  }

  private SearchQuery toQuery(JsonNode root) {
    String queryId = requiredString(root, "query_id");
    requireWellFormed(queryId, "query_id");
    if (Texts.isBlank(queryId)) {
      throw new IllegalArgumentException("query_id must not be blank");
    }
    if (SearchQuery.codePoints(queryId) > SearchQuery.MAX_ID_CHARS) {
      throw new IllegalArgumentException(
          "query_id must be at most "
              + SearchQuery.MAX_ID_CHARS
              + " characters, got "
              + SearchQuery.codePoints(queryId));
    }
    String text = normalText(requiredString(root, "text"), maxQueryChars);
    int topK = topK(root.get("top_k"));
    Filters filters = filters(root.get("filters"));
    long ts = timestamp(root.get("ts"));
    String sessionId = sessionId(root.get("session_id"));
    return new SearchQuery(
        queryId, text, topK, filters, ts, sessionId, explain(root.get("explain")));
  }

  private static String requiredString(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException(
          field + " must be a string, got " + StrictJson.typeOf(node));
    }
    return node.textValue();
  }

  private static int topK(JsonNode node) {
    if (node == null || node.isNull()) {
      return SearchQuery.DEFAULT_TOP_K;
    }
    String range = SearchQuery.MIN_TOP_K + " and " + SearchQuery.MAX_TOP_K;
    if (!node.isNumber()) {
      throw new IllegalArgumentException(
          "top_k must be an integer between " + range + ", got " + StrictJson.typeOf(node));
    }
    if (!node.isIntegralNumber()) {
      throw new IllegalArgumentException("top_k must be an integer, got " + node.asText());
    }
    BigInteger value = node.bigIntegerValue();
    if (value.compareTo(BigInteger.valueOf(SearchQuery.MIN_TOP_K)) < 0
        || value.compareTo(BigInteger.valueOf(SearchQuery.MAX_TOP_K)) > 0) {
      throw new IllegalArgumentException("top_k must be between " + range + ", got " + value);
    }
    return value.intValue();
  }

  private static boolean explain(JsonNode node) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new IllegalArgumentException(
          "explain must be a boolean, got " + StrictJson.typeOf(node));
    }
    return node.booleanValue();
  }

  private static long timestamp(JsonNode node) {
    if (node == null || node.isNull()) {
      return 0L;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
      throw new IllegalArgumentException(
          "ts must be a non-negative integer (epoch millis), got " + describeValue(node));
    }
    return node.longValue();
  }

  private static String sessionId(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException(
          "session_id must be a string, got " + StrictJson.typeOf(node));
    }
    String value = node.textValue();
    requireWellFormed(value, "session_id");
    if (Texts.isBlank(value)) {
      return null;
    }
    if (SearchQuery.codePoints(value) > SearchQuery.MAX_ID_CHARS) {
      throw new IllegalArgumentException(
          "session_id must be at most "
              + SearchQuery.MAX_ID_CHARS
              + " characters, got "
              + SearchQuery.codePoints(value));
    }
    return value;
  }

  private static Filters filters(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "filters must be an object, got " + StrictJson.typeOf(node));
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      String name = fields.next().getKey();
      if (!FILTER_FIELDS.contains(name)) {
        throw new IllegalArgumentException(
            "filters."
                + name
                + " is not a supported filter (supported: brands, price_min, price_max, in_stock)");
      }
    }
    String[] brands = brands(node.get("brands"));
    Double priceMin = price(node.get("price_min"), "filters.price_min");
    Double priceMax = price(node.get("price_max"), "filters.price_max");
    Boolean inStock = null;
    JsonNode stock = node.get("in_stock");
    if (stock != null && !stock.isNull()) {
      if (!stock.isBoolean()) {
        throw new IllegalArgumentException(
            "filters.in_stock must be a boolean, got " + StrictJson.typeOf(stock));
      }
      inStock = stock.booleanValue();
    }
    Filters filters = new Filters(brands, priceMin, priceMax, inStock);
    return filters.isEmpty() ? null : filters;
  }

  private static String[] brands(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(
          "filters.brands must be an array of strings, got " + StrictJson.typeOf(node));
    }
    if (node.size() > MAX_BRANDS) {
      throw new IllegalArgumentException(
          "filters.brands must have at most " + MAX_BRANDS + " entries, got " + node.size());
    }
    String[] brands = new String[node.size()];
    for (int i = 0; i < brands.length; i++) {
      JsonNode brand = node.get(i);
      if (!brand.isTextual()) {
        throw new IllegalArgumentException(
            "filters.brands[" + i + "] must be a string, got " + StrictJson.typeOf(brand));
      }
      requireWellFormed(brand.textValue(), "filters.brands[" + i + "]");
      String tooLong =
          "filters.brands[" + i + "] must be at most " + MAX_BRAND_CHARS + " characters, got ";
      int rawChars = SearchQuery.codePoints(brand.textValue());
      if (rawChars > 4 * MAX_BRAND_CHARS) {
        // Bounds the normalisation work; a brand this long cannot normalise to an allowed one.
        throw new IllegalArgumentException(tooLong + rawChars);
      }
      String normal = QueryNormalizer.normalize(brand.textValue());
      if (normal.isEmpty()) {
        throw new IllegalArgumentException("filters.brands[" + i + "] must not be blank");
      }
      if (SearchQuery.codePoints(normal) > MAX_BRAND_CHARS) {
        // Normalisation can expand a character many times (NFKC: U+FDFA is 18 characters).
        throw new IllegalArgumentException(
            tooLong + SearchQuery.codePoints(normal) + " after normalisation");
      }
      brands[i] = normal;
    }
    return brands;
  }

  private static Double price(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw new IllegalArgumentException(
          field + " must be a number, got " + StrictJson.typeOf(node));
    }
    double value = node.doubleValue();
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          field + " must be a number from 0 to " + Double.MAX_VALUE + ", got one out of range");
    }
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, got " + node.asText());
    }
    // The nearest double, as the catalogue's prices are read (a bound of 9.99 matches a product
    // priced 9.99); -0.0 as 0.0, one cache variant.
    return value + 0.0;
  }

  /** Rejects strings with an unpaired surrogate: they have no UTF-8 form (keys, results). */
  private static void requireWellFormed(String value, String field) {
    int at = QueryNormalizer.firstUnpairedSurrogate(value);
    if (at >= 0) {
      throw new IllegalArgumentException(
          field
              + " has an unpaired UTF-16 surrogate (a lone \\u"
              + Integer.toHexString(value.charAt(at))
              + " escape) at index "
              + at
              + "; it is not valid Unicode");
    }
  }

  private static String describeValue(JsonNode node) {
    return node.isValueNode() && !node.isTextual() ? node.asText() : StrictJson.typeOf(node);
  }

  private static String describe(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message != null) {
      int newline = message.indexOf('\n');
      if (newline >= 0) {
        message = message.substring(0, newline);
      }
    }
    JsonLocation location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      message += " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
    return message;
  }

  private static ParseOutcome reject(
      RawMessage message, String payload, String encoding, String reason, long nowMillis) {
    return new ParseOutcome.Rejected(
        new DeadLetter(
            message.topic(),
            message.partition(),
            message.offset(),
            payload,
            encoding,
            reason,
            nowMillis));
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
