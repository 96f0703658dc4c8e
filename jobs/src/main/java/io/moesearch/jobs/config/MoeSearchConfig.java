package io.moesearch.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.moesearch.connectors.message.FillSigner;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.VectorEncoding;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one configuration of every job and command: flat dotted keys, loaded from a YAML file (nested
 * maps are flattened) and overridden by {@code --set key=value} flags. Every value is parsed and
 * checked when the config is built; an unknown key or a bad value fails with a message naming the
 * setting. Immutable.
 */
public final class MoeSearchConfig implements Serializable {

  /** Every key with its default; {@code ""} means unset. */
  static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("catalog.path", "data/icecat/products_core.jsonl.gz");
    d.put("catalog.bad-lines", "skip");
    d.put("index.root", "artifacts/index");
    d.put("index.path", "");
    d.put("index.experts", "128");
    d.put("index.kmeans-iterations", "20");
    d.put("index.seed", "42");
    d.put("index.temperature", "0.05");
    d.put("index.replication-ratio", "0.5");
    d.put("index.max-copies", "3");
    d.put("index.encoding", "float32");
    d.put("index.hnsw-m", "16");
    d.put("index.hnsw-beam-width", "100");
    d.put("index.embed-batch-size", "64");
    d.put("index.parallelism", "2");
    d.put("embedder.model-path", "");
    d.put("embedder.tokenizer-path", "");
    d.put("embedder.pooling", "mean");
    d.put("embedder.normalize", "true");
    d.put("embedder.max-tokens", "128");
    d.put("embedder.intra-op-threads", "1");
    d.put("routing.temperature", "0.05");
    d.put("routing.activation", "0.9");
    d.put("routing.min-experts", "1");
    d.put("routing.max-experts", "16");
    d.put("routing.balance-alpha", "0");
    d.put("routing.load-half-life-ms", "10000");
    d.put("routing.complexity-threshold", "0");
    d.put("routing.fast-activation", "0.8");
    d.put("routing.fast-max-experts", "2");
    d.put("routing.fast-oversample", "5");
    d.put("routing.update-queries", "2000");
    d.put("routing.replica-slots", "0");
    d.put("routing.min-replicas", "2");
    d.put("routing.replica-headroom", "3");
    d.put("routing.replica-window-events", "1000");
    d.put("routing.update-k", "10");
    d.put("routing.update-epochs", "10");
    d.put("routing.update-learning-rate", "0.0003");
    d.put("routing.update-l2", "0.001");
    d.put("routing.update-seed", "17");
    d.put("retrieval.oversample", "10");
    d.put("ranking.mode", "hybrid");
    d.put("ranking.dense-depth", "20");
    d.put("ranking.lexical-depth", "100");
    d.put("ranking.weights", "3.266,2.554,-0.377,0.897,0.238,-1.348,-0.379");
    d.put(
        "ranking.min-similarity",
        Double.toString(io.moesearch.operators.RankingSettings.DEFAULT_MIN_SIMILARITY));
    d.put("eval.judgements", "data/chorus/Broad_Query_Set_rated.csv");
    d.put("eval.title-queries", "1000");
    d.put("eval.seed", "7");
    d.put("eval.folds", "5");
    d.put("kafka.bootstrap-servers", "");
    d.put("kafka.query-topic", "search-queries");
    d.put("kafka.result-topic", "search-results");
    d.put("kafka.dead-letter-topic", "search-dead-letters");
    d.put("kafka.cache-fill-topic", "search-cache-fill");
    d.put("kafka.expert-stats-topic", "search-expert-stats");
    d.put("kafka.group-id", "moe-search");
    d.put("kafka.starting-offsets", "committed");
    d.put("kafka.delivery-guarantee", "at-least-once");
    d.put("kafka.transactional-id-prefix", "moe-search");
    d.put("job.name", "moe-search");
    d.put("job.parallelism", "2");
    d.put("job.state-backend", "rocksdb");
    d.put("job.checkpoint-dir", "");
    d.put("job.checkpoint-interval-ms", "10000");
    d.put("job.buffer-timeout-ms", "5");
    d.put("query.max-chars", Integer.toString(QueryCodec.DEFAULT_MAX_QUERY_CHARS));
    d.put("query.max-bytes", Integer.toString(QueryCodec.DEFAULT_MAX_MESSAGE_BYTES));
    d.put("batch.max-size", "32");
    d.put("batch.max-wait-ms", "5");
    d.put("batch.model-batch-size", "8");
    d.put("merge.timeout-ms", "5000");
    d.put("index.watch-interval-ms", "5000");
    d.put("routing.stats-interval-ms", "10000");
    d.put("cache.enabled", "true");
    d.put("cache.l1-max-entries", "100000");
    d.put("cache.l1-ttl-ms", "600000");
    d.put("cache.l2-ttl-ms", "3600000");
    d.put("cache.l3-ttl-ms", "604800000");
    d.put("cache.coalesce-wait-ms", "2000");
    d.put("cache.fill-max-bytes", "1048576");
    d.put("cache.fill-key-file", "artifacts/cache-fill.key");
    d.put("cache.buffer-timeout-ms", "1");
    return Collections.unmodifiableMap(d);
  }

  private final Map<String, String> values;
  private final Map<String, String> kafkaProperties;

  private MoeSearchConfig(Map<String, String> values, Map<String, String> kafkaProperties) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.kafkaProperties = Collections.unmodifiableMap(new TreeMap<>(kafkaProperties));
    validate();
  }

  /** Defaults, then the file (if any), then the overrides. */
  public static MoeSearchConfig load(Path file, Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
    Map<String, String> kafka = new LinkedHashMap<>();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("--config: no such file " + file);
      }
      try {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root != null && !root.isNull()) {
          if (!root.isObject()) {
            throw new ConfigException(file + ": the config file must be a YAML mapping");
          }
          flatten("", root, merged, kafka, file.toString());
        }
      } catch (IOException e) {
        throw new ConfigException(file + ": cannot read the config: " + e.getMessage());
      }
    }
    overrides.forEach((k, v) -> put(k, v, merged, kafka, "--set"));
    return new MoeSearchConfig(merged, kafka);
  }

  public static MoeSearchConfig defaultsWith(Map<String, String> overrides) {
    return load(null, overrides);
  }

  private static void flatten(
      String prefix,
      JsonNode node,
      Map<String, String> out,
      Map<String, String> kafka,
      String source) {
    node.properties()
        .forEach(
            e -> {
              String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
              if (e.getValue().isObject()) {
                flatten(key, e.getValue(), out, kafka, source);
              } else if (e.getValue().isNull()) {
                put(key, "", out, kafka, source);
              } else {
                put(key, e.getValue().asText(), out, kafka, source);
              }
            });
  }

  private static void put(
      String key, String value, Map<String, String> out, Map<String, String> kafka, String source) {
    if (key.startsWith("kafka.properties.")) {
      kafka.put(key.substring("kafka.properties.".length()), value);
    } else if (DEFAULTS.containsKey(key)) {
      out.put(key, value.trim());
    } else {
      throw new ConfigException(
          source + ": unknown setting '" + key + "' (see the README's configuration reference)");
    }
  }

  private void validate() {
    // Parse every typed value once, so that a bad value fails at start-up naming its key.
    buildSettings();
    embedder();
    routing();
    loadAwareRouting();
    gateTraining();
    intRange("routing.update-queries", 1, 10_000_000);
    intRange("routing.update-k", 1, 1000);
    replicaSlots();
    minReplicas();
    replicaHeadroom();
    replicaWindowEvents();
    oversample();
    badLines();
    ranking();
    intRange("index.parallelism", 1, 256);
    intRange("eval.title-queries", 0, 1_000_000);
    longValue("eval.seed");
    intRange("eval.folds", 2, 100);
    intRange("job.parallelism", 1, 1024);
    longRange("job.checkpoint-interval-ms", 100, 86_400_000L);
    longRange("job.buffer-timeout-ms", 0, 10_000);
    intRange("query.max-chars", 1, 100_000);
    intRange("query.max-bytes", 64, 10_000_000);
    intRange("batch.max-size", 1, 4096);
    longRange("batch.max-wait-ms", 0, 60_000);
    intRange("batch.model-batch-size", 1, intRange("batch.max-size", 1, 4096));
    longRange("merge.timeout-ms", 10, 600_000);
    oneOf("job.state-backend", "rocksdb", "hashmap");
    indexWatchIntervalMillis();
    statsIntervalMillis();
    bool("cache.enabled");
    cache();
    intRange("cache.fill-max-bytes", 1024, 64 << 20);
    longRange("cache.buffer-timeout-ms", 0, 10_000);
    if (!string("kafka.bootstrap-servers").isEmpty()) {
      kafka();
    }
    if (string("catalog.path").isEmpty()) {
      throw new ConfigException("catalog.path must be set");
    }
  }

  public String string(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new ConfigException("unknown setting '" + key + "'");
    }
    return v;
  }

  public int intRange(String key, int min, int max) {
    long v = longRange(key, min, max);
    return (int) v;
  }

  public long longValue(String key) {
    try {
      return Long.parseLong(string(key));
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be an integer, got '" + string(key) + "'");
    }
  }

  public long longRange(String key, long min, long max) {
    long v = longValue(key);
    if (v < min || v > max) {
      throw new ConfigException(key + " must be in " + min + ".." + max + ", got " + v);
    }
    return v;
  }

  public double doubleValue(String key) {
    try {
      return Double.parseDouble(string(key));
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a number, got '" + string(key) + "'");
    }
  }

  public boolean bool(String key) {
    String v = string(key).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new ConfigException(key + " must be true or false, got '" + string(key) + "'");
    }
    return Boolean.parseBoolean(v);
  }

  private String oneOf(String key, String... allowed) {
    String v = string(key).toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new ConfigException(
        key + " must be one of " + String.join(", ", allowed) + ", got '" + string(key) + "'");
  }

  private static <T> T wrap(java.util.function.Supplier<T> s) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw e instanceof ConfigException ? e : new ConfigException(e.getMessage());
    }
  }

  public Path catalogPath() {
    return Path.of(string("catalog.path"));
  }

  public BadLinePolicy badLines() {
    return BadLinePolicy.valueOf(
        oneOf("catalog.bad-lines", "skip", "fail").toUpperCase(Locale.ROOT));
  }

  public Path indexRoot() {
    return Path.of(string("index.root"));
  }

  /** The artifact to serve: {@code index.path} if set, else the newest under {@code index.root}. */
  public Path indexPath() {
    return string("index.path").isEmpty() ? indexRoot() : Path.of(string("index.path"));
  }

  public IndexBuildSettings buildSettings() {
    int experts = intRange("index.experts", 1, 4096);
    int iterations = intRange("index.kmeans-iterations", 1, 1000);
    long seed = longValue("index.seed");
    double temperature = doubleValue("index.temperature");
    double ratio = doubleValue("index.replication-ratio");
    int copies = intRange("index.max-copies", 1, 4096);
    VectorEncoding enc = wrap(() -> VectorEncoding.parse(string("index.encoding")));
    int m = intRange("index.hnsw-m", 2, 512);
    int beam = intRange("index.hnsw-beam-width", 1, 3200);
    int batch = intRange("index.embed-batch-size", 1, 4096);
    return wrap(
        () ->
            new IndexBuildSettings(
                experts, iterations, seed, temperature, ratio, copies, enc, m, beam, batch));
  }

  public EmbedderConfig embedder() {
    String model = string("embedder.model-path");
    String tok = string("embedder.tokenizer-path");
    String pooling = string("embedder.pooling");
    boolean normalize = bool("embedder.normalize");
    int maxTokens = intRange("embedder.max-tokens", 8, 8192);
    int threads = intRange("embedder.intra-op-threads", 1, 256);
    return wrap(
        () ->
            new EmbedderConfig(
                model.isEmpty() ? null : model,
                tok.isEmpty() ? null : tok,
                pooling,
                normalize,
                maxTokens,
                threads));
  }

  public RoutingConfig routing() {
    double t = doubleValue("routing.temperature");
    double a = doubleValue("routing.activation");
    int min = intRange("routing.min-experts", 1, 4096);
    int max = intRange("routing.max-experts", 1, 4096);
    return wrap(() -> new RoutingConfig(t, new ActivationRule(a, min, max)));
  }

  /**
   * Load- and complexity-aware routing ({@code routing.*}): the serving routing, the balance term
   * α, the load half-life, and the fast path for confident queries.
   */
  public io.moesearch.core.gate.LoadAwareRoutingConfig loadAwareRouting() {
    RoutingConfig base = routing();
    double alpha = doubleValue("routing.balance-alpha");
    long halfLife = longRange("routing.load-half-life-ms", 1, 86_400_000L * 365);
    double threshold = doubleValue("routing.complexity-threshold");
    double fastActivation = doubleValue("routing.fast-activation");
    int fastMax = intRange("routing.fast-max-experts", 1, 4096);
    int fastOversample = intRange("routing.fast-oversample", 1, 1000);
    int oversample = oversample();
    return wrap(
        () ->
            new io.moesearch.core.gate.LoadAwareRoutingConfig(
                base,
                alpha,
                halfLife,
                threshold,
                wrap(
                    () ->
                        new ActivationRule(
                            fastActivation,
                            Math.min(base.activation().minExperts(), fastMax),
                            fastMax)),
                oversample,
                fastOversample));
  }

  /** Settings of the gate re-learning ({@code routing update}): {@code routing.update-*}. */
  public io.moesearch.core.gate.GateTrainer.Settings gateTraining() {
    double t = doubleValue("routing.temperature");
    int epochs = intRange("routing.update-epochs", 1, 10_000);
    double lr = doubleValue("routing.update-learning-rate");
    double l2 = doubleValue("routing.update-l2");
    long seed = longValue("routing.update-seed");
    return wrap(() -> new io.moesearch.core.gate.GateTrainer.Settings(t, epochs, lr, l2, 64, seed));
  }

  /**
   * The embedding dimension the served index must have: 384 for the bundled model; 0 (not checked
   * here, the operators check it when they load the model) for a custom model.
   */
  public int embedderDimension() {
    return embedder().modelPath() == null ? 384 : 0;
  }

  /** The ranking settings: hybrid (dense + BM25 fused) or dense only, depths and fusion weights. */
  public io.moesearch.operators.RankingSettings ranking() {
    String mode = oneOf("ranking.mode", "hybrid", "dense");
    int dense = intRange("ranking.dense-depth", 1, 1000);
    int lexical = intRange("ranking.lexical-depth", 1, 10_000);
    String[] parts = string("ranking.weights").split(",");
    int n = io.moesearch.core.rank.RankingFeatures.NAMES.size();
    if (parts.length != n) {
      throw new ConfigException(
          "ranking.weights must list "
              + n
              + " numbers ("
              + String.join(", ", io.moesearch.core.rank.RankingFeatures.NAMES)
              + "), got '"
              + string("ranking.weights")
              + "'");
    }
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      try {
        w[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new ConfigException("ranking.weights: '" + parts[i].trim() + "' is not a number");
      }
    }
    double floor = doubleValue("ranking.min-similarity");
    if (!(floor >= -1 && floor <= 1)) {
      throw new ConfigException("ranking.min-similarity must be in [-1, 1], got " + floor);
    }
    return new io.moesearch.operators.RankingSettings(
        mode.equals("hybrid"), dense, lexical, new io.moesearch.core.rank.LinearFusion(w), floor);
  }

  /** The cache levels' sizes and lifetimes and the coalescing wait ({@code cache.*}). */
  public io.moesearch.operators.CacheSettings cache() {
    long l1 = longRange("cache.l1-max-entries", 1, 1L << 40);
    long l1Ttl = longRange("cache.l1-ttl-ms", 1, Long.MAX_VALUE / 4);
    long l2Ttl = longRange("cache.l2-ttl-ms", 1, Long.MAX_VALUE / 4);
    long l3Ttl = longRange("cache.l3-ttl-ms", 1, Long.MAX_VALUE / 4);
    long wait = longRange("cache.coalesce-wait-ms", 1, 600_000);
    return wrap(() -> new io.moesearch.operators.CacheSettings(l1, l1Ttl, l2Ttl, l3Ttl, wait));
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
    String file = string("cache.fill-key-file");
    if (file.isEmpty()) {
      throw new ConfigException("cache.fill-key-file must be set");
    }
    try {
      return FillSigner.fromKeyFile(Path.of(file), true);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cache.fill-key-file: " + e.getMessage());
    }
  }

  /** How often the job reads {@code index.root/LATEST} for a new version; 0 = never. */
  public long indexWatchIntervalMillis() {
    return longRange("index.watch-interval-ms", 0, 86_400_000L);
  }

  /**
   * {@code routing.replica-slots}: serving slots of the replicated expert layout that {@code
   * routing update} writes; 0 = no layout (one copy per expert).
   */
  public int replicaSlots() {
    return intRange("routing.replica-slots", 0, 65_536);
  }

  /** {@code routing.min-replicas}: replicas every expert gets in that layout. */
  public int minReplicas() {
    int slots = replicaSlots();
    return intRange("routing.min-replicas", 1, Math.max(1, slots == 0 ? 65_536 : slots));
  }

  /**
   * {@code routing.replica-headroom}: the most headroom tried, in Poisson standard deviations of a
   * window busier than the log predicts (layouts for 0, 1, … this are planned and the best on the
   * log's windows kept, see {@code ExpertPlacement.planBest}); 0 = expected share only.
   */
  public double replicaHeadroom() {
    double z = doubleValue("routing.replica-headroom");
    if (!(z >= 0 && z <= 100)) {
      throw new ConfigException("routing.replica-headroom must be in 0..100, got " + z);
    }
    return z;
  }

  /**
   * {@code routing.replica-window-events}: queries per balancing window the layout's headroom is
   * sized for (the query log's frequencies are scaled to it).
   */
  public int replicaWindowEvents() {
    return intRange("routing.replica-window-events", 1, 100_000_000);
  }

  /** How often a busy expert publishes its load statistics. */
  public long statsIntervalMillis() {
    return longRange("routing.stats-interval-ms", 100, 86_400_000L);
  }

  public int oversample() {
    return intRange("retrieval.oversample", 1, 1000);
  }

  /**
   * The Kafka settings ({@code kafka.*} keys, with {@code kafka.properties.*} passed through to
   * every client); {@code kafka.bootstrap-servers} must be set.
   */
  public io.moesearch.connectors.kafka.KafkaSettings kafka() {
    Map<String, String> m = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith("kafka.") && !v.isEmpty()) {
            m.put(k, v);
          }
        });
    kafkaProperties.forEach((k, v) -> m.put("kafka.properties." + k, v));
    return wrap(() -> io.moesearch.connectors.kafka.KafkaSettings.fromMap(m));
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

  /** All settings, for logging and the README reference. */
  public Map<String, String> asMap() {
    return values;
  }
}
