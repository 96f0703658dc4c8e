package io.moesearch.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.catalog.BadLinePolicy;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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

  /**
   * A grade above {@link Judgements#MAX_RATING} is a bad line naming the file and line (a grade of
   * 1024 made nDCG's gains infinite and every nDCG NaN), under either policy.
   */
  @Test
  void aGradeAboveTheRangeIsABadLine() {
    String csv = "query,docid,rating\nlaptop,1,30\nlaptop,2,1024\nlaptop,3,31.0\nlaptop,4,1e9\n";
    Judgements j =
        Judgements.read(new BufferedReader(new StringReader(csv)), "j.csv", BadLinePolicy.SKIP);
    assertThat(j.byQuery().get("laptop")).containsOnlyKeys("1").containsEntry("1", 30);
    assertThat(j.badLines()).extracting(b -> b.lineNumber()).containsExactly(3L, 4L, 5L);
    assertThat(j.badLines().get(0).toString())
        .contains("j.csv:3")
        .contains("rating must be an integer from 0 to 30, got 1024");
    assertThatThrownBy(
            () ->
                Judgements.read(
                    new BufferedReader(new StringReader(csv)), "j.csv", BadLinePolicy.FAIL))
        .hasMessageContaining("j.csv:3")
        .hasMessageContaining("from 0 to 30");
  }
}
