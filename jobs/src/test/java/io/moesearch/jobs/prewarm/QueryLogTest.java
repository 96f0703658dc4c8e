package io.moesearch.jobs.prewarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.moesearch.connectors.message.ParseOutcome;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RawMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryLogTest {
  @TempDir Path dir;
  private final QueryCodec codec = new QueryCodec(64, 4096);
  private final List<String> problems = new ArrayList<>();

  private QueryLog read(String name, String... lines) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, List.of(lines));
    return QueryLog.read(f, codec, problems::add);
  }

  private static List<String> texts(List<QueryLog.Entry> entries) {
    return entries.stream().map(e -> e.query().text() + "=" + e.count()).toList();
  }

  @Test
  void plainTextCountsNormalisedRepeats() throws Exception {
    QueryLog log = read("q.txt", "USB cable", "usb  cable", "toner", "", "usb cable ");
    assertThat(log.distinct()).isEqualTo(2);
    assertThat(texts(log.top(5))).containsExactly("USB cable=3", "toner=1");
    assertThat(texts(log.top(1))).containsExactly("USB cable=3");
  }

  @Test
  void textsOfOnlyInvisibleCharactersAreSkippedLinesNotAFailedJob() throws Exception {
    // Blank to no check but the normal form's: the cache key threw and ended the whole read.
    QueryLog plain = read("q.txt", "\u200b", "toner", "\u00ad\ufeff");
    assertThat(texts(plain.top(5))).containsExactly("toner=1");
    assertThat(plain.skipped()).isEqualTo(2);
    QueryLog rows = read("q.jsonl", "{\"text\": \"\\u200b\", \"count\": 3}", "{\"text\": \"ink\"}");
    assertThat(texts(rows.top(5))).containsExactly("ink=1");
    QueryLog csv = read("q.csv", "text,count", "\u2060,4", "paper,1");
    assertThat(texts(csv.top(5))).containsExactly("paper=1");
    assertThat(problems).anyMatch(p -> p.contains("text must not be blank"));
  }

  @Test
  void jsonLinesTakePopularityRowsAndRawEvents() throws Exception {
    QueryLog log =
        read(
            "q.jsonl",
            "{\"text\": \"toner\", \"count\": 5}",
            "{\"query_id\": \"1\", \"text\": \"mouse\"}",
            "{\"query_id\": \"2\", \"text\": \"Mouse\", \"top_k\": 10}",
            "{\"query_id\": \"3\", \"text\": \"mouse\", \"top_k\": 5}",
            "{\"query_id\": \"4\", \"text\": \"mouse\", \"filters\": {\"brands\": [\"HP\"]}}",
            "{\"text\": \"ssd\", \"count\": 0}",
            "not json",
            "{\"query_id\": \"5\", \"text\": \"" + "x".repeat(100) + "\"}");
    assertThat(texts(log.top(10))).containsExactly("toner=5", "mouse=2", "mouse=1", "mouse=1");
    assertThat(log.top(10).get(3).query().filters().brands())
        .as("brands in normal form")
        .containsExactly("hp");
    assertThat(log.skipped()).isEqualTo(3);
    assertThat(problems).anyMatch(p -> p.contains("q.jsonl:6") && p.contains("count"));
    assertThat(problems).anyMatch(p -> p.contains("q.jsonl:7") && p.contains("not JSON"));
  }

  /**
   * A second object on a line, or a field named twice, is a skipped line: the lenient reader kept
   * the first object and dropped the second row (the most asked query here) without a word.
   */
  @Test
  void aSecondObjectOrADuplicateFieldOnALineIsSkipped() throws Exception {
    QueryLog log =
        read(
            "q.jsonl",
            "{\"text\": \"usb cable\", \"count\": 5}{\"text\": \"hdmi cable\", \"count\": 900}",
            "{\"text\": \"mouse\", \"text\": \"keyboard\"}",
            "{\"text\": \"toner\"}");
    assertThat(texts(log.top(5))).containsExactly("toner=1");
    assertThat(log.skipped()).isEqualTo(2);
  }

  @Test
  void csvNeedsATextColumnAndTakesCounts() throws Exception {
    QueryLog log = read("q.csv", "query,frequency", "toner,3", "\"usb, cable\",7", "mouse,x");
    assertThat(texts(log.top(10))).containsExactly("usb, cable=7", "toner=3");
    assertThat(log.skipped()).isEqualTo(1);
    assertThatThrownBy(() -> read("bad.csv", "name,count", "a,1")).hasMessageContaining("'text'");
  }

  /** Counts add up without overflowing: the most asked query stays the most asked. */
  @Test
  void countsSaturateInsteadOfOverflowing() {
    assertThat(QueryLog.saturatedSum(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(QueryLog.saturatedSum(Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(QueryLog.saturatedSum(2, 3)).isEqualTo(5);
  }

  /** A fractional count or top_k is a bad line, not truncated; an empty CSV count counts once. */
  @Test
  void fractionalCountsAreBadLinesAndAnEmptyCountCellCountsOnce() throws Exception {
    QueryLog log =
        read(
            "log.jsonl",
            "{\"text\": \"laptop\", \"count\": 2.7}",
            "{\"text\": \"mouse\", \"top_k\": 10.9}",
            "{\"text\": \"kettle\", \"count\": 3.0}");
    assertThat(problems).hasSize(2);
    assertThat(log.total()).isEqualTo(3);
    assertThat(read("log.csv", "text,count", "mouse,", "laptop,2").total()).isEqualTo(3);
  }

  /**
   * A line that is not UTF-8 is skipped with that reason, in every format: decoded with U+FFFD it
   * was pre-warmed under a text the job never sees (it dead-letters the same bytes).
   */
  @Test
  void aLineThatIsNotUtf8IsSkipped() throws Exception {
    for (String name : List.of("log.txt", "log.jsonl", "log.csv")) {
      problems.clear();
      String header = name.endsWith(".csv") ? "text\n" : "";
      boolean json = name.endsWith(".jsonl");
      String mouse = json ? "{\"text\": \"mouse \u00FF\"}" : "mouse \u00FF";
      String keyboard = json ? "{\"text\": \"keyboard\"}" : "keyboard";
      byte[] bytes =
          (header + mouse + "\n" + keyboard + "\n").getBytes(StandardCharsets.ISO_8859_1);
      QueryLog log = QueryLog.read(Files.write(dir.resolve(name), bytes), codec, problems::add);
      assertThat(texts(log.top(5))).as(name).containsExactly("keyboard=1");
      int line = header.isEmpty() ? 1 : 2;
      assertThat(problems)
          .as(name)
          .containsExactly(dir.resolve(name) + ":" + line + ": skipped (not valid UTF-8)");
    }
  }

  /** A gzipped log cut short fails naming the file and the line reached, not with a bare EOF. */
  @Test
  void aTruncatedGzipLogFailsNamingTheFile() throws Exception {
    Path file = dir.resolve("log.txt.gz");
    Files.write(file, Arrays.copyOf(gzip("mouse\n".repeat(5000)), 40));
    assertThatThrownBy(() -> QueryLog.read(file, codec, problems::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ": gzip data ends early after line ");
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /**
   * A text is bounded after normalisation, as the job bounds it: NFKC makes 18 characters of
   * U+FDFA, so a line of {@code query.max-chars} of them, which the job refuses, was pre-warmed
   * under a key no query reaches, its fill records 18 times the size the bound allows.
   */
  @Test
  void aTextLongerThanTheJobAcceptsOnceNormalisedIsSkipped() throws Exception {
    String text = "\uFDFA".repeat(codec.maxQueryChars());
    byte[] event =
        ("{\"query_id\":\"q\",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    assertThat(codec.parse(new RawMessage("t", 0, 0, 0L, null, event)))
        .as("the job's verdict on the same text")
        .isInstanceOf(ParseOutcome.Rejected.class);

    QueryLog log = read("log.txt", text, "mouse");

    assertThat(texts(log.top(5))).containsExactly("mouse=1");
    assertThat(problems)
        .singleElement(STRING)
        .contains("log.txt:1")
        .contains("at most " + codec.maxQueryChars() + " characters after normalisation");
  }
}
