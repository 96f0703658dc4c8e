package io.moesearch.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MoeSearchTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  @Test
  void everyCommandHasHelp() {
    List<String> names = leafCommands(MoeSearch.commandLine(), "");
    for (String name : names) {
      out.reset();
      assertThat(MoeSearch.run((name + " --help").split(" "))).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: moe-search " + name);
    }
    assertThat(names)
        .contains(
            "demo", "index build", "eval", "bench pipeline", "bench routing", "routing update");
  }

  /** The full names of the commands below {@code cl}, such as {@code "index build"}. */
  static List<String> leafCommands(CommandLine cl, String prefix) {
    List<String> names = new ArrayList<>();
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getSubcommands().isEmpty()) {
                names.add(prefix + name);
              } else {
                names.addAll(leafCommands(sub, prefix + name + " "));
              }
            });
    return names;
  }

  /**
   * An output that could not be written fails before the work, naming its flag (it failed with a
   * stack trace after the build or evaluation, with the index version already written).
   */
  @Test
  void anUnwritableOutputFailsAtOnceNamingItsFlag(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("afile"), "x");
    String[][] runs = {
      {"index", "build", "--json", dir.toString()},
      {"index", "build", "--out", file.resolve("idx").toString()},
      {"eval", "--out", file.toString()},
      {"routing", "update", "--queries", file.toString(), "--out-root", file.toString()}
    };
    String[] flags = {"--json", "--out (index.root)", "--out", "--out-root"};
    for (int i = 0; i < runs.length; i++) {
      err.reset();
      assertThat(MoeSearch.run(runs[i])).as(String.join(" ", runs[i])).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("moe-search " + runs[i][0])
          .contains(flags[i] + ": ")
          .doesNotContain("Exception");
    }
  }

  /** A missing or unreadable input file is one line naming it, not a stack trace. */
  @Test
  void aMissingInputFileIsNamedInOneLine(@TempDir Path dir) {
    Path missing = dir.resolve("missing.jsonl");
    assertThat(MoeSearch.run(new String[] {"index", "build", "--catalog", missing.toString()}))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("moe-search index build: no such file " + missing.toAbsolutePath());
    err.reset();
    String model = dir.resolve("model.onnx").toString();
    assertThat(
            MoeSearch.run(
                new String[] {
                  "index",
                  "build",
                  "--set",
                  "embedder.model-path=" + model,
                  "--set",
                  "embedder.tokenizer-path=" + model
                }))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .as("before a Flink task fails on it")
        .isEqualTo("moe-search index build: embedder.model-path: no such file: " + model);
    err.reset();
    assertThat(MoeSearch.run(new String[] {"index", "build", "--config", dir.toString()}))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .as("a directory (or a FIFO) named as the config is not called missing")
        .isEqualTo("moe-search index build: --config: not a regular file (a directory): " + dir);
  }

  /**
   * A gzipped catalogue cut short (a copy interrupted, a disk filled) is named in one line with the
   * line reached, as a missing file is; it failed with a stack trace and {@code EOFException:
   * Unexpected end of ZLIB input stream}, naming no file.
   */
  @Test
  void aTruncatedGzipCatalogueIsNamedInOneLine(@TempDir Path dir) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      lines.append("{\"id\":\"p-").append(i).append("\",\"title\":\"cable ");
      lines.append(i * 7919L).append("\"}\n");
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(lines.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] whole = gz.toByteArray();
    Path catalogue =
        Files.write(dir.resolve("catalog.jsonl.gz"), Arrays.copyOf(whole, whole.length / 2));

    assertThat(indexBuild(catalogue, dir)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .matches(
            "moe-search index build: "
                + Pattern.quote(catalogue.toAbsolutePath().toString())
                + ": gzip data ends early after line [0-9]+");
  }

  /**
   * An existing --json target that is not a regular file is refused before the work: a FIFO made
   * the command hang after its work, /dev/full failed it with a stack trace.
   */
  @Test
  void aJsonTargetThatIsNotARegularFileIsRefusedUpFront(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("figures.json");
    Assumptions.assumeTrue(
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
    for (Path target : List.of(fifo, Path.of("/dev/full"))) {
      err.reset();
      Path missing = dir.resolve("missing.jsonl");
      assertThat(
              MoeSearch.run(
                  new String[] {
                    "index", "build", "--catalog", missing.toString(), "--json", target.toString()
                  }))
          .isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8).strip())
          .isEqualTo(
              "moe-search index build: --json: "
                  + target
                  + ": not a regular file (a device, FIFO or socket)");
    }
  }

  /**
   * A catalogue that is not a regular file is named in one line before it is opened: /dev/zero was
   * read as one endless line until the heap ran out.
   */
  @Test
  void aCatalogueThatIsADeviceIsNamedInOneLine(@TempDir Path dir) {
    Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "a Unix system");
    assertThat(indexBuild(Path.of("/dev/zero"), dir)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "moe-search index build: /dev/zero: not a regular file (a device, FIFO or socket)");
  }

  /** A catalogue named .gz that is not gzip is named in one line. */
  @Test
  void aCatalogueThatIsNotGzipIsNamedInOneLine(@TempDir Path dir) throws Exception {
    Path catalogue =
        Files.writeString(dir.resolve("catalog.jsonl.gz"), "{\"id\":\"p\",\"title\":\"t\"}\n");
    assertThat(indexBuild(catalogue, dir)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "moe-search index build: "
                + catalogue.toAbsolutePath()
                + ": not gzip data (Not in GZIP format)");
  }

  private static int indexBuild(Path catalogue, Path dir) {
    return MoeSearch.run(
        new String[] {
          "index",
          "build",
          "--catalog",
          catalogue.toString(),
          "--out",
          dir.resolve("idx").toString(),
          "--set",
          "cache.fill-key-file=" + dir.resolve("fill.key")
        });
  }

  /**
   * The model's files are checked only where the model is loaded: {@code query} sends the text to
   * the job, so a model path of the job's machine is not this one's business (it failed naming the
   * model before saying the broker was not set).
   */
  @Test
  void aCommandThatLoadsNoModelDoesNotCheckItsFiles(@TempDir Path dir) {
    String model = dir.resolve("model.onnx").toString();
    assertThat(
            MoeSearch.run(
                new String[] {
                  "query",
                  "usb cable",
                  "--set",
                  "embedder.model-path=" + model,
                  "--set",
                  "embedder.tokenizer-path=" + model
                }))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("kafka.bootstrap-servers")
        .doesNotContain("embedder.model-path");
  }

  /**
   * An existing cache-fill key is only read: a build whose key sits in a directory it cannot write
   * gets past the check (it failed "cannot write under"); a key that is a directory fails naming
   * the setting.
   */
  @Test
  void anExistingFillKeyNeedsOnlyToBeReadable(@TempDir Path dir) throws Exception {
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Path key = Files.writeString(keys.resolve("fill.key"), "00".repeat(32));
    assertThat(
            MoeSearch.run(new String[] {"index", "build", "--set", "cache.fill-key-file=" + keys}))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cache.fill-key-file: " + keys);
    err.reset();
    Path missing = dir.resolve("missing.jsonl");
    assertThat(keys.toFile().setWritable(false)).isTrue();
    try {
      // Root writes anywhere: the unwritable directory proves nothing there.
      org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(keys), "running as root");
      assertThat(
              MoeSearch.run(
                  new String[] {
                    "index",
                    "build",
                    "--catalog",
                    missing.toString(),
                    "--set",
                    "cache.fill-key-file=" + key
                  }))
          .isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8).strip())
          .as("past the key, on to the catalogue")
          .isEqualTo("moe-search index build: no such file " + missing.toAbsolutePath());
    } finally {
      keys.toFile().setWritable(true);
    }
  }

  /**
   * A cache-fill key file that holds no key fails before the build reads the catalogue (it failed
   * after minutes of embedding, the version already written; found by an attack review).
   */
  @Test
  void aFillKeyThatIsNotOneFailsBeforeTheBuild(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("fill.key"), "zz\n");
    Path missing = dir.resolve("missing.jsonl");
    assertThat(
            MoeSearch.run(
                new String[] {
                  "index",
                  "build",
                  "--catalog",
                  missing.toString(),
                  "--set",
                  "cache.fill-key-file=" + bad
                }))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("cache.fill-key-file")
        .doesNotContain("no such file");
  }

  /**
   * A benchmark's miss capacity that is no number of queries per second is refused before any
   * pipeline starts (NaN sent no query and reported NaN figures; Infinity failed after the
   * pipelines had started), routing update's query log is checked before the catalogue and model
   * load, and a query timeout names its range in the flag's units.
   */
  @Test
  void aMissCapacityOrTimeoutOutOfRangeIsRefusedNamingTheFlag() {
    for (String bad : new String[] {"NaN", "Infinity", "-1"}) {
      err.reset();
      assertThat(MoeSearch.run(new String[] {"bench", "overload", "--miss-capacity", bad}))
          .as(bad)
          .isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("--miss-capacity");
    }
    err.reset();
    assertThat(
            MoeSearch.run(
                new String[] {"routing", "update", "--queries", "/nonexistent/log.jsonl"}))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--queries: /nonexistent/log.jsonl: no such file");
    err.reset();
    assertThat(MoeSearch.run(new String[] {"query", "usb cable", "--timeout-ms", "0"}))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--timeout-ms must be in [1, 3600000]")
        .contains("got 0");
  }

  @Test
  void updateRoutingIsAnAliasOfRoutingUpdate() {
    assertThat(MoeSearch.run(new String[] {"--update-routing", "--help"})).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: moe-search routing update");
  }

  @Test
  void aTinySyntheticRoutingBenchWritesItsFigures(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("routing.json");
    int code =
        MoeSearch.run(
            new String[] {
              "bench",
              "routing",
              "--skip-icecat",
              "--products",
              "3000",
              "--distinct",
              "40",
              "--train-queries",
              "200",
              "--events",
              "300",
              "--window",
              "100",
              "--alphas",
              "0,0.1",
              "--min-replicas",
              "2",
              "--set",
              "index.experts=16",
              "--set",
              "routing.update-epochs=2",
              "--json",
              json.toString()
            });
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    var root = new ObjectMapper().readTree(json.toFile());
    // per gate: experts α 0 and 0.1; replicas hashed; replicas least-loaded α 0 and 0.1
    assertThat(root.get("rows")).hasSize(10);
    var row = root.get("rows").get(0);
    var leastLoaded = root.get("rows").get(3);
    assertThat(leastLoaded.get("layout").asText()).isEqualTo("replicas/least-loaded");
    assertThat(leastLoaded.get("replication").asDouble()).isGreaterThanOrEqualTo(2.0);
    // every expert has at least two replicas, so its vectors are held at least twice too
    assertThat(leastLoaded.get("replicationPostings").asDouble()).isGreaterThanOrEqualTo(2.0);
    assertThat(row.get("replicationPostings").asDouble()).isEqualTo(1.0);
    // the same experts are activated; only the replica differs, so recall is the same
    assertThat(leastLoaded.get("recallAt10").asDouble())
        .isEqualTo(row.get("recallAt10").asDouble());
    assertThat(leastLoaded.get("utilisation").asDouble())
        .isGreaterThan(row.get("utilisation").asDouble());
    // no live choice beats the hindsight optimum on the same windows; with one copy per expert
    // there is no choice, so the two are the same
    assertThat(leastLoaded.get("bestUtilisation").asDouble())
        .isGreaterThanOrEqualTo(leastLoaded.get("utilisation").asDouble());
    assertThat(row.get("bestUtilisation").asDouble())
        .isCloseTo(row.get("utilisation").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    for (String f :
        List.of(
            "dataset",
            "gate",
            "alpha",
            "utilisation",
            "bestUtilisation",
            "grainUtilisation",
            "loadEntropy",
            "avgExperts",
            "fastShare",
            "recallAt10",
            "qps")) {
      assertThat(row.has(f)).as(f).isTrue();
    }
    assertThat(row.get("dataset").asText()).isEqualTo("synthetic");
    assertThat(row.get("utilisation").asDouble()).isBetween(0.0, 1.0);
    assertThat(row.get("recallAt10").asDouble()).isBetween(0.0, 1.0);
    assertThat(root.at("/recallTopM/synthetic/updated")).hasSize(4);
    // a higher activation threshold activates a superset of experts; the synthetic search inside
    // them is exact, so neither experts nor recall can fall along the sweep
    for (String gate : List.of("centroid", "updated")) {
      var curve = root.at("/activationCurve/synthetic/" + gate);
      assertThat(curve).hasSize(4);
      for (int i = 1; i < curve.size(); i++) {
        assertThat(curve.get(i).get("avgExperts").asDouble())
            .isGreaterThanOrEqualTo(curve.get(i - 1).get("avgExperts").asDouble());
        assertThat(curve.get(i).get("recallAt10").asDouble())
            .isGreaterThanOrEqualTo(curve.get(i - 1).get("recallAt10").asDouble());
      }
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("| synthetic | updated | replicas/least-loaded |");
  }

  @Test
  void theSyntheticRoutingBenchCanRetrieveWithHnswAsServed(@TempDir Path dir) throws Exception {
    Path hnsw = dir.resolve("hnsw");
    JsonNode exact = tinyBench(dir.resolve("exact.json"), null);
    JsonNode first = tinyBench(dir.resolve("hnsw1.json"), hnsw.toString());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("expert HNSW indexes built");
    assertThat(first.at("/datasets/synthetic/retrieval").asText()).startsWith("HNSW per expert");
    assertThat(exact.at("/datasets/synthetic/retrieval").asText()).startsWith("exact search");
    // approximate search inside the same experts finds at most what exact search finds, and on a
    // small graph with 100 candidates per expert nearly all of it
    double exactRecall = exact.at("/rows/0/recallAt10").asDouble();
    double hnswRecall = first.at("/rows/0/recallAt10").asDouble();
    assertThat(hnswRecall)
        .isLessThanOrEqualTo(exactRecall + 1e-9)
        .isGreaterThan(exactRecall - 0.05);
    assertThat(first.at("/rows/0/avgExperts").asDouble())
        .isEqualTo(exact.at("/rows/0/avgExperts").asDouble());
    out.reset();
    JsonNode second = tinyBench(dir.resolve("hnsw2.json"), hnsw.toString());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("reusing the HNSW indexes");
    assertThat(second.at("/rows/0/recallAt10").asDouble()).isEqualTo(hnswRecall);
    // indexes of other settings are not silently reused, and the run fails before any work
    out.reset();
    List<String> otherM = tinyBenchArgs(null);
    otherM.addAll(List.of("--set", "index.hnsw-m=8", "--hnsw-dir", hnsw.toString()));
    int code = MoeSearch.run(otherM.toArray(String[]::new));
    assertThat(code).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--hnsw-dir").contains("m=8");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("generated");
  }

  /** A tiny synthetic routing bench, one layout, no replicas; {@code json} may be null. */
  private static List<String> tinyBenchArgs(Path json) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "bench",
                "routing",
                "--skip-icecat",
                "--products",
                "3000",
                "--distinct",
                "40",
                "--train-queries",
                "100",
                "--events",
                "100",
                "--skip-replicas",
                "--alphas",
                "0",
                "--set",
                "index.experts=8",
                "--set",
                "routing.update-epochs=1"));
    if (json != null) {
      a.addAll(List.of("--json", json.toString()));
    }
    return a;
  }

  private JsonNode tinyBench(Path json, String hnsw) throws IOException {
    List<String> a = tinyBenchArgs(json);
    if (hnsw != null) {
      a.add("--hnsw-dir");
      a.add(hnsw);
    }
    assertThat(MoeSearch.run(a.toArray(String[]::new)))
        .as(err.toString(StandardCharsets.UTF_8))
        .isZero();
    return new ObjectMapper().readTree(json.toFile());
  }

  @Test
  void topLevelHelpListsCommands() {
    assertThat(MoeSearch.run(new String[] {"--help"})).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("index build")
        .contains("bench pipeline");
  }

  @Test
  void unknownCommandsAndFlagsAreUsageErrors() {
    assertThat(MoeSearch.run(new String[] {"frobnicate"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command");
    assertThat(MoeSearch.run(new String[] {"eval", "--no-such-flag", "1"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--no-such-flag");
  }

  @Test
  void badNumericOptionsNameTheOption() {
    assertThat(MoeSearch.run(new String[] {"bench", "pipeline", "--rate", "fast"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rate must be a number");
  }

  /** A bad warm-up flag fails before any index is built or pipeline started, naming the flag. */
  @Test
  void badJitWarmUpFlagsFailFastNamingTheFlag() {
    for (String bench : new String[] {"pipeline", "overload", "freshness"}) {
      err.reset();
      assertThat(MoeSearch.run(new String[] {"bench", bench, "--jit-settled-share", "0"}))
          .as(bench)
          .isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("--jit-settled-share");
    }
    err.reset();
    assertThat(MoeSearch.run(new String[] {"bench", "overload", "--max-warmup-seconds", "0"}))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--max-warmup-seconds");
  }

  @Test
  void prewarmTakesEitherTopOrTopFraction(@TempDir Path dir) {
    String log = dir.resolve("queries.txt").toString();
    assertThat(
            MoeSearch.run(
                new String[] {"prewarm", "--log", log, "--top", "50", "--top-fraction", "0.1"}))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--top and --top-fraction both choose how many queries to pre-warm");
  }

  @Test
  void badSettingsFailFastNamingTheSetting() {
    assertThat(MoeSearch.run(new String[] {"eval", "--set", "routing.activation=2"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("routing.activation");
  }

  /**
   * cluster up refuses a --work-dir holding files it did not write, naming the flag, and deletes
   * none.
   */
  @Test
  void clusterUpDoesNotDeleteAWorkDirItDidNotCreate(@TempDir Path dir) throws Exception {
    Path work = Files.createDirectories(dir.resolve("my-data"));
    Path precious = Files.writeString(work.resolve("thesis.tex"), "two years of work");
    Path home = Files.createDirectories(dir.resolve("empty-home"));
    String old = System.getProperty("moe.search.home");
    System.setProperty("moe.search.home", home.toString());
    int code;
    try {
      code = MoeSearch.run(new String[] {"cluster", "up", "--work-dir", work.toString()});
    } finally {
      if (old == null) {
        System.clearProperty("moe.search.home");
      } else {
        System.setProperty("moe.search.home", old);
      }
    }
    assertThat(precious).as("a file the cluster did not write").exists();
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--work-dir");
  }

  /**
   * {@code args} (with an index path that does not exist, so any work past the option checks would
   * fail naming the index) exit 2 naming {@code flag}: the option is checked up front.
   */
  private void assertRefusedUpFront(Path dir, String flag, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--set", "index.path=" + dir.resolve("no-index")));
    int code = MoeSearch.run(all.toArray(String[]::new));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(flag);
  }

  /** bench cache refuses a --prewarm-fraction above 1 before any work, naming the option. */
  @Test
  void benchCacheRefusesAPrewarmFractionAboveOneUpFront(@TempDir Path dir) {
    assertRefusedUpFront(dir, "--prewarm-fraction", "bench", "cache", "--prewarm-fraction", "2");
  }

  /** bench overload refuses a negative --recall-sample before any work, naming the option. */
  @Test
  void benchOverloadRefusesANegativeRecallSampleUpFront(@TempDir Path dir) {
    assertRefusedUpFront(dir, "--recall-sample", "bench", "overload", "--recall-sample", "-1");
  }

  /** bench freshness refuses a negative --target-ms before any work, naming the option. */
  @Test
  void benchFreshnessRefusesANegativeTargetUpFront(@TempDir Path dir) {
    assertRefusedUpFront(dir, "--target-ms", "bench", "freshness", "--target-ms", "-5");
  }

  /** bench routing refuses a replica count that is not a whole number >= 1 (2.5 ran as 2). */
  @Test
  void benchRoutingRefusesAFractionalReplicaCountUpFront(@TempDir Path dir) {
    assertRefusedUpFront(dir, "--min-replicas", "bench", "routing", "--min-replicas", "1,2.5");
    assertRefusedUpFront(dir, "--min-replicas", "bench", "routing", "--min-replicas", "0");
  }

  /** prewarm refuses a --top-fraction above 1 before it asks the broker or reads the log. */
  @Test
  void prewarmRefusesATopFractionAboveOneUpFront(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("log.txt"), "usb cable\n");
    assertRefusedUpFront(
        dir,
        "--top-fraction",
        "prewarm",
        "--log",
        log.toString(),
        "--top-fraction",
        "7",
        "--set",
        "kafka.bootstrap-servers=127.0.0.1:1");
  }

  /**
   * cluster down without a running cluster is one line naming --work-dir (it was an
   * IllegalStateException with its stack trace), and a bad --set is refused as by every command
   * (down never read its configuration).
   */
  @Test
  void clusterDownNamesAMissingClusterAndChecksItsSettings(@TempDir Path dir) {
    Path none = dir.resolve("none");
    assertThat(MoeSearch.run(new String[] {"cluster", "down", "--work-dir", none.toString()}))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "moe-search cluster down: --work-dir: no running cluster recorded in "
                + none.resolve(ClusterCommand.STATE_FILE)
                + " (cluster up first)");
    err.reset();
    assertThat(
            MoeSearch.run(
                new String[] {
                  "cluster", "down", "--work-dir", none.toString(), "--set", "no.such=1"
                }))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown setting 'no.such'");
  }

  /** cluster down --json writes what it stopped; it accepted --json and wrote nothing. */
  @Test
  void clusterDownWritesItsJson(@TempDir Path dir) throws Exception {
    Path state = Files.writeString(dir.resolve(ClusterCommand.STATE_FILE), "pids=\n");
    Path json = dir.resolve("down.json");
    assertThat(
            MoeSearch.run(
                new String[] {
                  "cluster", "down", "--work-dir", dir.toString(), "--json", json.toString()
                }))
        .isEqualTo(0);
    JsonNode figures = new ObjectMapper().readTree(json.toFile());
    assertThat(figures.get("stopped").asInt()).isZero();
    assertThat(figures.get("pids").isArray()).isTrue();
    assertThat(state).doesNotExist();
  }

  /** cluster submit without a running cluster is a usage error naming the cause, no stack trace. */
  @Test
  void clusterSubmitWithoutARunningClusterNamesTheCause(@TempDir Path dir) {
    int code =
        MoeSearch.run(
            new String[] {"cluster", "submit", "--work-dir", dir.resolve("none").toString()});
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no running cluster recorded")
        .doesNotContain("failed:");
  }

  /** cluster submit refuses a local savepoint path that does not exist before submitting. */
  @Test
  void clusterSubmitRefusesAMissingLocalSavepoint(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(ClusterCommand.STATE_FILE), "");
    int code =
        MoeSearch.run(
            new String[] {
              "cluster",
              "submit",
              "--work-dir",
              dir.toString(),
              "--from-savepoint",
              dir.resolve("no-savepoint").toString()
            });
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--from-savepoint");
  }

  /**
   * bench pipeline refuses an unknown --cache mode before any work: it was checked only after the
   * unmeasured JIT warm-up pipeline and the ceiling (minutes of work, an embedded broker and a
   * MiniCluster), then failed as a usage error.
   */
  @Test
  void benchPipelineRefusesAnUnknownCacheModeUpFront(@TempDir Path dir) {
    assertRefusedUpFront(dir, "--cache", "bench", "pipeline", "--cache", "sometimes");
  }

  /**
   * cluster up refuses more TaskManagers than the machine can hold, naming --task-managers, before
   * anything starts. Only a lower bound was checked: --task-managers 100000 started a broker, a
   * JobManager and TaskManager JVMs of 2 GiB each (81 within 40 s on a 2-core, 23 GiB machine)
   * until it was killed or the machine ran out of memory. (A cluster recorded in the work directory
   * stops the command before it starts anything, should the flag pass.)
   */
  @Test
  void clusterUpRefusesMoreTaskManagersThanTheMachineHolds(@TempDir Path dir) throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(work.resolve(ClusterCommand.MARKER), "");
    Files.writeString(work.resolve(ClusterCommand.STATE_FILE), "");
    // The repository as bin/moe-search sets it (its conf/flink/config.yaml: 2 GiB TaskManagers).
    String old = System.getProperty("moe.search.home");
    System.setProperty("moe.search.home", Path.of("..").toAbsolutePath().normalize().toString());
    int code;
    try {
      code =
          MoeSearch.run(
              new String[] {
                "cluster", "up", "--task-managers", "100000", "--work-dir", work.toString()
              });
    } finally {
      if (old == null) {
        System.clearProperty("moe.search.home");
      } else {
        System.setProperty("moe.search.home", old);
      }
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--task-managers");
  }

  /** bench chaos refuses an unknown delivery mode in --modes before any cluster starts. */
  @Test
  void benchChaosRefusesAnUnknownModeUpFront(@TempDir Path dir) {
    assertRefusedUpFront(dir, "--modes", "bench", "chaos", "--modes", "at-least-once,twice");
  }

  /**
   * query refuses a text over query.max-chars with the job's codec before contacting the broker.
   */
  @Test
  void queryRefusesATextOverTheConfiguredLimitBeforeSendingIt() {
    int code =
        MoeSearch.run(
            new String[] {
              "query",
              "x".repeat(600),
              "--set",
              "query.max-chars=512",
              "--set",
              "kafka.bootstrap-servers=127.0.0.1:1"
            });
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("query.max-chars");
  }

  /** cluster up clears a work directory that carries its marker file (an earlier run's). */
  @Test
  void clusterUpClearsAWorkDirItMarked(@TempDir Path dir) throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(work.resolve(ClusterCommand.MARKER), "");
    Path stale = Files.writeString(work.resolve("stale.log"), "an earlier run's");
    ClusterCommand.clearWorkDir(work);
    assertThat(stale).doesNotExist();
    assertThat(work.resolve(ClusterCommand.MARKER)).exists();
    Path fresh = dir.resolve("new/work");
    ClusterCommand.clearWorkDir(fresh);
    assertThat(fresh.resolve(ClusterCommand.MARKER)).exists();
  }

  /** A rate or share of NaN or Infinity is refused up front, naming the option. */
  @Test
  void benchOptionsRefuseNaNAndInfinity(@TempDir Path dir) {
    String[][] runs = {
      {"bench", "cache", "--rate", "Infinity"},
      {"bench", "cache", "--prewarm-fraction", "NaN"},
      {"bench", "pipeline", "--rate", "Infinity"},
    };
    for (String[] run : runs) {
      err.reset();
      String[] args = Arrays.copyOf(run, run.length + 2);
      args[run.length] = "--set";
      args[run.length + 1] = "index.path=" + dir.resolve("no-index");
      assertThat(MoeSearch.run(args)).as(String.join(" ", run)).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .as(String.join(" ", run))
          .contains(run[2] + " must be a finite number");
    }
  }
}
