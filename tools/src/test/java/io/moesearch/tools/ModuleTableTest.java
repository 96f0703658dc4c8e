package io.moesearch.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The root pom's module list and the README's module table name the same modules. */
class ModuleTableTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theReadmeModuleTableListsExactlyTheMavenModules() throws IOException {
    List<String> modules = new ArrayList<>();
    Matcher m =
        Pattern.compile("<module>([^<]+)</module>")
            .matcher(Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8));
    while (m.find()) {
      modules.add(m.group(1).strip());
    }

    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    String table = readme.substring(readme.indexOf("| module | contents |"));
    table = table.substring(0, table.indexOf("\n\n"));
    List<String> rows = new ArrayList<>();
    Matcher r = Pattern.compile("(?m)^\\| `([^`]+)/` \\|").matcher(table);
    while (r.find()) {
      rows.add(r.group(1));
    }
    // Directories without a pom.xml (data, documentation) may have rows too.
    List<String> mavenRows =
        rows.stream().filter(d -> Files.exists(ROOT.resolve(d).resolve("pom.xml"))).toList();

    assertThat(modules).isNotEmpty();
    assertThat(mavenRows).containsExactlyInAnyOrderElementsOf(modules);
  }
}
