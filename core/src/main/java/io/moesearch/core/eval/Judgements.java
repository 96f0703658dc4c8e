package io.moesearch.core.eval;

import io.moesearch.core.catalog.BadLine;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.catalog.CatalogFormatException;
import io.moesearch.core.util.CsvReader;
import io.moesearch.core.util.Files2;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Graded relevance judgements: query → (product id → rating). Read from a {@code
 * query,docid,rating} CSV (a header row naming those columns; an optional {@code type} column names
 * the query's type, e.g. a known-item generator's kind; other columns are ignored). Query order
 * follows the file.
 *
 * @param types query → type, for the queries whose rows name one
 */
public record Judgements(
    Map<String, Map<String, Integer>> byQuery, Map<String, String> types, List<BadLine> badLines) {

  public Judgements {
    Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
    byQuery.forEach((q, m) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
    byQuery = Collections.unmodifiableMap(copy);
    types = Map.copyOf(types);
    badLines = List.copyOf(badLines);
  }

  public Judgements(Map<String, Map<String, Integer>> byQuery, List<BadLine> badLines) {
    this(byQuery, Map.of(), badLines);
  }

  public static Judgements load(Path csv, BadLinePolicy policy) throws IOException {
    try (BufferedReader in = Files2.openText(csv)) {
      return read(in, csv.getFileName().toString(), policy);
    }
  }

  public static Judgements read(BufferedReader in, String source, BadLinePolicy policy) {
    CsvReader reader = new CsvReader(in);
    CsvReader.Row header = reader.next();
    if (header == null) {
      throw new CatalogFormatException(source + ": empty judgement file");
    }
    int q = header.fields().indexOf("query");
    int d = header.fields().indexOf("docid");
    int r = header.fields().indexOf("rating");
    int t = header.fields().indexOf("type");
    if (q < 0 || d < 0 || r < 0) {
      throw new CatalogFormatException(
          source + ":1: the header must name the columns query, docid and rating");
    }
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    List<BadLine> bad = new ArrayList<>();
    for (CsvReader.Row row = reader.next(); row != null; row = reader.next()) {
      String reason = row.error();
      if (reason == null && row.fields().size() != header.fields().size()) {
        reason = "expected " + header.fields().size() + " fields, found " + row.fields().size();
      }
      int rating = 0;
      if (reason == null) {
        try {
          rating = Integer.parseInt(row.fields().get(r).trim());
          if (rating < 0) {
            reason = "rating must be >= 0, got " + rating;
          }
        } catch (NumberFormatException e) {
          reason = "rating is not an integer: " + row.fields().get(r);
        }
      }
      if (reason == null && (row.fields().get(q).isBlank() || row.fields().get(d).isBlank())) {
        reason = "query and docid must not be blank";
      }
      if (reason != null) {
        BadLine b = new BadLine(source, row.lineNumber(), reason);
        if (policy == BadLinePolicy.FAIL) {
          throw new CatalogFormatException("bad judgement line " + b);
        }
        bad.add(b);
        continue;
      }
      out.computeIfAbsent(row.fields().get(q).trim(), k -> new LinkedHashMap<>())
          .put(row.fields().get(d).trim(), rating);
      if (t >= 0 && !row.fields().get(t).isBlank()) {
        types.put(row.fields().get(q).trim(), row.fields().get(t).trim());
      }
    }
    return new Judgements(out, types, bad);
  }

  /** Queries with at least one judgement of {@code minRating} or more. */
  public List<String> queriesWithRelevant(int minRating) {
    return byQuery.entrySet().stream()
        .filter(e -> e.getValue().values().stream().anyMatch(v -> v >= minRating))
        .map(Map.Entry::getKey)
        .toList();
  }
}
