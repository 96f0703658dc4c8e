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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Graded relevance judgements: query → (product id → rating). Read from a {@code
 * query,docid,rating} CSV (a header row naming those columns, in any case, {@code doc_id} or {@code
 * product_id} and {@code grade} or {@code relevance} too; integer grades from 0 to {@value
 * #MAX_RATING}, "2.0" read as 2; an optional {@code type} column names the query's type, e.g. a
 * known-item generator's kind; other columns are ignored). Query order follows the file. A (query,
 * doc) pair is judged once: a later line repeating it with another rating, or giving a query
 * another type than an earlier line, is a bad line; one repeating it word for word is skipped and
 * counted.
 *
 * @param types query → type, for the queries whose rows name one
 * @param duplicateLines lines skipped as repeating an earlier line's judgement (and type) exactly
 */
public record Judgements(
    Map<String, Map<String, Integer>> byQuery,
    Map<String, String> types,
    List<BadLine> badLines,
    int duplicateLines) {

  public Judgements {
    Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
    byQuery.forEach((q, m) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
    byQuery = Collections.unmodifiableMap(copy);
    types = Map.copyOf(types);
    badLines = List.copyOf(badLines);
  }

  /**
   * The largest grade: nDCG's gain {@code 2^rating - 1} stays exact and its sums finite (a grade of
   * 1024 or more made them infinite, nDCG NaN). Graded sets use a handful of levels (Chorus 0..3).
   */
  public static final int MAX_RATING = 30;

  public Judgements(Map<String, Map<String, Integer>> byQuery, List<BadLine> badLines) {
    this(byQuery, Map.of(), badLines, 0);
  }

  /**
   * Reads {@code csv}, gunzipping a {@code .gz} file.
   *
   * @throws CatalogFormatException naming the file (and the line reached) if it cannot be read to
   *     its end (not gzip though named so, gzip data that ends early), has no header naming the
   *     columns, or at a bad line under {@link BadLinePolicy#FAIL}
   * @throws IOException if the file cannot be opened (the {@link java.nio.file.FileSystemException}
   *     names it)
   */
  public static Judgements load(Path csv, BadLinePolicy policy) throws IOException {
    return Files2.readText(
        csv, in -> read(in, csv.getFileName().toString(), policy), CatalogFormatException::new);
  }

  public static Judgements read(BufferedReader in, String source, BadLinePolicy policy) {
    CsvReader reader = new CsvReader(in);
    CsvReader.Row header = reader.next();
    if (header == null) {
      throw new CatalogFormatException(source + ": empty judgement file");
    }
    List<String> cols = new ArrayList<>();
    for (String name : header.fields()) {
      // "Query", " DocID", "doc_id", "grade": matched whatever their case and spaces.
      String key = name.strip().toLowerCase(Locale.ROOT).replace(' ', '_');
      cols.add(COLUMN_ALIASES.getOrDefault(key, key));
    }
    int q = cols.indexOf("query");
    int d = cols.indexOf("docid");
    int r = cols.indexOf("rating");
    int t = cols.indexOf("type");
    if (q < 0 || d < 0 || r < 0) {
      throw new CatalogFormatException(
          source
              + ":"
              + header.lineNumber()
              + ": the header must name the columns query, docid and rating, found "
              + header.fields());
    }
    reader.expectFields(cols.size());
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    Map<Map.Entry<String, String>, Long> judgedAt = new HashMap<>();
    Map<String, Long> typedAt = new HashMap<>();
    int duplicates = 0;
    List<BadLine> bad = new ArrayList<>();
    for (CsvReader.Row row = reader.next(); row != null; row = reader.next()) {
      String reason = row.error();
      if (reason == null && row.fields().size() != header.fields().size()) {
        reason = "expected " + header.fields().size() + " fields, found " + row.fields().size();
      }
      int rating = 0;
      if (reason == null) {
        try {
          double value = rating(row.fields().get(r).trim());
          if (value < 0 || value > MAX_RATING) {
            reason =
                "rating must be an integer from 0 to "
                    + MAX_RATING
                    + ", got "
                    + row.fields().get(r).trim();
          } else {
            rating = (int) value;
          }
        } catch (NumberFormatException e) {
          reason = "rating is not an integer: " + row.fields().get(r);
        }
      }
      if (reason == null && (row.fields().get(q).isBlank() || row.fields().get(d).isBlank())) {
        reason = "query and docid must not be blank";
      }
      String query = reason == null ? row.fields().get(q).trim() : null;
      String doc = reason == null ? row.fields().get(d).trim() : null;
      String type =
          t < 0 || reason != null || row.fields().get(t).isBlank()
              ? ""
              : row.fields().get(t).trim();
      if (!type.isEmpty() && typedAt.containsKey(query) && !types.get(query).equals(type)) {
        reason =
            "query '"
                + query
                + "' has type '"
                + type
                + "' here but '"
                + types.get(query)
                + "' at line "
                + typedAt.get(query);
      }
      Long first = reason == null ? judgedAt.get(Map.entry(query, doc)) : null;
      int earlier = first == null ? 0 : out.get(query).get(doc);
      if (first != null && earlier != rating) {
        reason =
            "duplicate judgement of query '"
                + query
                + "', doc '"
                + doc
                + "' with rating "
                + rating
                + "; first at line "
                + first
                + " with rating "
                + earlier;
      }
      if (reason != null) {
        BadLine b = new BadLine(source, row.lineNumber(), reason);
        if (policy == BadLinePolicy.FAIL) {
          throw new CatalogFormatException("bad judgement line " + b);
        }
        bad.add(b);
        continue;
      }
      if (!type.isEmpty() && typedAt.putIfAbsent(query, row.lineNumber()) == null) {
        types.put(query, type);
      }
      if (first != null) {
        duplicates++; // the same judgement again
        continue;
      }
      out.computeIfAbsent(query, k -> new LinkedHashMap<>()).put(doc, rating);
      judgedAt.put(Map.entry(query, doc), row.lineNumber());
    }
    return new Judgements(out, types, bad, duplicates);
  }

  /** Other names of the columns, as judgement files write them. */
  private static final Map<String, String> COLUMN_ALIASES =
      Map.of(
          "doc_id", "docid",
          "product_id", "docid",
          "grade", "rating",
          "relevance", "rating",
          "query_type", "type");

  /** A grade as decimal digits, optionally signed, with an optional zero fraction ("2.0"). */
  private static final java.util.regex.Pattern GRADE =
      java.util.regex.Pattern.compile("[+-]?[0-9]+(\\.0*)?");

  /**
   * An integer grade, also written with a zero fraction ("2.0"); "2.5", "NaN", "2f", "0x1p1" and
   * "x" are no grade (Java's number syntax would take the last three).
   */
  private static double rating(String text) {
    if (!GRADE.matcher(text).matches()) {
      throw new NumberFormatException(text);
    }
    return Double.parseDouble(text);
  }

  /** Queries with at least one judgement of {@code minRating} or more. */
  public List<String> queriesWithRelevant(int minRating) {
    return byQuery.entrySet().stream()
        .filter(e -> e.getValue().values().stream().anyMatch(v -> v >= minRating))
        .map(Map.Entry::getKey)
        .toList();
  }
}
