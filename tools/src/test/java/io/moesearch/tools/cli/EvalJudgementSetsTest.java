package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How eval names, checks and reports the judgement files it is given. */
class EvalJudgementSetsTest {
  private final MoeSearchConfig config = MoeSearchConfig.defaultsWith(Map.of());

  private static Path write(Path file, String csv) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, csv);
  }

  /**
   * Two files of one name in two directories are two sets; the same file given as judgements and as
   * training is one set (so it is cross-validated, not refit on itself).
   */
  @Test
  void setsAreNamedApartAndTheSameFileIsOneSet(@TempDir Path dir) throws Exception {
    Path a = write(dir.resolve("a/set.csv"), "query,docid,rating\nlaptop,1,3\n");
    Path b = write(dir.resolve("b/set.csv"), "query,docid,rating\nmouse,2,3\n");
    Map<Path, String> names = new LinkedHashMap<>();
    var sets = EvalCommand.loadSets(a + "," + b, config, names);
    var training = EvalCommand.loadSets(b.toString(), config, names);
    assertThat(sets).extracting(s -> s.name()).containsExactly("set", "b/set");
    assertThat(training).extracting(s -> s.name()).containsExactly("b/set");
    assertThat(sets.get(1).judgements().byQuery()).containsOnlyKeys("mouse");
  }

  /** A file with no query rated 1 or more fails before anything slow runs, naming the file. */
  @Test
  void aFileWithNothingRelevantFailsNamingIt(@TempDir Path dir) throws Exception {
    Path zeros = write(dir.resolve("zeros.csv"), "query,docid,rating\nlaptop,1,0\nmouse,2,high\n");
    assertThatThrownBy(() -> EvalCommand.loadSets(zeros.toString(), config, new LinkedHashMap<>()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("zeros.csv")
        .hasMessageContaining("1 bad lines skipped");
  }

  /** Judged products the catalogue lacks are counted (no ranking can find them). */
  @Test
  void judgedProductsNotInTheCatalogueAreCounted(@TempDir Path dir) throws Exception {
    Path f =
        write(dir.resolve("j.csv"), "query,docid,rating\nlaptop,1,3\nlaptop,1.0,2\nmouse,9,1\n");
    var set = EvalCommand.loadSets(f.toString(), config, new LinkedHashMap<>()).get(0);
    Catalog catalog =
        new Catalog(List.of(new Product("1", "Laptop", "", "", "", null, null)), List.of());
    assertThat(EvalCommand.checkAgainst(set, catalog, "eval.judgements"))
        .containsEntry("judgedProducts", 3)
        .containsEntry("notInCatalogue", 2)
        .containsEntry("badLines", 0);
  }
}
