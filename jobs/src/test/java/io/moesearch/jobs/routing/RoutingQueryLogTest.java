package io.moesearch.jobs.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routing update's query log, as logs come: in order, every repetition, a bad line named. */
class RoutingQueryLogTest {
  private static final int MAX_CHARS = 64;

  @Test
  void aLogWithAByteOrderMarkGzippedOrCsvIsReadInOrder(@TempDir Path dir) throws Exception {
    Path jsonl = dir.resolve("log.jsonl");
    Files.writeString(jsonl, "\uFEFF{\"text\": \"usb cable\"}\nlaptop\n{\"query\": \"mouse\"}\n");
    assertThat(RoutingData.readQueryLog(jsonl, 10, MAX_CHARS))
        .containsExactly("usb cable", "laptop", "mouse");

    Path gz = dir.resolve("log.txt.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("laptop\nlaptop\nmouse\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(RoutingData.readQueryLog(gz, 10, MAX_CHARS))
        .containsExactly("laptop", "laptop", "mouse");

    Path csv = dir.resolve("log.csv");
    Files.writeString(csv, "Text , Count\n\"usb c cable, 2m\",1\nlaptop,\n");
    assertThat(RoutingData.readQueryLog(csv, 10, MAX_CHARS))
        .containsExactly("usb c cable, 2m", "laptop");
    assertThat(RoutingData.readQueryLog(csv, 1, MAX_CHARS)).containsExactly("usb c cable, 2m");
  }

  @Test
  void aBadLineOrAPopularityRowIsRefusedNamingItsLine(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "laptop\n{not json\n");
    assertThatThrownBy(() -> RoutingData.readQueryLog(bad, 10, MAX_CHARS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.jsonl:2")
        .hasMessageContaining("malformed JSON");
    Path counted = dir.resolve("counted.jsonl");
    Files.writeString(counted, "{\"text\": \"laptop\", \"count\": 500}\n");
    assertThatThrownBy(() -> RoutingData.readQueryLog(counted, 10, MAX_CHARS))
        .hasMessageContaining("counted.jsonl:1")
        .hasMessageContaining("popularity row");
    Path csv = dir.resolve("counted.csv");
    Files.writeString(csv, "text,count\nlaptop,12\n");
    assertThatThrownBy(() -> RoutingData.readQueryLog(csv, 10, MAX_CHARS))
        .hasMessageContaining("counted.csv:2");
  }

  /** A line that is not UTF-8 is a bad line, named, not a query with U+FFFD in it. */
  /** A second object on a line is refused naming the line, not read as the first alone. */
  @Test
  void aSecondObjectOnALineIsRefusedNamingItsLine(@TempDir Path dir) throws Exception {
    Path two = dir.resolve("two.jsonl");
    Files.writeString(two, "laptop\n{\"text\": \"mouse\"}{\"text\": \"keyboard\"}\n");
    assertThatThrownBy(() -> RoutingData.readQueryLog(two, 10, MAX_CHARS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two.jsonl:2")
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void aLineThatIsNotUtf8IsRefusedNamingItsLine(@TempDir Path dir) throws Exception {
    Path log =
        Files.write(
            dir.resolve("log.txt"), "laptop\nmouse \u00FF\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> RoutingData.readQueryLog(log, 10, MAX_CHARS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(log + ":2: not valid UTF-8");
  }

  /** A log named .gz that is not gzip fails naming the file, not with a bare ZipException. */
  @Test
  void aLogThatIsNotGzipFailsNamingTheFile(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("log.txt.gz"), "laptop\n");
    assertThatThrownBy(() -> RoutingData.readQueryLog(log, 10, MAX_CHARS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(log + ": not gzip data (Not in GZIP format)");
  }

  /**
   * The gate learns from the texts the job routes: each in its normal form (NFKC, lower case,
   * invisible characters removed), and none the job refuses (blank once normalised, or longer than
   * query.max-chars once normalised). The log's texts were embedded as written.
   */
  @Test
  void theTextsAreTheJobsNormalFormsAndThoseItRefusesAreSkipped(@TempDir Path dir)
      throws Exception {
    String asTyped =
        "\uFF2C\uFF2F\uFF27\uFF29\uFF34\uFF25\uFF23\uFF28\u200b\u3000\uFF2D\uFF15\uFF10\uFF10 wireless\u00admouse";
    String tooLong = "\uFDFA".repeat(MAX_CHARS); // 18 characters each once normalised
    Path log =
        Files.writeString(
            dir.resolve("log.txt"), asTyped + "\n\u200b\n" + tooLong + "\nUSB  Cable\n");
    assertThat(RoutingData.readQueryLog(log, 10, MAX_CHARS))
        .containsExactly("logitech m500 wirelessmouse", "usb cable");
  }
}
