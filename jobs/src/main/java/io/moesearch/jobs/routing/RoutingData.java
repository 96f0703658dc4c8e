package io.moesearch.jobs.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.GateTrainer;
import io.moesearch.core.synth.BruteForce;
import io.moesearch.core.util.CsvReader;
import io.moesearch.core.util.Files2;
import io.moesearch.core.util.StrictJson;
import io.moesearch.core.util.Utf8LineReader;
import io.moesearch.jobs.prewarm.QueryLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/** Shared steps of the routing update and {@code bench routing}. */
public final class RoutingData {
  private RoutingData() {}

  /** {@code n} product titles picked with a seeded shuffle: the default query log. */
  public static List<String> titleQueries(Catalog catalog, int n, long seed) {
    List<Integer> ords = new ArrayList<>();
    for (int i = 0; i < catalog.size(); i++) {
      ords.add(i);
    }
    Collections.shuffle(ords, new Random(seed));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, ords.size()); i++) {
      out.add(catalog.get(ords.get(i)).title());
    }
    return out;
  }

  /**
   * A query log: one query a line, either plain text or a JSON object with a {@code text} (or
   * {@code query}) field; blank lines and lines starting with {@code #} are skipped.
   *
   * <p>Not the prewarm job's reader ({@link QueryLog}), which counts distinct queries: this one
   * keeps the log's order and every repetition (the layout's windows are cut in that order and the
   * held-out queries are the last ones), tells JSON from text line by line rather than by file
   * name, and stops at a bad line (naming it) rather than skipping it. A {@code .csv} log has a
   * header naming a {@code text} (or {@code query}) column; {@code .gz} and a byte-order mark are
   * read. A popularity row ({@code count} above 1, JSON or CSV) is refused: it says how often a
   * query was asked, not when, and the layout needs the order. A file that cannot be read to its
   * end (not gzip though named so, gzip data that ends early) fails naming it and the line reached.
   *
   * <p>Each text is kept in the form the job routes ({@link QueryCodec#normalText}); one the job
   * refuses (blank in that form, or longer than {@code maxQueryChars}) is skipped, and does not
   * count towards {@code limit}.
   */
  public static List<String> readQueryLog(Path file, int limit, int maxQueryChars)
      throws IOException {
    var json = StrictJson.newMapper();
    List<String> out = new ArrayList<>();
    String name = file.getFileName().toString();
    Files2.readText(
        file,
        in -> {
          if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
            readCsvLog(in, file, limit, maxQueryChars, out);
          } else {
            int line = 0;
            for (String raw = nextLine(in, file);
                raw != null && out.size() < limit;
                raw = nextLine(in, file)) {
              line++;
              String s = raw.strip();
              if (s.isEmpty() || s.startsWith("#")) {
                continue;
              }
              long count = 1;
              if (s.startsWith("{")) {
                JsonNode node;
                try {
                  node = json.readTree(s);
                } catch (JsonProcessingException e) {
                  throw new IllegalArgumentException(
                      file + ":" + line + ": malformed JSON: " + e.getOriginalMessage());
                }
                var text = node.hasNonNull("text") ? node.get("text") : node.get("query");
                if (text == null || !text.isTextual() || text.asText().isBlank()) {
                  throw new IllegalArgumentException(
                      file
                          + ":"
                          + line
                          + ": a JSON query line needs a non-empty \"text\" or \"query\"");
                }
                s = text.asText();
                count = count(node.get("count"), file + ":" + line);
              }
              once(s, count, file + ":" + line, maxQueryChars, out);
            }
          }
          return null;
        },
        IllegalArgumentException::new);
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": the query log holds no queries");
    }
    return out;
  }

  /** The next line, or {@code null} at the end; a line not UTF-8 or too long is a bad line. */
  private static String nextLine(BufferedReader in, Path file) throws IOException {
    try {
      return in.readLine();
    } catch (Utf8LineReader.BadLineException e) {
      throw new IllegalArgumentException(file + ":" + e.lineNumber() + ": " + e.reason());
    }
  }

  /** A CSV log: a header naming {@code text} (or {@code query}), optionally {@code count}. */
  private static void readCsvLog(
      BufferedReader in, Path file, int limit, int maxQueryChars, List<String> out) {
    CsvReader csv = new CsvReader(in);
    CsvReader.Row header = csv.next();
    int text = -1;
    int count = -1;
    if (header != null && header.error() == null) {
      for (int i = 0; i < header.fields().size(); i++) {
        switch (header.fields().get(i).strip().toLowerCase(Locale.ROOT)) {
          case "text", "query" -> text = text < 0 ? i : text;
          case "count", "frequency" -> count = count < 0 ? i : count;
          default -> {}
        }
      }
    }
    if (text < 0) {
      throw new IllegalArgumentException(
          file + ": a CSV query log needs a header naming a 'text' (or 'query') column");
    }
    csv.expectFields(header.fields().size());
    for (CsvReader.Row row = csv.next(); row != null && out.size() < limit; row = csv.next()) {
      String where = file + ":" + row.lineNumber();
      if (row.error() != null || row.fields().size() != header.fields().size()) {
        throw new IllegalArgumentException(
            where + ": " + (row.error() != null ? row.error() : "wrong number of fields"));
      }
      String q = row.fields().get(text).strip();
      if (q.isEmpty()) {
        continue;
      }
      long n = 1;
      if (count >= 0 && !row.fields().get(count).isBlank()) {
        try {
          n = Long.parseLong(row.fields().get(count).strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(where + ": count is not a whole number");
        }
        if (n < 1) {
          throw new IllegalArgumentException(where + ": count must be at least 1");
        }
      }
      once(q, n, where, maxQueryChars, out);
    }
  }

  /** A JSON line's {@code count} (1 when absent): a whole number of at least 1. */
  private static long count(JsonNode n, String where) {
    if (n == null || n.isNull()) {
      return 1;
    }
    if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 1) {
      throw new IllegalArgumentException(where + ": count must be a whole number of at least 1");
    }
    return n.asLong();
  }

  /**
   * Adds {@code text}'s normal form, asked once, unless the job refuses the text; a count above 1
   * is a popularity row, refused.
   */
  private static void once(
      String text, long count, String where, int maxQueryChars, List<String> out) {
    if (count > 1) {
      throw new IllegalArgumentException(
          where
              + ": a count above 1 is a popularity row (for prewarm); the routing update needs"
              + " the log as asked, one line per query, in order");
    }
    String normal;
    try {
      normal = QueryCodec.normalText(text, maxQueryChars);
    } catch (IllegalArgumentException refused) {
      return; // never routed by the job, so no part of what the gate learns
    }
    out.add(normal);
  }

  /** Embeds texts in batches of 32, reporting progress every ~500. */
  public static float[][] embed(Embedder embedder, List<String> texts, Consumer<String> progress) {
    float[][] out = new float[texts.size()][];
    int next = 500;
    for (int from = 0; from < texts.size(); from += 32) {
      int to = Math.min(texts.size(), from + 32);
      float[][] v = embedder.embed(texts.subList(from, to));
      System.arraycopy(v, 0, out, from, v.length);
      if (to >= next || to == texts.size()) {
        progress.accept("embedded " + to + "/" + texts.size() + " queries");
        next += 500;
      }
    }
    return out;
  }

  /** The trained gate and the neighbour data it was trained on. */
  public record Training(GateTrainer.Result result, int queries, int k) {}

  /** Re-learns the gate: exact top-k of each query, targets from expert membership, training. */
  public static Training train(
      Gate initial,
      float[][] products,
      int[][] expertsOfProduct,
      float[][] queries,
      int k,
      GateTrainer.Settings settings,
      Consumer<String> progress) {
    progress.accept("exact top-" + k + " of " + queries.length + " logged queries");
    int[][] top = BruteForce.topK(products, queries, k);
    double[][] targets = GateTrainer.neighbourTargets(top, expertsOfProduct, initial.experts());
    GateTrainer.Result r = new GateTrainer(settings).train(initial, queries, targets, progress);
    return new Training(r, queries.length, k);
  }
}
