package io.moesearch.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.catalog.CatalogFormatException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgementsTest {

  @Test
  void readsGradedJudgementsAndReportsBadRows() {
    Judgements j =
        Judgements.read(
            new BufferedReader(
                new StringReader(
                    "query,docid,rating\nlaptop,1,3\nlaptop,2,0\n\"usb, cable\",3,2\nx,4,high\ny,,1\n")),
            "j.csv",
            BadLinePolicy.SKIP);
    assertThat(j.byQuery()).containsOnlyKeys("laptop", "usb, cable");
    assertThat(j.byQuery().get("laptop")).containsEntry("1", 3).containsEntry("2", 0);
    assertThat(j.badLines()).extracting(b -> b.lineNumber()).containsExactly(5L, 6L);
    assertThat(j.queriesWithRelevant(1)).containsExactly("laptop", "usb, cable");
  }

  @Test
  void failPolicyAndMissingColumnsAreErrors() {
    assertThatThrownBy(
            () ->
                Judgements.read(
                    new BufferedReader(new StringReader("q,d,r\n")), "j.csv", BadLinePolicy.SKIP))
        .hasMessageContaining("query, docid and rating");
    assertThatThrownBy(
            () ->
                Judgements.read(
                    new BufferedReader(new StringReader("query,docid,rating\na,1,x\n")),
                    "j.csv",
                    BadLinePolicy.FAIL))
        .hasMessageContaining("j.csv:2");
  }

  @Test
  void theShippedChorusJudgementsLoad() throws Exception {
    Judgements j =
        Judgements.load(Path.of("../data/chorus/Broad_Query_Set_rated.csv"), BadLinePolicy.FAIL);
    assertThat(j.byQuery()).hasSize(135);
    assertThat(j.byQuery().values().stream().mapToInt(m -> m.size()).sum()).isEqualTo(3668);
    assertThat(j.queriesWithRelevant(1)).hasSize(116);
  }

  /**
   * Judgements as other tools write them: a byte-order mark, the header in another case and with
   * other names (DocID, product_id, grade), grades written "2.0".
   */
  @Test
  void judgementsAsOtherToolsWriteThemAreRead(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("j.csv");
    java.nio.file.Files.writeString(
        file, "\uFEFFQuery, Product_ID ,Grade\nlaptop,1,3.0\nlaptop,2,0\nmouse,3,2.5\n");
    Judgements j = Judgements.load(file, BadLinePolicy.SKIP);
    assertThat(j.byQuery()).containsOnlyKeys("laptop");
    assertThat(j.byQuery().get("laptop")).containsEntry("1", 3).containsEntry("2", 0);
    assertThat(j.badLines()).extracting(b -> b.lineNumber()).containsExactly(4L);
  }

  /** A grade is decimal digits: Java's other number forms ("2f", "0x1p1", "2d") are bad lines. */
  @Test
  void aGradeInJavasNumberSyntaxIsABadLine() {
    String csv =
        "query,docid,rating\nlaptop,1,2\nlaptop,2,2f\nlaptop,3,0x1p1\nlaptop,4,2d\nlaptop,5,+1.00\n";
    Judgements j =
        Judgements.read(new BufferedReader(new StringReader(csv)), "j.csv", BadLinePolicy.SKIP);
    assertThat(j.byQuery().get("laptop")).containsOnlyKeys("1", "5").containsEntry("5", 1);
    assertThat(j.badLines()).extracting(b -> b.lineNumber()).containsExactly(3L, 4L, 5L);
    assertThat(j.badLines().get(0).toString()).contains("rating is not an integer: 2f");
  }

  /**
   * A grade above {@link Judgements#MAX_RATING} is a bad line naming the file and line (a grade of
   * 1024 made nDCG's gains infinite and every nDCG NaN), under either policy.
   */
  @Test
  void aGradeAboveTheRangeIsABadLine() {
    String csv =
        "query,docid,rating\nlaptop,1,30\nlaptop,2,1024\nlaptop,3,31.0\nlaptop,4,1e9\nlaptop,5,12345678901\n";
    Judgements j =
        Judgements.read(new BufferedReader(new StringReader(csv)), "j.csv", BadLinePolicy.SKIP);
    assertThat(j.byQuery().get("laptop")).containsOnlyKeys("1").containsEntry("1", 30);
    assertThat(j.badLines()).extracting(b -> b.lineNumber()).containsExactly(3L, 4L, 5L, 6L);
    assertThat(j.badLines().get(0).toString())
        .contains("j.csv:3")
        .contains("rating must be an integer from 0 to 30, got 1024");
    assertThat(j.badLines().get(3).toString())
        .as("a long integer is out of range, not 'not an integer'")
        .contains("from 0 to 30, got 12345678901");
    assertThatThrownBy(
            () ->
                Judgements.read(
                    new BufferedReader(new StringReader(csv)), "j.csv", BadLinePolicy.FAIL))
        .hasMessageContaining("j.csv:3")
        .hasMessageContaining("from 0 to 30");
  }

  /**
   * A gzipped judgement file cut short, or named .gz but not gzip, fails in one line naming the
   * file (and the line reached); the first was an UncheckedIOException of an EOFException, the
   * second a message without the path.
   */
  @Test
  void aJudgementFileThatIsNotWholeGzipIsNamed(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("query,docid,rating\n");
    for (int i = 0; i < 5000; i++) {
      csv.append("query ").append(i).append(',').append(i * 7919L).append(",1\n");
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(csv.toString().getBytes(StandardCharsets.UTF_8));
    }
    Path cut =
        Files.write(dir.resolve("cut.csv.gz"), Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
    assertThatThrownBy(() -> Judgements.load(cut, BadLinePolicy.SKIP))
        .isInstanceOf(CatalogFormatException.class)
        .hasMessageMatching(
            Pattern.quote(cut.toString()) + ": gzip data ends early after line \\d+");
    Path plain = Files.writeString(dir.resolve("plain.csv.gz"), "query,docid,rating\na,1,1\n");
    assertThatThrownBy(() -> Judgements.load(plain, BadLinePolicy.SKIP))
        .isInstanceOf(CatalogFormatException.class)
        .hasMessage(plain + ": not gzip data (Not in GZIP format)");
  }

  /**
   * A (query, doc) judged twice with different grades is a bad line naming the first; the last one
   * silently won. The same judgement repeated is skipped and counted.
   */
  @Test
  void aConflictingDuplicateIsABadLineAndARepeatIsCounted() {
    String csv =
        "query,docid,rating\nlaptop,1,3\nlaptop,2,0\nlaptop,1,1\nlaptop,2,0.0\nmouse,1,1\n";
    Judgements j =
        Judgements.read(new BufferedReader(new StringReader(csv)), "j.csv", BadLinePolicy.SKIP);
    assertThat(j.byQuery().get("laptop")).isEqualTo(Map.of("1", 3, "2", 0));
    assertThat(j.byQuery().get("mouse")).isEqualTo(Map.of("1", 1));
    assertThat(j.badLines())
        .extracting(Object::toString)
        .containsExactly(
            "j.csv:4: duplicate judgement of query 'laptop', doc '1' with rating 1; first at line"
                + " 2 with rating 3");
    assertThat(j.duplicateLines()).isEqualTo(1);
    assertThatThrownBy(
            () ->
                Judgements.read(
                    new BufferedReader(new StringReader(csv)), "j.csv", BadLinePolicy.FAIL))
        .isInstanceOf(CatalogFormatException.class)
        .hasMessageContaining("j.csv:4: duplicate judgement");
  }

  /** A query given two types is a bad line at the second; the last type silently won. */
  @Test
  void aConflictingQueryTypeIsABadLine() {
    String csv = "query,docid,rating,type\nlaptop,1,3,brand\nlaptop,2,0,\nlaptop,3,1,code\n";
    Judgements j =
        Judgements.read(new BufferedReader(new StringReader(csv)), "j.csv", BadLinePolicy.SKIP);
    assertThat(j.types()).isEqualTo(Map.of("laptop", "brand"));
    assertThat(j.byQuery().get("laptop")).containsOnlyKeys("1", "2");
    assertThat(j.badLines())
        .extracting(Object::toString)
        .containsExactly("j.csv:4: query 'laptop' has type 'code' here but 'brand' at line 2");
  }
}
