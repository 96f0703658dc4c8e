package io.moesearch.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.kafka.KafkaOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adversarial review of the configuration surface: each test shows a value that is silently read
 * otherwise than written, or accepted where the project's own rules refuse it.
 */
class ConfigSurfaceAttackTest {

  /**
   * A string setting written in a config file as something that looks like a YAML number is read
   * as the number's canonical text, not as written: {@code job.name: 1.10} becomes "1.1", {@code
   * kafka.group-id: 007} becomes "7" (another consumer group: the job starts from other offsets),
   * and {@code index.path: 2024.10} points at the directory "2024.1". The same text with {@code
   * --set} keeps its value, so the file and the flag disagree silently.
   */
  @Test
  void aStringSettingThatLooksLikeANumberIsReadAsWritten(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(
        f,
        """
        job:
          name: 1.10
        kafka:
          group-id: 007
        index:
          path: 2024.10
        """);
    MoeSearchConfig c = MoeSearchConfig.load(f, Map.of());
    assertThat(c.get(JobOptions.NAME)).isEqualTo("1.10");
    assertThat(c.get(KafkaOptions.GROUP_ID)).isEqualTo("007");
    assertThat(c.get(IndexOptions.PATH)).endsWith("2024.10");
  }

  /**
   * The same text means one value whether it comes from the file or from {@code --set}: "010" is
   * 10 experts on the command line but 8 (YAML 1.1 octal) in a config file.
   */
  @Test
  void aNumberMeansTheSameInTheFileAndOnTheCommandLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "index:\n  experts: 010\n");
    int fromFlag =
        MoeSearchConfig.defaultsWith(Map.of("index.experts", "010")).get(IndexOptions.EXPERTS);
    int fromFile = MoeSearchConfig.load(f, Map.of()).get(IndexOptions.EXPERTS);
    assertThat(fromFile).isEqualTo(fromFlag);
  }

  /**
   * A YAML alias ({@code *name}) is not resolved: Jackson hands it over as the anchor's name, so
   * {@code transactional-id-prefix: *g} silently becomes the prefix "g" instead of "shop" (or the
   * file should be refused, naming the key).
   */
  @Test
  void aYamlAliasIsResolvedOrRefusedNotReadAsTheAnchorName(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(
        f,
        """
        kafka:
          group-id: &g shop
          transactional-id-prefix: *g
        """);
    MoeSearchConfig c;
    try {
      c = MoeSearchConfig.load(f, Map.of());
    } catch (ConfigException refused) {
      assertThat(refused).hasMessageContaining("kafka.transactional-id-prefix");
      return;
    }
    assertThat(c.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX)).isEqualTo("shop");
  }

  /**
   * Every other number setting takes Java's literal forms that {@code ranking.weights} refuses as
   * "not a finite decimal number" (MoeSearchConfig.DECIMAL: "Java also reads 'NaN', 'Infinity',
   * '0x1p3' and '1d' as numbers"): {@code routing.activation=0x1p-1} is read as 0.5, {@code
   * 0.5f} and {@code 0.5d} too.
   */
  @Test
  void numberSettingsTakePlainDecimalsOnlyAsTheWeightsDo() {
    for (String bad : new String[] {"0x1p-1", "0.5f", "0.5d"}) {
      assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("routing.activation", bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("routing.activation");
    }
  }

  /**
   * {@code ranking.weights} must list exactly 15 numbers, but trailing empty entries are dropped by
   * {@code String.split} before the count: "w1,...,w15,,," (a 16th weight deleted, or a stray
   * separator) is accepted, while ",w1,...,w15" is refused.
   */
  @Test
  void rankingWeightsWithTrailingEmptyEntriesAreRefused() {
    String fifteen = RankingOptions.WEIGHTS.defaultValue();
    assertThatThrownBy(
            () -> MoeSearchConfig.defaultsWith(Map.of("ranking.weights", "," + fifteen)))
        .hasMessageContaining("ranking.weights");
    assertThatThrownBy(
            () -> MoeSearchConfig.defaultsWith(Map.of("ranking.weights", fifteen + ",,,")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ranking.weights");
  }
}
