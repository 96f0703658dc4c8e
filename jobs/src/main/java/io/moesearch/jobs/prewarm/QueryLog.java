package io.moesearch.jobs.prewarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.ParseOutcome;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.cache.CacheKey;
import io.moesearch.core.util.CsvReader;
import io.moesearch.core.util.Files2;
import io.moesearch.core.util.StrictJson;
import io.moesearch.core.util.Utf8LineReader;
import io.moesearch.jobs.routing.RoutingData;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A query log counted by cache key (normalised text + {@code top_k} + filters), for pre-warming.
 * Reads, by file name ({@code .gz} allowed):
 *
 * <ul>
 *   <li>{@code .jsonl}: one JSON object per line; either a popularity row {@code {"text": ...,
 *       "count": n, "top_k": k}} ({@code count} and {@code top_k} optional) or a raw query event as
 *       sent to the query topic (it has a {@code query_id}; each counts once, validated like the
 *       streaming job does);
 *   <li>{@code .csv}: a header naming a {@code text} (or {@code query}) column and optionally
 *       {@code count} (or {@code frequency}) and {@code top_k};
 *   <li>anything else: plain text, one query per line, each counting once.
 * </ul>
 *
 * Bad lines are reported and skipped. The routing update reads its query log with another reader
 * ({@link RoutingData#readQueryLog}), which keeps order and repetitions instead of counting.
 */
public final class QueryLog {

  /** One distinct query of the log: a representative request and how often it was asked. */
  public record Entry(SearchQuery query, long count) {}

  private final Map<String, Entry> byKey = new LinkedHashMap<>();
  private final QueryCodec codec;
  private final Consumer<String> problems;
  private long lines;
  private long skipped;

  private QueryLog(QueryCodec codec, Consumer<String> problems) {
    this.codec = codec;
    this.problems = problems;
  }

  /**
   * Reads and counts a log file; {@code problems} hears about each skipped line.
   *
   * @throws IllegalArgumentException naming the file and the line reached if it cannot be read to
   *     its end (not gzip though named so, gzip data that ends early), or has no CSV header
   * @throws IOException if the file cannot be opened
   */
  public static QueryLog read(Path file, QueryCodec codec, Consumer<String> problems)
      throws IOException {
    QueryLog log = new QueryLog(codec, problems);
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    String format = name;
    return Files2.readText(
        file,
        in -> {
          if (format.endsWith(".jsonl") || format.endsWith(".ndjson")) {
            log.readJsonLines(in, file.toString());
          } else if (format.endsWith(".csv")) {
            log.readCsv(in, file.toString());
          } else {
            String line;
            while ((line = log.nextLine(in, file.toString())) != null) {
              if (!line.isBlank()) {
                log.add(line.strip(), 1, SearchQuery.DEFAULT_TOP_K, null, file + ":" + log.lines);
              }
            }
          }
          return log;
        },
        IllegalArgumentException::new);
  }

  /** The next line, counted; a line that is not UTF-8 or too long is reported and read as blank. */
  private String nextLine(BufferedReader in, String source) throws IOException {
    try {
      String line = in.readLine();
      if (line != null) {
        lines++;
      }
      return line;
    } catch (Utf8LineReader.BadLineException e) {
      lines++;
      skip(source + ":" + lines, e.reason());
      return "";
    }
  }

  private void readJsonLines(BufferedReader in, String source) throws IOException {
    ObjectMapper mapper = StrictJson.newMapper();
    String line;
    while ((line = nextLine(in, source)) != null) {
      if (line.isBlank()) {
        continue;
      }
      String where = source + ":" + lines;
      JsonNode node;
      try {
        node = mapper.readTree(line);
      } catch (IOException e) {
        skip(where, "not JSON");
        continue;
      }
      if (node == null || !node.isObject()) {
        skip(where, "not a JSON object");
        continue;
      }
      if (node.has("query_id")) {
        ParseOutcome outcome =
            codec.parse(
                new RawMessage(
                    "query-log", -1, lines, -1, null, line.getBytes(StandardCharsets.UTF_8)));
        if (outcome instanceof ParseOutcome.Accepted a) {
          SearchQuery q = a.query();
          add(q.text(), 1, q.topK(), q.filters(), where);
        } else if (outcome instanceof ParseOutcome.Rejected r) {
          skip(where, r.deadLetter().reason());
        }
        continue;
      }
      JsonNode text = node.get("text");
      JsonNode count = node.get("count");
      JsonNode topK = node.get("top_k");
      if (text == null || !text.isTextual() || text.textValue().isBlank()) {
        skip(where, "text must be a non-blank string");
      } else if (count != null && !wholeAtLeastOne(count)) {
        skip(where, "count must be a positive integer");
      } else if (topK != null && !(topK.canConvertToInt() && wholeNumber(topK))) {
        skip(where, "top_k must be an integer");
      } else {
        add(
            text.textValue(),
            count == null ? 1 : count.longValue(),
            topK == null ? SearchQuery.DEFAULT_TOP_K : topK.intValue(),
            null,
            where);
      }
    }
  }

  private void readCsv(BufferedReader in, String source) {
    CsvReader csv = new CsvReader(in);
    CsvReader.Row header = csv.next();
    if (header == null || header.error() != null) {
      throw new IllegalArgumentException(source + ": a CSV query log needs a header row");
    }
    int text = -1;
    int count = -1;
    int topK = -1;
    for (int i = 0; i < header.fields().size(); i++) {
      switch (header.fields().get(i).strip().toLowerCase(Locale.ROOT)) {
        case "text", "query" -> text = i;
        case "count", "frequency" -> count = i;
        case "top_k" -> topK = i;
        default -> {}
      }
    }
    if (text < 0) {
      throw new IllegalArgumentException(
          source + ": the CSV header must name a 'text' (or 'query') column");
    }
    CsvReader.Row row;
    while ((row = csv.next()) != null) {
      lines++;
      String where = source + ":" + row.lineNumber();
      if (row.error() != null) {
        skip(where, row.error());
        continue;
      }
      List<String> f = row.fields();
      try {
        String t = text < f.size() ? f.get(text) : "";
        // An empty count cell counts once, as a row without the column does.
        long c =
            count < 0 || count >= f.size() || f.get(count).isBlank()
                ? 1
                : Long.parseLong(f.get(count).strip());
        int k =
            topK < 0 || topK >= f.size() || f.get(topK).isBlank()
                ? SearchQuery.DEFAULT_TOP_K
                : Integer.parseInt(f.get(topK).strip());
        if (t.isBlank()) {
          skip(where, "empty text");
        } else if (c < 1) {
          skip(where, "count must be a positive integer");
        } else {
          add(t, c, k, null, where);
        }
      } catch (NumberFormatException e) {
        skip(where, "count and top_k must be integers");
      }
    }
  }

  private void add(String text, long count, int topK, Filters f, String where) {
    SearchQuery q;
    String key;
    try {
      q = new SearchQuery("prewarm", text, topK, f, 0, null);
      // The job's bounds, after normalisation (NFKC can make 18 characters of one).
      QueryCodec.normalText(text, codec.maxQueryChars());
      key = CacheKey.of(text, topK, f == null ? "" : f.canonical()).full();
    } catch (IllegalArgumentException e) {
      skip(where, e.getMessage());
      return;
    }
    // Saturating: two counts near Long.MAX_VALUE must not add up to a negative one.
    byKey.merge(
        key,
        new Entry(q, count),
        (a, b) -> new Entry(a.query(), saturatedSum(a.count(), b.count())));
  }

  private void skip(String where, String why) {
    skipped++;
    problems.accept(where + ": skipped (" + why + ")");
  }

  /** Distinct queries (by cache key). */
  public int distinct() {
    return byKey.size();
  }

  /** Lines read, including skipped ones. */
  public long lines() {
    return lines;
  }

  public long skipped() {
    return skipped;
  }

  /** Total count of all entries. */
  public long total() {
    return byKey.values().stream().mapToLong(Entry::count).reduce(0, QueryLog::saturatedSum);
  }

  /** The {@code n} most frequent distinct queries, most frequent first (ties by first seen). */
  public List<Entry> top(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("--top must be >= 0, got " + n);
    }
    List<Entry> all = new ArrayList<>(byKey.values());
    all.sort(Comparator.comparingLong(Entry::count).reversed());
    return all.subList(0, Math.min(n, all.size()));
  }

  /** A JSON number without a fraction ("2" or "2.0", not "2.7"). */
  private static boolean wholeNumber(JsonNode n) {
    return n.isIntegralNumber() || n.isNumber() && n.asDouble() == Math.rint(n.asDouble());
  }

  /** A whole JSON number of at least 1 that fits a long. */
  private static boolean wholeAtLeastOne(JsonNode n) {
    return n.canConvertToLong() && wholeNumber(n) && n.longValue() >= 1;
  }

  /** {@code a + b} for counts of at least 1, {@link Long#MAX_VALUE} where it would overflow. */
  public static long saturatedSum(long a, long b) {
    return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
  }
}
