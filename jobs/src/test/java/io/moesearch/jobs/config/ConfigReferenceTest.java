package io.moesearch.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * The example config and docs/configuration.md's table against the options: each must list every
 * option, and no setting that does not exist, with the option's default.
 */
class ConfigReferenceTest {
  private static final Path CONF = Path.of("../conf/moe-search.yaml");
  private static final Path DOCS = Path.of("../docs/configuration.md");

  @Test
  void everyOptionHasADescriptionAndADefault() {
    assertThat(AllOptions.BY_KEY).isNotEmpty();
    for (ConfigOption<?> o : AllOptions.BY_KEY.values()) {
      assertThat(o.hasDefaultValue()).as(o.key()).isTrue();
      assertThat(o.description().toString()).as(o.key()).isNotBlank();
    }
  }

  @Test
  void theExampleConfigListsExactlyTheOptionsWithTheirDefaults() throws Exception {
    Map<String, String> flat = new LinkedHashMap<>();
    Map<String, String> kafka = new LinkedHashMap<>();
    MoeSearchConfig.read(CONF, flat, kafka);
    assertSameKeys(flat.keySet(), CONF.toString());
    // Its paths are relative to conf/: loaded, they are the defaults of bin/moe-search (the
    // project's files).
    Map<ConfigOption<?>, Object> defaults = new LinkedHashMap<>();
    Map<ConfigOption<?>, Object> example = new LinkedHashMap<>();
    MoeSearchConfigTest.inHome(
        Path.of("..").toAbsolutePath().normalize(),
        () -> {
          MoeSearchConfig d = MoeSearchConfig.defaultsWith(Map.of());
          MoeSearchConfig e = MoeSearchConfig.load(CONF, Map.of());
          AllOptions.BY_KEY.values().forEach(o -> defaults.put(o, d.get(o)));
          AllOptions.BY_KEY.values().forEach(o -> example.put(o, e.get(o)));
        });
    for (ConfigOption<?> o : AllOptions.BY_KEY.values()) {
      assertThat(example.get(o)).as(o.key() + " in " + CONF).isEqualTo(defaults.get(o));
    }
  }

  @Test
  void theReadmeTableListsExactlyTheOptionsWithTheirDefaults() throws Exception {
    List<String[]> rows = configurationTable();
    Set<String> keys = new TreeSet<>();
    Set<String> prose = new TreeSet<>();
    for (String[] row : rows) {
      List<String> rowKeys = keys(row[0]);
      keys.addAll(rowKeys);
      String[] defaults = row[1].split(", ");
      if (defaults.length != rowKeys.size()) {
        continue;
      }
      for (int i = 0; i < defaults.length; i++) {
        ConfigOption<?> o = AllOptions.BY_KEY.get(rowKeys.get(i));
        String shown = defaults[i].strip();
        if (o == null || String.valueOf(o.defaultValue()).isEmpty()) {
          continue;
        }
        String def = String.valueOf(o.defaultValue());
        // The value first; an explanation in parentheses may follow it ("0 (off)").
        Matcher v = Pattern.compile("(-?[0-9.]+|`[^`]*`|true|false)( \\(.*\\))?").matcher(shown);
        if (!v.matches()) {
          prose.add(o.key());
        } else if (v.group(1).matches("-?[0-9.]+")) {
          assertThat(Double.parseDouble(v.group(1))).as(o.key()).isEqualTo(Double.parseDouble(def));
        } else {
          assertThat(v.group(1).replace("`", "")).as(o.key()).isEqualTo(def);
        }
      }
    }
    keys.remove("kafka.properties.*");
    assertSameKeys(keys, "docs/configuration.md's table");
    // Defaults the table describes in words (computed or relative to a directory) instead of
    // showing the value: each is checked by eye, so a new one is a decision, not an oversight.
    assertThat(prose).as("defaults described in words, not compared").isEqualTo(PROSE_DEFAULTS);
  }

  private static final Set<String> PROSE_DEFAULTS =
      Set.of("eval.judgements", "eval.train-judgements", "ranking.weights");

  private static void assertSameKeys(Set<String> listed, String where) {
    Set<String> missing = new TreeSet<>(AllOptions.BY_KEY.keySet());
    missing.removeAll(listed);
    Set<String> unknown = new TreeSet<>(listed);
    unknown.removeAll(AllOptions.BY_KEY.keySet());
    assertThat(missing).as("settings missing from " + where).isEmpty();
    assertThat(unknown).as("settings in " + where + " that do not exist").isEmpty();
  }

  /** The keys of a table cell, e.g. {@code `a.b`, `a.c`}; also {@code `kafka.properties.*`}. */
  private static List<String> keys(String cell) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("`([a-z0-9.*-]+)`").matcher(cell);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** Rows (key cell, default cell) of the tables in docs/configuration.md. */
  private static List<String[]> configurationTable() throws Exception {
    List<String> lines = Files.readAllLines(DOCS);
    int start = lines.indexOf("# Configuration");
    assertThat(start).as("docs/configuration.md starts with # Configuration").isNotNegative();
    List<String[]> rows = new ArrayList<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("# "); i++) {
      String line = lines.get(i);
      if (line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        rows.add(new String[] {cells[1].strip(), cells[2].strip()});
      }
    }
    assertThat(rows).isNotEmpty();
    return rows;
  }
}
