package io.moesearch.core.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.util.CsvReader;
import io.moesearch.core.util.Files2;
import io.moesearch.core.util.StrictJson;
import io.moesearch.core.util.Utf8LineReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a product catalogue from JSONL (one object per line) or CSV (a header row), optionally
 * gzipped. Recognised fields, with the names merchant feeds use beside ours: {@code id} (required),
 * {@code title} or {@code name} (required), {@code brand} or {@code manufacturer}, {@code model} or
 * {@code mpn}, {@code description} or {@code short_description}, {@code price} or {@code price_usd}
 * ({@link #price}), {@code in_stock} or {@code availability} ({@link #outOfStock}); every other
 * scalar field becomes a free attribute. Bad lines are reported with their line number and either
 * skipped or fatal, per {@link BadLinePolicy}.
 */
public final class CatalogLoader {

  /**
   * The names merchant feeds use for our fields, each read as that field when the file does not
   * give ours: alias to field. The one home of the aliases: the catalogue-update codec refuses them
   * in a product, so a compaction's catalogue file reads back the product the topic sent.
   */
  public static final Map<String, String> ALIASES =
      Map.of(
          "name", "title",
          "manufacturer", "brand",
          "mpn", "model",
          "short_description", "description",
          "price_usd", "price");

  /** A merchant feed's stock field, read as {@value Product#IN_STOCK} when that is absent. */
  public static final String AVAILABILITY = "availability";

  private static final Set<String> KNOWN =
      union(Set.of("id", "title", "brand", "model", "description", "price"), ALIASES.keySet());

  /** Every field name read as a product's own (not a free attribute's), in lower case. */
  private static final Set<String> RECOGNISED =
      union(KNOWN, Set.of(Product.IN_STOCK, AVAILABILITY));

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new HashSet<>(a);
    u.addAll(b);
    return Set.copyOf(u);
  }

  /** Stock values that mean out of stock, once lower-cased without spaces, '_' and '-'. */
  private static final Set<String> OUT_OF_STOCK =
      Set.of("false", "0", "no", "n", "outofstock", "soldout", "unavailable", "discontinued");

  private final BadLinePolicy policy;
  private final Consumer<BadLine> reporter;
  private final ObjectMapper json = StrictJson.newMapper();

  /**
   * @param policy what to do with a bad line
   * @param reporter told of every bad line as it is found (for example a logger)
   */
  public CatalogLoader(BadLinePolicy policy, Consumer<BadLine> reporter) {
    if (policy == null || reporter == null) {
      throw new IllegalArgumentException("policy and reporter are required");
    }
    this.policy = policy;
    this.reporter = reporter;
  }

  /**
   * Loads {@code path}; the format follows the name: {@code .csv[.gz]} is CSV, anything else JSONL.
   *
   * @throws CatalogFormatException naming the file and the line reached if it cannot be read to its
   *     end (not gzip though named so, gzip data that ends early), or at a bad line under {@link
   *     BadLinePolicy#FAIL}
   * @throws IOException if the file cannot be opened
   */
  public Catalog load(Path path) throws IOException {
    String name = path.getFileName().toString();
    return Files2.readText(
        path,
        in ->
            name.endsWith(".csv") || name.endsWith(".csv.gz")
                ? loadCsv(in, name)
                : loadJsonl(in, name),
        CatalogFormatException::new);
  }

  public Catalog loadJsonl(BufferedReader in, String source) throws IOException {
    List<Product> products = new ArrayList<>();
    List<BadLine> bad = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long n = 0;
    while (true) {
      String line;
      try {
        line = in.readLine();
      } catch (Utf8LineReader.BadLineException e) {
        n++;
        reject(new BadLine(source, n, e.reason()), bad);
        continue;
      }
      if (line == null) {
        break;
      }
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode node = json.readTree(line);
        if (node == null || !node.isObject()) {
          throw new IllegalArgumentException("not a JSON object");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        node.properties()
            .forEach(
                e -> {
                  String v = scalar(e.getValue());
                  if (v != null) {
                    fields.put(e.getKey(), v);
                  }
                });
        kept(accept(toProduct(fields), seen, products), fields, source, n);
      } catch (JsonProcessingException e) {
        reject(new BadLine(source, n, "malformed JSON: " + e.getOriginalMessage()), bad);
      } catch (IllegalArgumentException e) {
        reject(new BadLine(source, n, e.getMessage()), bad);
      }
    }
    return new Catalog(products, bad);
  }

  public Catalog loadCsv(BufferedReader in, String source) {
    List<Product> products = new ArrayList<>();
    List<BadLine> bad = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    CsvReader csv = new CsvReader(in);
    CsvReader.Row header = csv.next();
    if (header == null) {
      return new Catalog(products, bad);
    }
    List<String> cols = new ArrayList<>();
    for (String name : header.fields()) {
      // "ID", " Title", "In Stock": the recognised fields are matched whatever their case and
      // spaces.
      String key = name.strip().toLowerCase(Locale.ROOT).replace(' ', '_');
      cols.add(RECOGNISED.contains(key) ? key : name.strip());
    }
    if (header.error() != null
        || !cols.contains("id")
        || !(cols.contains("title") || cols.contains("name"))) {
      throw new CatalogFormatException(
          source
              + ":"
              + header.lineNumber()
              + ": the CSV header must name at least the columns id and title (or name),"
              + " comma-separated,"
              + " found "
              + (header.error() != null ? header.error() : cols.toString()));
    }
    csv.expectFields(cols.size());
    for (CsvReader.Row row = csv.next(); row != null; row = csv.next()) {
      try {
        if (row.error() != null) {
          throw new IllegalArgumentException(row.error());
        }
        if (row.fields().size() != cols.size()) {
          throw new IllegalArgumentException(
              "expected " + cols.size() + " fields, found " + row.fields().size());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < cols.size(); i++) {
          if (!row.fields().get(i).isEmpty()) {
            fields.put(cols.get(i), row.fields().get(i));
          }
        }
        kept(accept(toProduct(fields), seen, products), fields, source, row.lineNumber());
      } catch (IllegalArgumentException e) {
        reject(new BadLine(source, row.lineNumber(), e.getMessage()), bad);
      }
    }
    return new Catalog(products, bad);
  }

  private static Product accept(Product p, Set<String> seen, List<Product> products) {
    if (!seen.add(p.id())) {
      throw new IllegalArgumentException("duplicate product id " + p.id());
    }
    products.add(p);
    return p;
  }

  private static String priceText(Map<String, String> f) {
    return f.getOrDefault("price", f.get("price_usd"));
  }

  /** Reports a product kept without the price its line gave (the product stays searchable). */
  private void kept(Product p, Map<String, String> f, String source, long line) {
    String priceText = priceText(f);
    if (priceText != null && p.price() == null) {
      reporter.accept(
          new BadLine(source, line, "price ignored, not a number >= 0: " + cut(priceText)));
      priceIgnored++;
    }
  }

  private void reject(BadLine b, List<BadLine> bad) {
    reporter.accept(b);
    if (policy == BadLinePolicy.FAIL) {
      throw new CatalogFormatException("bad catalogue line " + b);
    }
    bad.add(b);
  }

  private Product toProduct(Map<String, String> f) {
    f.forEach(
        (k, v) -> {
          // JSON's "\ud800": a string with no UTF-8 form, which no artifact file can hold.
          if (QueryNormalizer.firstUnpairedSurrogate(k) >= 0) {
            throw new IllegalArgumentException("a field name has an unpaired UTF-16 surrogate");
          }
          if (QueryNormalizer.firstUnpairedSurrogate(v) >= 0) {
            throw new IllegalArgumentException(k + " has an unpaired UTF-16 surrogate");
          }
        });
    String id = f.get("id");
    if (id != null && id.chars().anyMatch(c -> Character.isISOControl(c))) {
      throw new IllegalArgumentException(
          "product id must not contain control characters (line breaks, tabs, NUL)");
    }
    String priceText = priceText(f);
    Double price = null;
    if (priceText != null) {
      price = price(priceText);
      if (price == null && policy == BadLinePolicy.FAIL) {
        throw new IllegalArgumentException("price is not a number >= 0: " + cut(priceText));
      }
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    f.forEach(
        (k, v) -> {
          if (!KNOWN.contains(k)) {
            attrs.put(k, v);
          }
        });
    String stock = f.getOrDefault(Product.IN_STOCK, f.get(AVAILABILITY));
    if (stock != null) {
      attrs.put(Product.IN_STOCK, outOfStock(stock) ? "false" : "true");
    }
    String title = f.getOrDefault("title", f.get("name"));
    if (title != null && QueryNormalizer.isBlank(title)) {
      throw new IllegalArgumentException(
          "title must not be blank (it has only whitespace, control or invisible characters)");
    }
    return new Product(
        f.get("id"),
        title,
        f.getOrDefault("brand", f.get("manufacturer")),
        f.getOrDefault("model", f.get("mpn")),
        f.getOrDefault("description", f.get("short_description")),
        price,
        attrs);
  }

  /**
   * Whether a stock value ({@code in_stock}, or a merchant feed's {@code availability}) says out of
   * stock: {@code false}, {@code 0}, {@code no}, {@code out of stock}, {@code out_of_stock}, {@code
   * sold out}, {@code unavailable}, {@code discontinued}, in any case. Anything else ({@code true},
   * {@code in stock}, {@code preorder}, {@code backorder}, a count) is in stock.
   */
  public static boolean outOfStock(String value) {
    if (value.length() > 64) {
      return false;
    }
    StringBuilder key = new StringBuilder();
    for (char c : value.strip().toLowerCase(Locale.ROOT).toCharArray()) {
      if (c != ' ' && c != '_' && c != '-') {
        key.append(c);
      }
    }
    return OUT_OF_STOCK.contains(key.toString());
  }

  /** Products kept without the price their line gave (not a number >= 0), since construction. */
  public long priceIgnored() {
    return priceIgnored;
  }

  private long priceIgnored;

  /** Longest piece of a bad value quoted in a message. */
  private static final int QUOTED_CHARS = 40;

  private static String cut(String v) {
    return v.length() <= QUOTED_CHARS ? "'" + v + "'" : "'" + v.substring(0, QUOTED_CHARS) + "…'";
  }

  private static final Pattern CURRENCY =
      Pattern.compile(
          "^(?:[$€£¥]|usd|eur|gbp|chf|jpy|cad|aud)?\\s*(.*?)\\s*(?:[$€£¥]|usd|eur|gbp|chf|jpy|cad|aud)?$",
          Pattern.CASE_INSENSITIVE);

  /** A decimal number as JSON and most exports write it ("19.99", "-5", "1e3"; not "12f"). */
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");

  private static final Pattern THREE_DECIMALS = Pattern.compile("\\d{1,3}\\.\\d{3}");

  private static final Pattern PLAIN = Pattern.compile("\\d+(?:\\.\\d+)?");
  private static final Pattern THOUSANDS_COMMA =
      Pattern.compile("\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?");
  private static final Pattern THOUSANDS_DOT = Pattern.compile("\\d{1,3}(?:\\.\\d{3})+,\\d+");
  private static final Pattern DECIMAL_COMMA = Pattern.compile("\\d+,\\d{1,2}");

  /**
   * A price as shops write it, or {@code null} when the text is none: a plain number ("19.99",
   * "1e3"), with a currency sign or code before or after it ("$1,299.00", "12 EUR"), with thousands
   * grouped by commas ("1,299.00") or by dots before a decimal comma ("1.299,00"), or with a
   * decimal comma of one or two digits ("12,5"); finite and not negative. "", "N/A", "1,299"
   * without decimals read either way, and negative numbers are none.
   */
  static Double price(String text) {
    if (text.length() > 64) {
      return null;
    }
    String t = text.strip();
    if (NUMBER.matcher(t).matches()) {
      double plain = Double.parseDouble(t);
      return Double.isFinite(plain) && plain >= 0 ? plain + 0.0 : null;
    }
    var m = CURRENCY.matcher(t);
    if (!m.matches()) {
      return null;
    }
    String n = m.group(1);
    String normal;
    if (THREE_DECIMALS.matcher(n).matches()) {
      return null; // "1.299 €": a thousand and more, or one? Either way round, none.
    } else if (PLAIN.matcher(n).matches()) {
      normal = n;
    } else if (THOUSANDS_COMMA.matcher(n).matches() && n.contains(".")) {
      normal = n.replace(",", "");
    } else if (THOUSANDS_DOT.matcher(n).matches()) {
      normal = n.replace(".", "").replace(',', '.');
    } else if (DECIMAL_COMMA.matcher(n).matches()) {
      normal = n.replace(',', '.');
    } else {
      return null;
    }
    double v = Double.parseDouble(normal);
    return Double.isFinite(v) ? v : null;
  }

  private static String scalar(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isValueNode()) {
      return v.asText();
    }
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(
          x -> {
            if (x.isValueNode() && !x.isNull()) {
              parts.add(x.asText());
            }
          });
      return parts.isEmpty() ? null : String.join(" ", parts);
    }
    return null;
  }

  /** Convenience for callers that cannot throw checked exceptions. */
  public Catalog loadUnchecked(Path path) {
    try {
      return load(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read catalogue " + path + ": " + e.getMessage(), e);
    }
  }
}
