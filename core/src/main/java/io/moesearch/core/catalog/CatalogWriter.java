package io.moesearch.core.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a catalogue as JSONL that {@link CatalogLoader} reads back into equal products: our own
 * fields (empty ones too), {@value Product#IN_STOCK} as a boolean (when the product has it, or an
 * {@code availability} attribute the loader would read as it), then every attribute as a text
 * field. Gzipped when the name ends in {@code .gz}.
 */
public final class CatalogWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CatalogWriter() {}

  /**
   * @return {@code file}
   * @throws IOException if it cannot be written
   */
  public static Path writeJsonl(Iterable<Product> products, Path file) throws IOException {
    OutputStream raw = Files.newOutputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      raw = new GZIPOutputStream(raw, 1 << 16);
    }
    try (BufferedWriter out =
        new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16)) {
      for (Product p : products) {
        out.write(JSON.writeValueAsString(toJson(p)));
        out.write('\n');
      }
    }
    return file;
  }

  static ObjectNode toJson(Product p) {
    ObjectNode node = JSON.createObjectNode();
    // Every field of ours is written, empty or not, and the stock whenever an availability
    // attribute could decide it: a field left out would let an attribute the loader reads as its
    // alias (mpn, manufacturer, availability) fill it in.
    node.put("id", p.id())
        .put("title", p.title())
        .put("brand", p.brand())
        .put("model", p.model())
        .put("description", p.description());
    if (p.price() != null) {
      node.put("price", p.price());
    }
    if (p.attributes().containsKey(Product.IN_STOCK)
        || p.attributes().containsKey(CatalogLoader.AVAILABILITY)) {
      node.put(Product.IN_STOCK, p.inStock());
    }
    for (Map.Entry<String, String> a : p.attributes().entrySet()) {
      if (!a.getKey().equals(Product.IN_STOCK)) {
        node.put(a.getKey(), a.getValue());
      }
    }
    return node;
  }
}
