package io.moesearch.jobs.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.kafka.KafkaOptions;
import io.moesearch.connectors.kafka.KafkaSettings;
import io.moesearch.connectors.message.FillSigner;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.GateTrainer;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.VectorEncoding;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.core.retrieval.QueryExpansion;
import io.moesearch.core.retrieval.Synonyms;
import io.moesearch.operators.CacheSettings;
import io.moesearch.operators.RankingSettings;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The one configuration of every job and command: flat dotted keys, loaded from a YAML file (nested
 * maps are flattened) and overridden by {@code --set key=value} flags. The settings are the typed
 * Flink {@link ConfigOption}s of the option classes of each area ({@link AllOptions}); read one
 * with {@link #get}. Every value is parsed and checked when the config is built; an unknown key or
 * a bad value fails with a message naming the setting. Immutable.
 */
public final class MoeSearchConfig implements Serializable {

  /** A decimal number as people write one: sign, digits, an optional fraction and exponent. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final Map<String, String> values;
  private final Map<String, String> kafkaProperties;
  private final Configuration conf;

  private MoeSearchConfig(Map<String, String> values, Map<String, String> kafkaProperties) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.kafkaProperties = Collections.unmodifiableMap(new TreeMap<>(kafkaProperties));
    this.conf = Configuration.fromMap(this.values);
    validate();
  }

  /**
   * System property naming the project directory ({@code bin/moe-search} sets it): the default
   * paths ({@link #PROJECT_PATHS}: the shipped catalogue, judgements, index root and fill key) are
   * resolved against it, so a command run from any directory finds them; paths a user gives on the
   * command line are relative to the working directory, as on any command line, and paths in a
   * config file are relative to that file's directory ({@link #FILE_PATHS}). Unset (tests, a
   * cluster): the defaults as given.
   */
  public static final String HOME_PROPERTY = "moe.search.home";

  /** The settings whose defaults name files of the project (comma-separated lists allowed). */
  private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:/");

  /** The path settings that hold a comma-separated list of paths. */
  private static final List<ConfigOption<String>> PATH_LISTS =
      List.of(EvalOptions.JUDGEMENTS, EvalOptions.TRAIN_JUDGEMENTS);

  static final List<ConfigOption<String>> PROJECT_PATHS =
      List.of(
          CatalogOptions.PATH,
          IndexOptions.ROOT,
          CacheOptions.FILL_KEY_FILE,
          EvalOptions.JUDGEMENTS,
          EvalOptions.TRAIN_JUDGEMENTS);

  /**
   * The settings naming files or directories. A relative path written in a config file is resolved
   * against the file's directory (as docker-compose and Cargo do), so a file means the same
   * wherever it is used from; a URI ({@code file:///…}, {@code s3://…}) is kept as written.
   */
  static final List<ConfigOption<String>> FILE_PATHS =
      List.of(
          CatalogOptions.PATH,
          IndexOptions.ROOT,
          IndexOptions.PATH,
          CacheOptions.FILL_KEY_FILE,
          EvalOptions.JUDGEMENTS,
          EvalOptions.TRAIN_JUDGEMENTS,
          EmbedderOptions.MODEL_PATH,
          EmbedderOptions.TOKENIZER_PATH,
          RankingOptions.SYNONYMS_PATH,
          JobOptions.CHECKPOINT_DIR);

  /** The project directory ({@link #HOME_PROPERTY}), or the working directory when unset. */
  public static Path home() {
    String home = System.getProperty(HOME_PROPERTY, "");
    return Path.of(home.isBlank() ? "" : home);
  }

  /** Reads config files: a key written twice is a mistake whichever value was meant, refused. */
  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Defaults, then the file (if any), then the overrides. */
  public static MoeSearchConfig load(Path file, Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>();
    Map<String, String> kafka = new LinkedHashMap<>();
    if (file != null) {
      String problem = io.moesearch.core.util.Files2.notRegularFile(file);
      if (problem != null) {
        throw new ConfigException("--config: " + problem + ": " + file);
      }
      if (read(file, merged, kafka)) {
        Path dir;
        try {
          dir = file.toRealPath().getParent();
        } catch (IOException e) {
          throw new ConfigException(file + ": cannot read the config: " + e.getMessage());
        }
        for (ConfigOption<String> option : FILE_PATHS) {
          merged.computeIfPresent(option.key(), (k, v) -> resolved(option, dir, v));
        }
      }
    }
    overrides.forEach((k, v) -> put(k, v, merged, kafka, "--set"));
    String home = System.getProperty(HOME_PROPERTY, "");
    if (!home.isBlank()) {
      for (ConfigOption<String> option : PROJECT_PATHS) {
        if (!merged.containsKey(option.key())) {
          merged.put(option.key(), resolved(option, Path.of(home), option.defaultValue()));
        }
      }
    }
    return new MoeSearchConfig(merged, kafka);
  }

  /**
   * {@code value} of the path setting {@code option} resolved against {@code dir}: each entry of a
   * comma-separated list ({@link #PATH_LISTS}), else the whole value; empty values, absolute paths
   * and URIs ({@code scheme:/…}) as written.
   */
  static String resolved(ConfigOption<String> option, Path dir, String value) {
    if (!PATH_LISTS.contains(option)) {
      return resolved(dir, value.trim());
    }
    List<String> out = new ArrayList<>();
    for (String p : value.split(",")) {
      out.add(resolved(dir, p.trim()));
    }
    return String.join(",", out);
  }

  private static String resolved(Path dir, String path) {
    return path.isEmpty() || URI_SCHEME.matcher(path).lookingAt() || Path.of(path).isAbsolute()
        ? path
        : dir.resolve(path).normalize().toString();
  }

  private static String stripKafka(String key) {
    return key.startsWith(KafkaSettings.PROPERTIES_PREFIX)
        ? key.substring(KafkaSettings.PROPERTIES_PREFIX.length())
        : "\u0000" + key;
  }

  public static MoeSearchConfig defaultsWith(Map<String, String> overrides) {
    return load(null, overrides);
  }

  /**
   * Reads the settings of the config file {@code file} into {@code out} (and {@code
   * kafka.properties.*} into {@code kafka}) as flat dotted keys; false when the file holds no
   * mapping (empty).
   *
   * @throws ConfigException naming the file (and the key) when it is not one YAML mapping of
   *     settings
   */
  static boolean read(Path file, Map<String, String> out, Map<String, String> kafka) {
    String source = file.toString();
    try (JsonParser parser = YAML.createParser(file.toFile())) {
      JsonToken first = parser.nextToken();
      if (first == null || first == JsonToken.VALUE_NULL) {
        return false;
      }
      if (first != JsonToken.START_OBJECT) {
        throw new ConfigException(source + ": the config file must be a YAML mapping");
      }
      flatten("", parser, out, kafka, source);
      if (parser.nextToken() != null) {
        // Only the first document would be read: the settings after "---" silently ignored.
        throw new ConfigException(
            source + ": holds more than one YAML document ('---'); write one mapping");
      }
      return true;
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot read the config: " + e.getMessage());
    }
  }

  /**
   * Flattens the YAML mapping whose {@code START_OBJECT} is the parser's current token to dotted
   * keys ({@code routing: {activation: 0.9}}). Every scalar is read as written (the parser's text,
   * not the value YAML would type it as: {@code 1.10} stays "1.10", {@code 007} "007", {@code 010}
   * "010" rather than octal 8, {@code yes} "yes"), so a value means the same in a file as with
   * {@code --set}, where Flink's parser reads it.
   */
  private static void flatten(
      String prefix,
      JsonParser parser,
      Map<String, String> out,
      Map<String, String> kafka,
      String source)
      throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      String key = prefix.isEmpty() ? name : prefix + "." + name;
      if (out.containsKey(key) || kafka.containsKey(stripKafka(key))) {
        // Nested and dotted in one file ("retrieval: {oversample: 5}" beside
        // "retrieval.oversample: 9"): refused, as a key written twice is.
        throw new ConfigException(source + ": " + key + " is set twice");
      }
      JsonToken value = parser.nextToken();
      if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
        // Jackson hands an alias over as the anchor's name ("*g" would read "g").
        throw new ConfigException(
            source
                + ": "
                + key
                + " is a YAML alias (*"
                + parser.getText()
                + "); anchors and aliases are not supported, write the value");
      }
      if (value == JsonToken.START_OBJECT) {
        flatten(key, parser, out, kafka, source);
      } else if (value == JsonToken.START_ARRAY) {
        throw new ConfigException(
            source + ": " + key + " is a list; write the values as one comma-separated string");
      } else if (value != null && value.isScalarValue()) {
        put(key, parser.getText(), out, kafka, source);
      } else {
        throw new ConfigException(source + ": " + key + " has no value");
      }
    }
  }

  private static void put(
      String key, String value, Map<String, String> out, Map<String, String> kafka, String source) {
    if (key.startsWith(KafkaSettings.PROPERTIES_PREFIX)) {
      kafka.put(key.substring(KafkaSettings.PROPERTIES_PREFIX.length()), value);
    } else if (AllOptions.BY_KEY.containsKey(key)) {
      out.put(key, value.trim());
    } else {
      throw new ConfigException(
          source + ": unknown setting '" + key + "' (every setting: docs/configuration.md)");
    }
  }

  private void validate() {
    // Parse and check every value once, so that a bad value fails at start-up naming its key: the
    // options' own checks, then the settings records (the one home of their ranges).
    for (ConfigOption<?> option : AllOptions.BY_KEY.values()) {
      Checked.check(option, get(option));
    }
    buildSettings();
    embedder();
    loadAwareRouting();
    gateTraining();
    minReplicas();
    badLines();
    ranking();
    cache();
    if (get(JobOptions.PARALLELISM) > get(JobOptions.MAX_PARALLELISM)) {
      throw new ConfigException(
          JobOptions.PARALLELISM.key()
              + " ("
              + get(JobOptions.PARALLELISM)
              + ") must be at most "
              + JobOptions.MAX_PARALLELISM.key()
              + " ("
              + get(JobOptions.MAX_PARALLELISM)
              + "): keyed state has that many key groups. Raising it makes the job's existing"
              + " savepoints unrestorable");
    }
    if (get(BatchOptions.MODEL_BATCH_SIZE) > get(BatchOptions.MAX_SIZE)) {
      throw new ConfigException(
          BatchOptions.MODEL_BATCH_SIZE.key()
              + " must be at most "
              + BatchOptions.MAX_SIZE.key()
              + " ("
              + get(BatchOptions.MAX_SIZE)
              + "), got "
              + get(BatchOptions.MODEL_BATCH_SIZE));
    }
    // Every other kafka.* setting is checked now even when the embedded broker's address comes
    // later (the demo and the benchmarks), so a bad topic or client property fails before it.
    KafkaSettings kafka =
        kafka(get(KafkaOptions.BOOTSTRAP_SERVERS).isEmpty() ? "localhost:9092" : null);
    // Exactly-once: a transaction is open from one checkpoint until the next commits it; the
    // broker aborts it after the producer's transaction timeout, losing its answers.
    long interval = get(JobOptions.CHECKPOINT_INTERVAL_MS);
    if (kafka.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE
        && interval >= KafkaIO.transactionTimeoutMs(kafka)) {
      throw new ConfigException(
          JobOptions.CHECKPOINT_INTERVAL_MS.key()
              + " ("
              + interval
              + ") must be below kafka.properties.transaction.timeout.ms ("
              + KafkaIO.transactionTimeoutMs(kafka)
              + ") with "
              + KafkaOptions.DELIVERY_GUARANTEE.key()
              + " exactly-once: a transaction stays open until the next checkpoint commits it,"
              + " and the broker aborts it after that timeout");
    }
  }

  /**
   * The value of a setting: the file's or an override's, else the option's default.
   *
   * @throws ConfigException naming the setting when its value does not parse as the option's type
   */
  public <T> T get(ConfigOption<T> option) {
    if (!AllOptions.BY_KEY.containsKey(option.key())) {
      throw new ConfigException("unknown setting '" + option.key() + "'");
    }
    Object def = option.defaultValue();
    String raw = values.get(option.key());
    try {
      if (raw != null && def instanceof Number && !isDecimal(raw)) {
        // Flink parses numbers with Java, which also reads "0x1p-1", "0.5f" and "NaN".
        throw new IllegalArgumentException(raw);
      }
      return conf.get(option);
    } catch (IllegalArgumentException e) {
      String type =
          def instanceof Integer || def instanceof Long
              ? "an integer"
              : def instanceof Boolean ? "true or false" : "a decimal number";
      throw new ConfigException(option.key() + " must be " + type + ", got '" + raw + "'");
    }
  }

  /**
   * Whether {@code text} is a plain decimal number ({@link #DECIMAL}): the one form every number
   * setting and each of {@code ranking.weights} takes. Java also reads "NaN", "Infinity", "0x1p3"
   * and "1d" as numbers.
   */
  static boolean isDecimal(String text) {
    return DECIMAL.matcher(text.trim()).matches();
  }

  private static <T> T wrap(Supplier<T> s) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw e instanceof ConfigException ? e : new ConfigException(e.getMessage());
    }
  }

  /**
   * The judged query sets of {@code eval.judgements}, in order; the first also drives the retrieval
   * tables, the demo's queries and the benchmarks' query texts.
   *
   * @throws ConfigException if the setting names no file
   */
  public List<Path> judgements() {
    List<Path> out = new ArrayList<>();
    for (String f : get(EvalOptions.JUDGEMENTS).split(",")) {
      if (!f.isBlank()) {
        out.add(Path.of(f.trim()));
      }
    }
    if (out.isEmpty()) {
      throw new ConfigException(EvalOptions.JUDGEMENTS.key() + " must name at least one file");
    }
    return out;
  }

  public Path catalogPath() {
    return Path.of(get(CatalogOptions.PATH));
  }

  public BadLinePolicy badLines() {
    return BadLinePolicy.valueOf(get(CatalogOptions.BAD_LINES).toUpperCase(Locale.ROOT));
  }

  public Path indexRoot() {
    return Path.of(get(IndexOptions.ROOT));
  }

  /** The artifact to serve: {@code index.path} if set, else the newest under {@code index.root}. */
  public Path indexPath() {
    return get(IndexOptions.PATH).isEmpty() ? indexRoot() : Path.of(get(IndexOptions.PATH));
  }

  public IndexBuildSettings buildSettings() {
    VectorEncoding enc = wrap(() -> VectorEncoding.parse(get(IndexOptions.ENCODING)));
    return wrap(
        () ->
            new IndexBuildSettings(
                get(IndexOptions.EXPERTS),
                get(IndexOptions.KMEANS_ITERATIONS),
                get(IndexOptions.SEED),
                get(IndexOptions.TEMPERATURE),
                get(IndexOptions.REPLICATION_RATIO),
                // "At most" this many: a catalogue small enough for fewer experts than copies (a
                // 50-product shop with 2 experts) builds with the default, every product in both.
                Math.min(get(IndexOptions.MAX_COPIES), get(IndexOptions.EXPERTS)),
                enc,
                get(IndexOptions.HNSW_M),
                get(IndexOptions.HNSW_BEAM_WIDTH),
                get(IndexOptions.EMBED_BATCH_SIZE)));
  }

  public EmbedderConfig embedder() {
    String model = get(EmbedderOptions.MODEL_PATH);
    String tok = get(EmbedderOptions.TOKENIZER_PATH);
    return wrap(
        () ->
            new EmbedderConfig(
                model.isEmpty() ? null : model,
                tok.isEmpty() ? null : tok,
                get(EmbedderOptions.POOLING),
                get(EmbedderOptions.NORMALIZE),
                get(EmbedderOptions.MAX_TOKENS),
                get(EmbedderOptions.INTRA_OP_THREADS)));
  }

  public RoutingConfig routing() {
    return wrap(
        () ->
            new RoutingConfig(
                get(RoutingOptions.TEMPERATURE),
                new ActivationRule(
                    get(RoutingOptions.ACTIVATION),
                    get(RoutingOptions.MIN_EXPERTS),
                    get(RoutingOptions.MAX_EXPERTS))));
  }

  /**
   * Load- and complexity-aware routing ({@code routing.*}): the serving routing, the balance term
   * α, the load half-life, and the fast path for confident queries.
   */
  public LoadAwareRoutingConfig loadAwareRouting() {
    RoutingConfig base = routing();
    int fastMax = get(RoutingOptions.FAST_MAX_EXPERTS);
    double fastActivation = get(RoutingOptions.FAST_ACTIVATION);
    // The fast path is an ActivationRule too, whose own messages name the main rule's settings.
    if (fastMax < 1) {
      throw new ConfigException(
          RoutingOptions.FAST_MAX_EXPERTS.key() + " must be >= 1, got " + fastMax);
    }
    if (!(fastActivation > 0 && fastActivation <= 1)) {
      throw new ConfigException(
          RoutingOptions.FAST_ACTIVATION.key() + " must be in (0, 1], got " + fastActivation);
    }
    return wrap(
        () ->
            new LoadAwareRoutingConfig(
                base,
                get(RoutingOptions.BALANCE_ALPHA),
                get(RoutingOptions.LOAD_HALF_LIFE_MS),
                get(RoutingOptions.COMPLEXITY_THRESHOLD),
                new ActivationRule(
                    fastActivation, Math.min(base.activation().minExperts(), fastMax), fastMax),
                get(RoutingOptions.OVERSAMPLE),
                get(RoutingOptions.FAST_OVERSAMPLE)));
  }

  /** Settings of the gate re-learning ({@code routing update}): {@code routing.update-*}. */
  public GateTrainer.Settings gateTraining() {
    return wrap(
        () ->
            new GateTrainer.Settings(
                get(RoutingOptions.TEMPERATURE),
                get(RoutingOptions.UPDATE_EPOCHS),
                get(RoutingOptions.UPDATE_LEARNING_RATE),
                get(RoutingOptions.UPDATE_L2),
                64,
                get(RoutingOptions.UPDATE_SEED)));
  }

  /**
   * The embedding dimension the served index must have: 384 for the bundled model; 0 (not checked
   * here, the operators check it when they load the model) for a custom model.
   */
  public int embedderDimension() {
    return embedder().modelPath() == null ? 384 : 0;
  }

  /** The ranking settings: hybrid (dense + BM25 fused) or dense only, depths and fusion weights. */
  public RankingSettings ranking() {
    String weights = get(RankingOptions.WEIGHTS);
    // -1: trailing empty entries ("w1,...,w15,,,") are kept, and refused, not dropped.
    String[] parts = weights.split(",", -1);
    int n = RankingFeatures.NAMES.size();
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isBlank()) {
        throw new ConfigException(
            RankingOptions.WEIGHTS.key()
                + ": entry "
                + (i + 1)
                + " of "
                + parts.length
                + " is empty; write "
                + n
                + " comma-separated numbers");
      }
    }
    if (parts.length != n) {
      throw new ConfigException(
          RankingOptions.WEIGHTS.key()
              + " must list "
              + n
              + " numbers ("
              + String.join(", ", RankingFeatures.NAMES)
              + "), got '"
              + weights
              + "'");
    }
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      String part = parts[i].trim();
      if (!isDecimal(part)) {
        throw new ConfigException(
            RankingOptions.WEIGHTS.key() + ": '" + part + "' is not a finite decimal number");
      }
      w[i] = Double.parseDouble(part);
      if (!Double.isFinite(w[i])) {
        throw new ConfigException(
            RankingOptions.WEIGHTS.key() + ": '" + part + "' is not a finite decimal number");
      }
      if (Math.abs(w[i]) > RankingOptions.MAX_WEIGHT) {
        // Every feature is in [-1, 1] and an answer's score is a float: a larger weight could
        // overflow it, and the merge then failed every hybrid answer ("score must be finite").
        throw new ConfigException(
            RankingOptions.WEIGHTS.key()
                + ": '"
                + part
                + "' is out of range; each weight must be between -"
                + (long) RankingOptions.MAX_WEIGHT
                + " and "
                + (long) RankingOptions.MAX_WEIGHT);
      }
    }
    Synonyms synonyms = synonyms();
    return wrap(
        () ->
            new RankingSettings(
                get(RankingOptions.MODE).equalsIgnoreCase("hybrid"),
                get(RankingOptions.DENSE_DEPTH),
                get(RankingOptions.LEXICAL_DEPTH),
                new LinearFusion(w),
                get(RankingOptions.MIN_SIMILARITY),
                new QueryExpansion(synonyms, get(RankingOptions.TYPO_MIN_CHARS))));
  }

  /** The BM25 branch's query-time synonyms ({@code ranking.synonyms-path}), read and parsed. */
  public Synonyms synonyms() {
    Synonyms s = synonyms;
    if (s != null) {
      return s; // read once: every operator of a job gets the same rules
    }
    String path = get(RankingOptions.SYNONYMS_PATH).trim();
    if (path.isEmpty()) {
      s = Synonyms.NONE;
    } else {
      try {
        s = Synonyms.read(Path.of(path));
      } catch (IllegalArgumentException e) { // InvalidPathException included
        throw new ConfigException(RankingOptions.SYNONYMS_PATH.key() + ": " + e.getMessage());
      }
    }
    synonyms = s;
    return s;
  }

  /**
   * The routing settings that change what a query retrieves, hence its answer: part of {@link
   * #rankingFingerprint} beside every {@code ranking.*} setting. (The gate re-learning's {@code
   * routing.update-*}, the statistics interval and the replica placement do not change answers.)
   */
  static final List<ConfigOption<?>> ANSWER_ROUTING =
      List.of(
          RoutingOptions.TEMPERATURE,
          RoutingOptions.ACTIVATION,
          RoutingOptions.MIN_EXPERTS,
          RoutingOptions.MAX_EXPERTS,
          RoutingOptions.BALANCE_ALPHA,
          RoutingOptions.LOAD_HALF_LIFE_MS,
          RoutingOptions.COMPLEXITY_THRESHOLD,
          RoutingOptions.FAST_ACTIVATION,
          RoutingOptions.FAST_MAX_EXPERTS,
          RoutingOptions.FAST_OVERSAMPLE,
          RoutingOptions.OVERSAMPLE);

  /**
   * A fingerprint of the settings that rank an answer on a given index version: every {@code
   * ranking.*} value (for {@code ranking.synonyms-path}, the rules the file holds, not its path),
   * the {@link #ANSWER_ROUTING} values and the ranking code's revision ({@link
   * HybridRanker#RANKING_REVISION}). The cache stamps its entries with it beside the index version
   * and serves only those of the served pair, so a job restarted with other weights, synonyms or
   * routing (its cache restored from a checkpoint) or a prewarm job configured apart never serves
   * an answer ranked otherwise. "r" and the first 16 hex digits of the SHA-256 of the sorted {@code
   * key=value} lines; equal configurations give equal fingerprints.
   */
  public String rankingFingerprint() {
    return rankingFingerprint(HybridRanker.RANKING_REVISION);
  }

  /**
   * {@link #rankingFingerprint()} as a build of ranking code revision {@code revision} gives it.
   */
  String rankingFingerprint(int revision) {
    Map<String, String> shaping = new TreeMap<>();
    shaping.put("ranking-code-revision", String.valueOf(revision));
    for (ConfigOption<?> o : AllOptions.BY_KEY.values()) {
      if (o.key().startsWith("ranking.") && o != RankingOptions.SYNONYMS_PATH) {
        shaping.put(o.key(), String.valueOf(get(o)));
      }
    }
    // As parsed: "0.1, 0.2" and "0.1,0.2" rank alike.
    shaping.put(
        RankingOptions.WEIGHTS.key(), java.util.Arrays.toString(ranking().fusion().weights()));
    for (ConfigOption<?> o : ANSWER_ROUTING) {
      shaping.put(o.key(), String.valueOf(get(o)));
    }
    shaping.put(
        RankingOptions.SYNONYMS_PATH.key(), synonyms().rules().replace("\r\n", "\n").strip());
    StringBuilder text = new StringBuilder();
    shaping.forEach(
        (k, v) ->
            text.append(k)
                .append('=')
                .append(v.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n'));
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "r" + java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** {@link #synonyms}, once read. */
  private transient volatile Synonyms synonyms;

  /** The cache levels' sizes and lifetimes and the coalescing wait ({@code cache.*}). */
  public CacheSettings cache() {
    return wrap(
        () ->
            new CacheSettings(
                get(CacheOptions.L1_MAX_ENTRIES),
                get(CacheOptions.L1_MAX_BYTES),
                get(CacheOptions.L1_TTL_MS),
                get(CacheOptions.L2_TTL_MS),
                get(CacheOptions.L3_TTL_MS),
                get(CacheOptions.COALESCE_WAIT_MS),
                get(CacheOptions.ADMIT_AFTER),
                get(CacheOptions.DOORKEEPER_MS)));
  }

  /**
   * The cache-fill authentication key ({@code cache.fill-key-file}: a file of at least 64 hex
   * digits, created with a random key on first use when absent). Every writer of the cache-fill
   * topic (the search job, the prewarm job) and the search job's reader must use the same file.
   *
   * @throws ConfigException naming the setting when the file cannot be read or created, is not hex
   *     or is too short
   */
  public FillSigner fillSigner() {
    String key = CacheOptions.FILL_KEY_FILE.key();
    String file = get(CacheOptions.FILL_KEY_FILE);
    if (file.isEmpty()) {
      throw new ConfigException(key + " must be set");
    }
    try {
      return FillSigner.fromKeyFile(Path.of(file), true);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
  }

  /**
   * The job's parser of query messages, with the {@code query.*} limits: every reader of query
   * texts (the job, {@code prewarm}, {@code query}) checks them with it.
   */
  public QueryCodec queryCodec() {
    return new QueryCodec(get(QueryOptions.MAX_CHARS), get(QueryOptions.MAX_BYTES));
  }

  /** How often the job reads {@code index.root/LATEST} for a new version; 0 = never. */
  public long indexWatchIntervalMillis() {
    return get(IndexOptions.WATCH_INTERVAL_MS);
  }

  /**
   * {@code routing.replica-slots}: serving slots of the replicated expert layout that {@code
   * routing update} writes; 0 = no layout (one copy per expert).
   */
  public int replicaSlots() {
    return get(RoutingOptions.REPLICA_SLOTS);
  }

  /** {@code routing.min-replicas}: replicas every expert gets in that layout, at most its slots. */
  public int minReplicas() {
    int slots = replicaSlots();
    int min = get(RoutingOptions.MIN_REPLICAS);
    if (slots > 0 && min > slots) {
      throw new ConfigException(
          RoutingOptions.MIN_REPLICAS.key() + " must be in 1.." + slots + ", got " + min);
    }
    return min;
  }

  /**
   * {@code routing.replica-headroom}: the most headroom tried, in Poisson standard deviations of a
   * window busier than the log predicts (layouts for 0, 1, … this are planned and the best on the
   * log's windows kept, see {@code ExpertPlacementPlanner.planBest}); 0 = expected share only.
   */
  public double replicaHeadroom() {
    return get(RoutingOptions.REPLICA_HEADROOM);
  }

  /**
   * {@code routing.replica-window-events}: queries per balancing window the layout's headroom is
   * sized for (the query log's frequencies are scaled to it).
   */
  public int replicaWindowEvents() {
    return get(RoutingOptions.REPLICA_WINDOW_EVENTS);
  }

  /** How often a busy expert publishes its load statistics. */
  public long statsIntervalMillis() {
    return get(RoutingOptions.STATS_INTERVAL_MS);
  }

  public int oversample() {
    return get(RoutingOptions.OVERSAMPLE);
  }

  /**
   * The Kafka settings ({@code kafka.*} keys, with {@code kafka.properties.*} passed through to
   * every client); {@code kafka.bootstrap-servers} must be set.
   */
  public KafkaSettings kafka() {
    return kafka(null);
  }

  /** {@link #kafka()}, with {@code bootstrap} for an unset {@code kafka.bootstrap-servers}. */
  private KafkaSettings kafka(String bootstrap) {
    Map<String, String> m = new LinkedHashMap<>();
    for (ConfigOption<String> option : KafkaOptions.ALL) {
      String v = get(option);
      // Empty means unset only where that is the default (kafka.bootstrap-servers); another
      // setting written empty is refused by KafkaSettings naming it, not read as its default.
      if (!v.isEmpty() || !option.defaultValue().isEmpty()) {
        m.put(option.key(), v);
      }
    }
    if (bootstrap != null) {
      m.putIfAbsent(KafkaOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
    }
    kafkaProperties.forEach((k, v) -> m.put(KafkaSettings.PROPERTIES_PREFIX + k, v));
    return wrap(() -> KafkaSettings.fromMap(m));
  }

  /** Client properties passed through to every Kafka client ({@code kafka.properties.*}). */
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }

  /** A copy with more overrides applied. */
  public MoeSearchConfig with(Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>(values);
    Map<String, String> k = new LinkedHashMap<>(kafkaProperties);
    overrides.forEach((key, value) -> put(key, value, v, k, "override"));
    return new MoeSearchConfig(v, k);
  }

  /** Every setting's value (set or default), for logging and the README reference. */
  public Map<String, String> asMap() {
    Map<String, String> out = new TreeMap<>();
    AllOptions.BY_KEY.values().forEach(o -> out.put(o.key(), String.valueOf(get(o))));
    return Collections.unmodifiableMap(out);
  }
}
