package io.moesearch.core.catalog;

import io.moesearch.core.util.Texts;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One catalogue product. {@code id} and {@code title} are required; {@code price} is {@code null}
 * when unknown; {@code attributes} holds every other field of the source record as text, among them
 * {@value #IN_STOCK} ({@code "false"}: out of stock; absent or anything else: in stock).
 */
public record Product(
    String id,
    String title,
    String brand,
    String model,
    String description,
    Double price,
    Map<String, String> attributes) {

  /** The attribute that marks a product out of stock when it is {@code "false"}. */
  public static final String IN_STOCK = "in_stock";

  /**
   * Longest id, in code points (as the catalogue-update topic allows): results carry ids, and a
   * result of 100 items must fit one Kafka record.
   */
  public static final int MAX_ID_CHARS = 256;

  public Product {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("product id is required");
    }
    int idChars = id.codePointCount(0, id.length());
    if (idChars > MAX_ID_CHARS) {
      throw new IllegalArgumentException(
          "product id must be at most " + MAX_ID_CHARS + " characters, got " + idChars);
    }
    if (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
      // An artifact lists its ids one per line: a line break in one would shift every later id.
      // (Other control characters are refused where catalogues are read, not here: an artifact
      // built before may hold them, and its candidates are products too.)
      throw new IllegalArgumentException("product id must not contain a line break");
    }
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("product " + id + ": title is required");
    }
    if (price != null && (!Double.isFinite(price) || price < 0)) {
      // A result carries the price, and must be finite: an infinite one would fail every answer.
      throw new IllegalArgumentException(
          "product " + id + ": price must be a finite number >= 0, got " + price);
    }
    if (price != null) {
      // -0.0 passes the check above, but no price range from 0 matches it (Lucene orders -0.0
      // below 0.0): the product would drop out of every "price_min": 0 filter.
      price = price + 0.0;
    }
    brand = Objects.requireNonNullElse(brand, "");
    model = Objects.requireNonNullElse(model, "");
    description = Objects.requireNonNullElse(description, "");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /**
   * The attributes that hold a product's trade item numbers (GTIN, EAN-13 / EAN-8, UPC-A), under
   * the names merchant feeds give them (Google's {@code gtin}, Icecat's {@code ean}), in lower
   * case. A list of numbers is one attribute of space-separated numbers ({@code CatalogLoader}).
   */
  public static final List<String> TRADE_ITEM_NUMBER_ATTRIBUTES = List.of("gtin", "ean", "upc");

  /** The longest of {@link #TRADE_ITEM_NUMBER_ATTRIBUTES}. */
  private static final int TRADE_ITEM_NUMBER_NAME_CHARS = 4;

  /**
   * The values of the attributes named one of {@link #TRADE_ITEM_NUMBER_ATTRIBUTES} (whatever the
   * name's case: a CSV header may say {@code EAN}), in the names' sorted order, space-separated (""
   * if none): the text by which the lexical index finds a product by its barcode. A number that
   * lost its leading zeros on the way (a JSON integer, a spreadsheet cell: UPC-A {@code
   * 036000291452} as {@code 36000291452}) is followed by its 14-digit form with them, when that
   * form carries a valid check digit and it kept at least {@value #MIN_STRIPPED_DIGITS} digits (the
   * number as given stays searchable: it may be a code of another kind).
   */
  public String tradeItemNumbers() {
    TreeMap<String, String> named = new TreeMap<>();
    attributes.forEach(
        (name, value) -> {
          // Bounded first: the JDK lower-cases a long run of Σ in quadratic time.
          if (name.length() <= TRADE_ITEM_NUMBER_NAME_CHARS
              && TRADE_ITEM_NUMBER_ATTRIBUTES.contains(name.toLowerCase(Locale.ROOT))) {
            named.put(name, value);
          }
        });
    // Each number once, so that the numbers of a product rebuilt from them read the same.
    Set<String> numbers = new LinkedHashSet<>();
    for (String value : named.values()) {
      for (String number : WHITESPACE.split(value.strip())) {
        if (!number.isEmpty()) {
          numbers.add(number);
          numbers.add(withLeadingZeros(number));
        }
      }
    }
    return String.join(" ", numbers);
  }

  /** Fewest digits a number keeps when it lost leading zeros ({@link #tradeItemNumbers}). */
  static final int MIN_STRIPPED_DIGITS = 6;

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** The 14-digit GTIN form of {@code number} if it is a GTIN short of leading zeros, else it. */
  private static String withLeadingZeros(String number) {
    int n = number.length();
    if (n < MIN_STRIPPED_DIGITS || n >= Gtin.DIGITS || !number.chars().allMatch(Gtin::isDigit)) {
      return number;
    }
    String padded = "0".repeat(Gtin.DIGITS - n) + number;
    return Gtin.isValid(padded) && !Gtin.isValid(number) ? padded : number;
  }

  /**
   * A product as a flattened copy keeps it (the job's updates, the live delta): its own fields and,
   * of its attributes, the trade item numbers {@code tradeItemNumbers} (as {@link
   * #tradeItemNumbers} returns them; {@code null} or blank: none) that the lexical index holds.
   */
  public static Product flattened(
      String id,
      String title,
      String brand,
      String model,
      String description,
      Double price,
      String tradeItemNumbers) {
    return new Product(
        id,
        title,
        brand,
        model,
        description,
        price,
        tradeItemNumbers == null || tradeItemNumbers.isBlank()
            ? Map.of()
            : Map.of(TRADE_ITEM_NUMBER_ATTRIBUTES.get(0), tradeItemNumbers));
  }

  /** Whether the product can be bought: not marked {@code in_stock: false}. */
  public boolean inStock() {
    return !"false".equals(attributes.get(IN_STOCK));
  }

  /** {@code text.contains(part)} in time linear in their lengths ({@link Texts#contains}). */
  static boolean contains(CharSequence text, CharSequence part) {
    return Texts.contains(text, part);
  }

  /** The text that is embedded and indexed for BM25: title, brand, model and description. */
  public String searchableText() {
    StringBuilder sb = new StringBuilder(title);
    if (!brand.isEmpty() && !contains(title, brand)) {
      sb.append(". ").append(brand);
    }
    if (!model.isEmpty() && !contains(title, model)) {
      sb.append(". ").append(model);
    }
    if (!description.isEmpty() && !description.equals(title)) {
      sb.append(". ").append(description);
    }
    return sb.toString();
  }
}
