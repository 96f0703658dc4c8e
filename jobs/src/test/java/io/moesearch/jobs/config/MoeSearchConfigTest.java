package io.moesearch.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.kafka.KafkaOptions;
import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.rank.EntryCut;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.core.retrieval.QueryExpansion;
import io.moesearch.core.retrieval.Synonyms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoeSearchConfigTest {

  @Test
  void judgementsAreTheListedFilesInOrderAndAnEmptyListFailsNamingTheSetting() {
    MoeSearchConfig defaults = MoeSearchConfig.defaultsWith(Map.of());
    assertThat(defaults.judgements())
        .hasSizeGreaterThanOrEqualTo(2)
        .first()
        .isEqualTo(Path.of("data/chorus/Broad_Query_Set_rated.csv"));
    assertThat(defaults.judgements())
        .allSatisfy(p -> assertThat(Path.of("..").resolve(p)).exists());
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("eval.judgements", " a.csv , b.csv ")).judgements())
        .containsExactly(Path.of("a.csv"), Path.of("b.csv"));
    assertThatThrownBy(
            () -> MoeSearchConfig.defaultsWith(Map.of("eval.judgements", " , ")).judgements())
        .hasMessageContaining("eval.judgements");
  }

  @Test
  void defaultsAreValid() {
    MoeSearchConfig c = MoeSearchConfig.defaultsWith(Map.of());
    assertThat(c.buildSettings().experts()).isEqualTo(128);
    assertThat(c.routing().activation().activation()).isEqualTo(0.9);
    assertThat(c.embedder().modelPath()).isNull();
  }

  @Test
  void fileValuesAreOverriddenByFlags(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(
        f,
        """
        index:
          experts: 64
          encoding: int8
        routing:
          activation: 0.8
        kafka:
          bootstrap-servers: broker:9092
          delivery-guarantee: exactly-once
          properties:
            security.protocol: SASL_SSL
        """);
    MoeSearchConfig c = MoeSearchConfig.load(f, Map.of("index.experts", "32"));
    assertThat(c.buildSettings().experts()).isEqualTo(32);
    assertThat(c.buildSettings().encoding().name()).isEqualTo("INT8");
    assertThat(c.routing().activation().activation()).isEqualTo(0.8);
    assertThat(c.kafka().bootstrapServers()).isEqualTo("broker:9092");
    assertThat(c.kafka().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(c.kafka().clientProperties()).containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void aFileOfMoreThanOneYamlDocumentIsRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "index:\n  experts: 64\n---\nindex:\n  experts: 32\n");
    assertThatThrownBy(() -> MoeSearchConfig.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("more than one YAML document");
    // A document start marker before the one document is fine.
    Files.writeString(f, "---\nindex:\n  experts: 64\n");
    assertThat(MoeSearchConfig.load(f, Map.of()).get(IndexOptions.EXPERTS)).isEqualTo(64);
  }

  @Test
  void unknownKeysFailNamingTheKey(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "routing:\n  activaton: 0.8\n");
    assertThatThrownBy(() -> MoeSearchConfig.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routing.activaton");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("job.paralelism", "2")))
        .hasMessageContaining("job.paralelism");
  }

  /**
   * Values each check alone would pass but that break the work they feed fail at load: a gate
   * temperature so small that training's logits overflow (a gate of NaN weights), an L2 pull so
   * large that training diverges.
   */
  @Test
  void valuesThatBreakTheirUseFailAtLoadNamingTheSetting() {
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("routing.temperature", "1e-310")))
        .hasMessageContaining("routing.temperature");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("index.temperature", "0")))
        .hasMessageContaining("index.temperature");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("routing.update-l2", "1e308")))
        .hasMessageContaining("routing.update-l2");
  }

  @Test
  void badValuesFailAtLoadNamingTheSetting() {
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("index.experts", "many")))
        .hasMessageContaining("index.experts");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("routing.activation", "1.5")))
        .hasMessageContaining("routing.activation");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("index.encoding", "fp16")))
        .hasMessageContaining("index.encoding");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("job.state-backend", "memory")))
        .hasMessageContaining("job.state-backend");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("embedder.normalize", "yes")))
        .hasMessageContaining("embedder.normalize");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("embedder.normalize", "false")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("embedder.normalize must be true");
    assertThatThrownBy(
            () ->
                MoeSearchConfig.defaultsWith(
                    Map.of(
                        "kafka.bootstrap-servers", "b:9092", "kafka.delivery-guarantee", "twice")))
        .hasMessageContaining("delivery");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("embedder.model-path", "/x.onnx")))
        .hasMessageContaining("embedder.tokenizer-path");
  }

  @Test
  void rangesAreCheckedOnceNamingTheSetting() {
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("index.parallelism", "0")))
        .hasMessage("index.parallelism must be in 1..256, got 0");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("routing.fast-max-experts", "0")))
        .hasMessage("routing.fast-max-experts must be >= 1, got 0");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("routing.fast-activation", "1.5")))
        .hasMessage("routing.fast-activation must be in (0, 1], got 1.5");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("index.max-copies", "0")))
        .hasMessage("index.max-copies must be in 1..experts, got 0");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("ranking.dense-depth", "1001")))
        .hasMessage("ranking.dense-depth must be in 1..1000, got 1001");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("cache.coalesce-wait-ms", "0")))
        .hasMessageContaining("cache.coalesce-wait-ms must be in 1..");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("cache.doorkeeper-ms", "2000")))
        .hasMessageContaining(
            "cache.doorkeeper-ms (below cache.coalesce-wait-ms) must be in 1..1999");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("batch.model-batch-size", "64")))
        .hasMessageContaining("batch.model-batch-size must be at most batch.max-size (32)");
    assertThatThrownBy(
            () ->
                MoeSearchConfig.defaultsWith(
                    Map.of("routing.replica-slots", "4", "routing.min-replicas", "5")))
        .hasMessage("routing.min-replicas must be in 1..4, got 5");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("job.parallelism", "2x")))
        .hasMessage("job.parallelism must be an integer, got '2x'");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("routing.replica-headroom", "-1")))
        .hasMessage("routing.replica-headroom must be in 0..100, got -1.0");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("catalog.bad-lines", "ignore")))
        .hasMessage("catalog.bad-lines must be one of skip, fail, got 'ignore'");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("catalog.path", "")))
        .hasMessage("catalog.path must be set");
  }

  @Test
  void maxCopiesIsAnUpperBoundSoFewerExpertsThanCopiesBuildWithEveryProductInAll() {
    assertThat(MoeSearchConfig.defaultsWith(Map.of("index.experts", "2")).buildSettings())
        .extracting(IndexBuildSettings::experts, IndexBuildSettings::maxCopies)
        .containsExactly(2, 2);
    assertThat(MoeSearchConfig.defaultsWith(Map.of()).buildSettings().maxCopies()).isEqualTo(3);
  }

  @Test
  void settingsAreReadThroughTheirOptions() {
    MoeSearchConfig c =
        MoeSearchConfig.defaultsWith(Map.of("batch.max-size", "64", "kafka.group-id", "g"));
    assertThat(c.get(BatchOptions.MAX_SIZE)).isEqualTo(64);
    assertThat(c.get(BatchOptions.MAX_WAIT_MS)).isEqualTo(5L);
    assertThat(c.get(KafkaOptions.GROUP_ID)).isEqualTo("g");
    assertThat(c.with(Map.of("batch.max-size", "8")).get(BatchOptions.MAX_SIZE)).isEqualTo(8);
    assertThat(c.asMap()).containsEntry("batch.max-size", "64").containsEntry("index.path", "");
  }

  @Test
  void theRankingFingerprintChangesWithEverySettingThatRanksAnAnswerAndNoOther(@TempDir Path dir)
      throws Exception {
    String base = MoeSearchConfig.defaultsWith(Map.of()).rankingFingerprint();
    assertThat(base).matches("r[0-9a-f]{16}");
    assertThat(MoeSearchConfig.defaultsWith(Map.of()).rankingFingerprint()).isEqualTo(base);
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of())
                .rankingFingerprint(HybridRanker.RANKING_REVISION - 1))
        .as("a build whose ranking code ranks otherwise")
        .isNotEqualTo(base);
    Map<Map<String, String>, Boolean> ranksOtherwise =
        Map.of(
            Map.of("ranking.lexical-depth", "99"), true,
            Map.of("ranking.typo-min-chars", "5"), true,
            Map.of("ranking.mode", "dense"), true,
            Map.of("routing.max-experts", "3"), true,
            Map.of("retrieval.oversample", "4"), true,
            Map.of("cache.l2-ttl-ms", "1000"), false,
            Map.of("routing.stats-interval-ms", "2000"), false,
            Map.of("merge.timeout-ms", "3000"), false);
    String weights = MoeSearchConfig.defaultsWith(Map.of()).get(RankingOptions.WEIGHTS);
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("ranking.weights", weights.replace(",", ", ")))
                .rankingFingerprint())
        .as("the weights as parsed, not as spaced")
        .isEqualTo(base);
    ranksOtherwise.forEach(
        (setting, changes) ->
            assertThat(MoeSearchConfig.defaultsWith(setting).rankingFingerprint().equals(base))
                .as("%s", setting)
                .isEqualTo(!changes));
    // The synonyms count by the rules the file holds, not by its path.
    Path rules = dir.resolve("synonyms.txt");
    Files.writeString(rules, "laptop, notebook\n");
    String withRules =
        MoeSearchConfig.defaultsWith(Map.of("ranking.synonyms-path", rules.toString()))
            .rankingFingerprint();
    Path copy = dir.resolve("copy.txt");
    Files.writeString(copy, "laptop, notebook\r\n"); // the same rules, Windows line ends
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("ranking.synonyms-path", copy.toString()))
                .rankingFingerprint())
        .isEqualTo(withRules)
        .isNotEqualTo(base);
    Files.writeString(copy, "laptop, notebook, ultrabook\n");
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("ranking.synonyms-path", copy.toString()))
                .rankingFingerprint())
        .isNotEqualTo(withRules);
  }

  @Test
  void aSynonymsFileIsReadAtStartAndAMissingOrBadOneFailsNamingTheSetting(@TempDir Path dir)
      throws Exception {
    assertThat(MoeSearchConfig.defaultsWith(Map.of()).ranking().expansion())
        .isEqualTo(QueryExpansion.NONE);
    Path good = dir.resolve("synonyms.txt");
    Files.writeString(good, "laptop, notebook\n");
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("ranking.synonyms-path", good.toString()))
                .ranking()
                .expansion()
                .synonyms())
        .isEqualTo(Synonyms.parse("laptop, notebook\n"));
    assertThatThrownBy(
            () ->
                MoeSearchConfig.defaultsWith(
                    Map.of("ranking.synonyms-path", dir.resolve("none.txt").toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ranking.synonyms-path")
        .hasMessageContaining("none.txt");
    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, "a => b => c\n");
    assertThatThrownBy(
            () -> MoeSearchConfig.defaultsWith(Map.of("ranking.synonyms-path", bad.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ranking.synonyms-path")
        .hasMessageContaining("line");
  }

  @Test
  void typoToleranceIsOffByDefaultAndAShortMinimumFailsNamingTheSetting() {
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("ranking.typo-min-chars", "5"))
                .ranking()
                .expansion()
                .typoMinChars())
        .isEqualTo(5);
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("ranking.typo-min-chars", "32"))
                .ranking()
                .expansion()
                .typoMinChars())
        .isEqualTo(32);
    // Only words of at most 32 characters are typo-tolerant: a longer minimum would do nothing.
    for (String bad : new String[] {"2", "-1", "33", "64", "65", "many"}) {
      assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("ranking.typo-min-chars", bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("ranking.typo-min-chars");
    }
  }

  @Test
  void rankingWeightsAreParsedAndChecked() {
    var r =
        MoeSearchConfig.defaultsWith(
                Map.of(
                    "ranking.weights",
                    "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,0,0",
                    "ranking.mode",
                    "dense"))
            .ranking();
    assertThat(r.hybrid()).isFalse();
    assertThat(r.fusion().weights())
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0, 0);
    assertThat(MoeSearchConfig.defaultsWith(Map.of()).ranking().hybrid()).isTrue();
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("ranking.weights", "1,2")))
        .hasMessageContaining("ranking.weights must list 18");
    assertThatThrownBy(
            () ->
                MoeSearchConfig.defaultsWith(
                    Map.of("ranking.weights", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,0,x")))
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("ranking.mode", "fancy")))
        .hasMessageContaining("ranking.mode");
  }

  /**
   * An answer's score is the fused score as a float ({@code RankedItem.score}, which must be
   * finite): a weight whose product with a feature (all in [-1, 1]) overflows a float made every
   * hybrid answer fail in the merge ("score must be finite"), so such weights are refused at
   * start-up naming the setting. 1e39 and 1e300 are finite decimals: they passed.
   */
  @Test
  void rankingWeightsWhoseScoresOverflowAFloatAreRefused() {
    String zeros = ",0".repeat(RankingFeatures.NAMES.size() - 1);
    for (String first : List.of("1e39", "-1e39", "1e300")) {
      assertThatThrownBy(
              () ->
                  MoeSearchConfig.defaultsWith(Map.of("ranking.weights", first + zeros)).ranking())
          .as(first)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("ranking.weights");
    }
    // Seventeen weights each within a float, whose sum is not.
    String each =
        String.join(",", java.util.Collections.nCopies(RankingFeatures.NAMES.size(), "3e37"));
    assertThatThrownBy(
            () -> MoeSearchConfig.defaultsWith(Map.of("ranking.weights", each)).ranking())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ranking.weights");
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("ranking.weights", "1000" + zeros))
                .ranking()
                .fusion()
                .weight(0))
        .isEqualTo(1000);
  }

  /** "NaN" or "Infinity" parse as Java doubles; as a weight or a temperature they wreck the run. */
  @Test
  void numbersMustBeFiniteDecimals() {
    for (String bad : List.of("NaN", "-Infinity", "1e999", "0x1p3", "1d")) {
      assertThatThrownBy(
              () ->
                  MoeSearchConfig.defaultsWith(
                      Map.of("ranking.weights", bad + ",2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,0,0")))
          .as(bad)
          .hasMessage("ranking.weights: '" + bad + "' is not a finite decimal number");
    }
    assertThat(
            MoeSearchConfig.defaultsWith(
                    Map.of(
                        "ranking.weights", "-1.5e-3,.5,3.,+4,5,6,7,8,9,10,11,12,13,14,15,16,0,0"))
                .ranking()
                .fusion()
                .weights())
        .startsWith(-1.5e-3, 0.5, 3, 4);
    assertThatThrownBy(
            () -> MoeSearchConfig.defaultsWith(Map.of("routing.temperature", "Infinity")))
        .hasMessage("routing.temperature must be a decimal number, got 'Infinity'");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("index.temperature", "1e999")))
        .hasMessage("index.temperature must be a finite number, got Infinity");
  }

  /** A YAML list, a key written twice, or nested and dotted at once, fails naming the key. */
  @Test
  void aConfigFileWithAListOrAKeySetTwiceFailsNamingTheKey(@TempDir Path dir) throws Exception {
    Path list = dir.resolve("list.yaml");
    Files.writeString(list, "kafka:\n  bootstrap-servers: [h:1, h:2]\n");
    assertThatThrownBy(() -> MoeSearchConfig.load(list, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.bootstrap-servers is a list");
    Path twice = dir.resolve("twice.yaml");
    Files.writeString(twice, "retrieval:\n  oversample: abc\n  oversample: 50\n");
    assertThatThrownBy(() -> MoeSearchConfig.load(twice, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("oversample");
    Path sections = dir.resolve("sections.yaml");
    Files.writeString(
        sections, "ranking:\n  mode: abc\nrouting:\n  activation: 0.8\nranking:\n  mode: dense\n");
    assertThatThrownBy(() -> MoeSearchConfig.load(sections, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ranking");
    Path both = dir.resolve("both.yaml");
    Files.writeString(both, "retrieval.oversample: abc\nretrieval:\n  oversample: 50\n");
    assertThatThrownBy(() -> MoeSearchConfig.load(both, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retrieval.oversample is set twice");
    Path once = dir.resolve("once.yaml");
    Files.writeString(once, "retrieval:\n  oversample: 50\n");
    assertThat(
            MoeSearchConfig.load(once, Map.of("retrieval.oversample", "9"))
                .get(RoutingOptions.OVERSAMPLE))
        .as("a flag overrides the file")
        .isEqualTo(9);
  }

  /**
   * bin/moe-search runs in the caller's directory: the defaults naming the project's files resolve
   * against the project, paths the user gives stay relative to where the user is (before, every
   * relative path was the project's: "--config conf/x.yaml" silently read the project's file).
   */
  @Test
  void theProjectsDefaultPathsResolveAgainstItsHomeAndTheUsersPathsDoNot(@TempDir Path home) {
    inHome(
        home,
        () -> {
          MoeSearchConfig c = MoeSearchConfig.defaultsWith(Map.of("index.root", "my/index"));
          assertThat(c.catalogPath()).isEqualTo(home.resolve("data/icecat/products_core.jsonl.gz"));
          assertThat(c.indexRoot()).isEqualTo(Path.of("my/index"));
          assertThat(c.judgements()).hasSize(4).allMatch(p -> p.startsWith(home));
          assertThat(c.get(CacheOptions.FILL_KEY_FILE))
              .isEqualTo(home.resolve("artifacts/cache-fill.key").toString());
        });
    assertThat(MoeSearchConfig.defaultsWith(Map.of()).catalogPath())
        .as("no home: as given")
        .isEqualTo(Path.of("data/icecat/products_core.jsonl.gz"));
  }

  /**
   * A relative path in a config file is relative to the file, so "--config conf/moe-search.yaml"
   * means the same from any directory (resolved against the working directory, it read no catalogue
   * and created a second fill key, whose fills the job then rejected). Flags stay relative to the
   * working directory; absolute paths and URIs are kept.
   */
  @Test
  void relativePathsInAConfigFileAreRelativeToTheFile(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("conf/m"));
    Files.writeString(dir.resolve("conf/m/syn.txt"), "laptop, notebook\n");
    Path conf = Files.createDirectories(dir.resolve("conf")).resolve("shop.yaml");
    Files.writeString(
        conf,
        """
        catalog: {path: "../data/shop,2024.csv"}
        index: {path: "snapshots/v2:10.00"}
        cache: {fill-key-file: /keys/fill.key}
        job: {checkpoint-dir: "file:///ck"}
        eval: {judgements: "a.csv, /b.csv"}
        embedder: {model-path: m/model.onnx, tokenizer-path: /m/tokenizer.json}
        ranking: {synonyms-path: m/syn.txt}
        """);
    MoeSearchConfig c = MoeSearchConfig.load(conf, Map.of("index.root", "idx"));
    Path real = dir.toRealPath();
    assertThat(c.catalogPath())
        .as("one path, its comma kept")
        .isEqualTo(real.resolve("data/shop,2024.csv"));
    assertThat(c.get(IndexOptions.PATH))
        .as("a colon is not a URI")
        .isEqualTo(real.resolve("conf/snapshots/v2:10.00").toString());
    assertThat(c.get(CacheOptions.FILL_KEY_FILE)).isEqualTo("/keys/fill.key");
    assertThat(c.get(JobOptions.CHECKPOINT_DIR)).isEqualTo("file:///ck");
    assertThat(c.judgements()).containsExactly(real.resolve("conf/a.csv"), Path.of("/b.csv"));
    assertThat(c.get(EmbedderOptions.MODEL_PATH))
        .isEqualTo(real.resolve("conf/m/model.onnx").toString());
    assertThat(c.get(EmbedderOptions.TOKENIZER_PATH)).isEqualTo("/m/tokenizer.json");
    assertThat(c.get(RankingOptions.SYNONYMS_PATH))
        .isEqualTo(real.resolve("conf/m/syn.txt").toString());
    assertThat(c.indexRoot()).as("a flag: the working directory's").isEqualTo(Path.of("idx"));
  }

  /** Runs {@code body} with {@link MoeSearchConfig#HOME_PROPERTY} set to {@code home}. */
  static void inHome(Path home, Runnable body) {
    String before = System.getProperty(MoeSearchConfig.HOME_PROPERTY);
    System.setProperty(MoeSearchConfig.HOME_PROPERTY, home.toString());
    try {
      body.run();
    } finally {
      if (before == null) {
        System.clearProperty(MoeSearchConfig.HOME_PROPERTY);
      } else {
        System.setProperty(MoeSearchConfig.HOME_PROPERTY, before);
      }
    }
  }

  @Test
  void exactlyOnceCheckpointsMustCommitWithinTheTransactionTimeout() {
    Map<String, String> m = new HashMap<>();
    m.put("kafka.delivery-guarantee", "exactly-once");
    m.put("job.checkpoint-interval-ms", "600000"); // the sinks' default transaction timeout
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("job.checkpoint-interval-ms")
        .hasMessageContaining("kafka.properties.transaction.timeout.ms (600000)");
    m.put("kafka.properties.transaction.timeout.ms", "900000");
    assertThat(MoeSearchConfig.defaultsWith(m).get(JobOptions.CHECKPOINT_INTERVAL_MS))
        .isEqualTo(600_000L);
    m.put("job.checkpoint-interval-ms", "900000");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(m))
        .hasMessageContaining("kafka.properties.transaction.timeout.ms (900000)");
    // Without transactions the interval is not bounded by it.
    m.put("kafka.delivery-guarantee", "at-least-once");
    m.put("job.checkpoint-interval-ms", "3600000");
    assertThat(MoeSearchConfig.defaultsWith(m).get(JobOptions.CHECKPOINT_INTERVAL_MS))
        .isEqualTo(3_600_000L);
  }

  @Test
  void theLeastFillSizeHoldsAnyEmbeddingFill() {
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("cache.fill-max-bytes", "65535")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cache.fill-max-bytes");
    int least =
        MoeSearchConfig.defaultsWith(Map.of("cache.fill-max-bytes", "65536"))
            .get(CacheOptions.FILL_MAX_BYTES);
    // The largest embedding fill: Lucene's most dimensions, the longest text of 3-byte characters.
    float[] v = new float[KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS];
    java.util.Arrays.fill(v, (float) (1 / Math.sqrt(v.length)));
    byte[] fill =
        new MessageJson()
            .encodeCacheFill(
                CacheFill.embedding(
                    "\u20ac".repeat(QueryCodec.MAX_QUERY_CHARS_LIMIT),
                    "/opt/models/some-sentence-model/model.onnx|mean|512",
                    v));
    assertThat(fill.length).isLessThanOrEqualTo(least);
  }

  /**
   * The job writes a computed query's result and its embedding as one record when the record's
   * {@link CacheFill#encodedSizeBound} is within {@code cache.fill-max-bytes}, else as two. At the
   * default even the largest result (100 items with the longest ids and titles, the longest text,
   * the most brands in its filter, an entry cut) with the largest embedding (Lucene's most
   * dimensions) is one record, whatever its characters.
   */
  @Test
  void theDefaultFillSizeHoldsTheLargestResultWithItsEmbeddingInOneRecord() {
    int byDefault = MoeSearchConfig.defaultsWith(Map.of()).get(CacheOptions.FILL_MAX_BYTES);
    RankedItem[] items = new RankedItem[SearchQuery.MAX_TOP_K];
    for (int i = 0; i < items.length; i++) {
      items[i] =
          new RankedItem(
              i + "\u20ac".repeat(SearchQuery.MAX_ID_CHARS - 3),
              "\u20ac".repeat(RankedItem.MAX_TITLE_CHARS),
              -1.2345678e-20f,
              123_456_789.123,
              true);
    }
    String[] brands = new String[QueryCodec.MAX_BRANDS];
    for (int i = 0; i < brands.length; i++) {
      brands[i] = i + "\u20ac".repeat(QueryCodec.MAX_BRAND_CHARS - 3);
    }
    String filters = new Filters(brands, 1.5e-7, 9.87654321e12, true).canonical();
    float[] v = new float[KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS];
    java.util.Arrays.fill(v, (float) (1 / Math.sqrt(v.length)));
    CacheFill largest =
        CacheFill.result(
                "\u20ac".repeat(QueryCodec.MAX_QUERY_CHARS_LIMIT),
                items.length,
                filters,
                "v20261203-140437-f913-some-long-version-name#r0123456789abcdef",
                items,
                IntStream.range(0, 128).toArray(),
                Long.MAX_VALUE,
                -1e-20f,
                Float.MAX_VALUE,
                new EntryCut(
                    -1.2345678e-20f, 3.4e38f, 1.1754944e-38f, 99_999, -1.2345678e-20f, -1f, 99_999))
            .withEmbedding("/opt/models/some-sentence-model/model.onnx|mean|512", v);
    assertThat(largest.encodedSizeBound()).isLessThanOrEqualTo(byDefault);
    assertThat((long) new MessageJson().encodeCacheFill(largest).length)
        .isLessThanOrEqualTo(largest.encodedSizeBound());
  }

  @Test
  void anEmptyValueIsAnErrorNotTheDefault() {
    for (String key :
        List.of(
            "kafka.query-topic",
            "kafka.result-topic",
            "kafka.dead-letter-topic",
            "kafka.cache-fill-topic",
            "kafka.expert-stats-topic",
            "kafka.catalog-topic",
            "kafka.group-id",
            "kafka.starting-offsets",
            "kafka.delivery-guarantee",
            "kafka.transactional-id-prefix",
            "index.root")) {
      assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of(key, "")))
          .as(key)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key);
    }
    // Its default is empty: unset, the embedded broker's (the demo) or a failure when needed.
    assertThat(
            MoeSearchConfig.defaultsWith(Map.of("kafka.bootstrap-servers", ""))
                .get(KafkaOptions.BOOTSTRAP_SERVERS))
        .isEmpty();
  }

  @Test
  void kafkaSettingsRequireBootstrapServers() {
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of()).kafka())
        .hasMessageContaining("kafka.bootstrap-servers");
  }

  @Test
  void kafkaSettingsAreCheckedAtStartUpEvenForTheEmbeddedBroker() {
    assertThatThrownBy(
            () -> MoeSearchConfig.defaultsWith(Map.of("kafka.properties.security.protocol", "X")))
        .hasMessageContaining("kafka.properties.security.protocol");
    assertThatThrownBy(
            () -> MoeSearchConfig.defaultsWith(Map.of("kafka.properties.securty.protocol", "SSL")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.properties.securty.protocol");
    assertThatThrownBy(
            () ->
                MoeSearchConfig.defaultsWith(
                    Map.of("kafka.properties.partition.discovery.interval.ms", "ten")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.properties.partition.discovery.interval.ms");
    assertThatThrownBy(
            () ->
                MoeSearchConfig.defaultsWith(
                    Map.of(
                        "kafka.delivery-guarantee", "exactly-once",
                        "kafka.properties.enable.idempotence", "false")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.delivery-guarantee")
        .hasMessageContaining("kafka.properties.enable.idempotence=false");
    assertThatThrownBy(
            () ->
                MoeSearchConfig.defaultsWith(Map.of("kafka.expert-stats-topic", "search-queries")))
        .hasMessageContaining("kafka.expert-stats-topic");
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of()).kafka())
        .hasMessageContaining("kafka.bootstrap-servers");
  }

  @Test
  void missingConfigFileIsNamed() {
    assertThatThrownBy(() -> MoeSearchConfig.load(Path.of("/no/such.yaml"), Map.of()))
        .hasMessageContaining("/no/such.yaml");
  }

  @Test
  void theShippedExampleConfigsLoad() {
    inHome(
        Path.of("..").toAbsolutePath().normalize(),
        () ->
            assertThat(MoeSearchConfig.load(Path.of("../conf/moe-search.yaml"), Map.of()).asMap())
                .isEqualTo(MoeSearchConfig.defaultsWith(Map.of()).asMap()));
    MoeSearchConfig cluster = MoeSearchConfig.load(Path.of("../conf/cluster.yaml"), Map.of());
    assertThat(cluster.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    // The fill key lives in the artifact directory the containers mount (docker-compose.yml), not
    // in a container's own file system: one key for the job, its restarts and a host-side prewarm.
    assertThat(cluster.get(CacheOptions.FILL_KEY_FILE))
        .isEqualTo("/data/artifacts/cache-fill.key")
        .startsWith(Path.of(cluster.get(IndexOptions.ROOT)).getParent().toString());
  }

  /**
   * A file value is read as written (1.10, 007, 2024.10, yes), not as the YAML number or boolean.
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
    Files.writeString(f, "embedder:\n  normalize: yes\n");
    assertThatThrownBy(() -> MoeSearchConfig.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("embedder.normalize must be true or false, got 'yes'");
  }

  /** "010" is 10 experts in a config file as with --set, not YAML 1.1's octal 8. */
  @Test
  void aNumberMeansTheSameInTheFileAndOnTheCommandLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "index:\n  experts: 010\n");
    int fromFlag =
        MoeSearchConfig.defaultsWith(Map.of("index.experts", "010")).get(IndexOptions.EXPERTS);
    int fromFile = MoeSearchConfig.load(f, Map.of()).get(IndexOptions.EXPERTS);
    assertThat(fromFile).isEqualTo(fromFlag);
  }

  /** A YAML alias (*g) is refused naming its key, not read as the anchor's name "g". */
  @Test
  void aYamlAliasIsRefusedNamingTheKey(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(
        f,
        """
        kafka:
          group-id: &g shop
          transactional-id-prefix: *g
        """);
    assertThatThrownBy(() -> MoeSearchConfig.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.transactional-id-prefix is a YAML alias");
  }

  /**
   * Every number setting takes plain decimals only, as ranking.weights does (0x1p-1, 0.5f, 0.5d).
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

  /** ranking.weights with an empty entry, leading or trailing, is refused naming the setting. */
  @Test
  void rankingWeightsWithTrailingEmptyEntriesAreRefused() {
    String fifteen = RankingOptions.WEIGHTS.defaultValue();
    assertThatThrownBy(() -> MoeSearchConfig.defaultsWith(Map.of("ranking.weights", "," + fifteen)))
        .hasMessageContaining("ranking.weights");
    assertThatThrownBy(
            () -> MoeSearchConfig.defaultsWith(Map.of("ranking.weights", fifteen + ",,,")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ranking.weights");
  }
}
