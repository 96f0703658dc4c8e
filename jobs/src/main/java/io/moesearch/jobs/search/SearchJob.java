package io.moesearch.jobs.search;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.kafka.KafkaSettings;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.operators.EmbedQueries;
import io.moesearch.operators.EmbeddedQuery;
import io.moesearch.operators.ExpertRequest;
import io.moesearch.operators.ExpertRetrieval;
import io.moesearch.operators.MergePartials;
import io.moesearch.operators.ParseQueries;
import io.moesearch.operators.PartialResult;
import io.moesearch.operators.RouteQueries;
import io.moesearch.state.StateBackends;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The streaming search job: Kafka queries → parse/validate (dead letters to a side output) → embed
 * (async, micro-batched) → MoE route → {@code keyBy(expert)} HNSW retrieval → {@code
 * keyBy(query_id)} merge + exact rerank → Kafka results. Sources and sinks are arguments, so tests
 * and the demo wire their own.
 */
public final class SearchJob {
  private SearchJob() {}

  /** The artifact the job serves, resolved once so every operator opens the same version. */
  public static IndexArtifact resolveArtifact(MoeSearchConfig config) {
    return IndexArtifact.load(
            IndexArtifact.resolve(config.indexPath()).toAbsolutePath(), config.embedderDimension())
        .requireModel(config.embedder().modelId());
  }

  /** Flink configuration for the job: state backend, checkpointing, no Kryo fallback. */
  public static Configuration flinkConfiguration(MoeSearchConfig config) {
    Configuration conf = new Configuration();
    StateBackends.configure(
        conf,
        config.string("job.state-backend"),
        config.string("job.checkpoint-dir"),
        Duration.ofMillis(config.longRange("job.checkpoint-interval-ms", 100, 86_400_000L)));
    conf.setString("pipeline.generic-types", "false");
    // Network buffers are flushed at least this often: the latency floor of each keyBy hop.
    conf.setString(
        "execution.buffer-timeout.interval",
        config.longRange("job.buffer-timeout-ms", 0, 10_000) + " ms");
    conf.setString(
        "parallelism.default", Integer.toString(config.intRange("job.parallelism", 1, 1024)));
    return conf;
  }

  /**
   * Builds the query → result graph and returns the result stream (the caller attaches the sink).
   */
  public static DataStream<SearchResult> results(
      StreamExecutionEnvironment env,
      MoeSearchConfig config,
      IndexArtifact artifact,
      Source<RawMessage, ?, ?> source,
      Sink<DeadLetter> deadLetters) {
    String artifactDir = artifact.dir().toString();
    QueryCodec codec =
        new QueryCodec(
            config.intRange("query.max-chars", 1, 100_000),
            config.intRange("query.max-bytes", 64, 10_000_000));
    int maxBatch = config.intRange("batch.max-size", 1, 4096);

    DataStream<RawMessage> raw =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "queries").uid("queries-source");
    SingleOutputStreamOperator<SearchQuery> parsed =
        raw.process(new ParseQueries(codec)).name("parse").uid("parse");
    parsed
        .getSideOutput(ParseQueries.DEAD_LETTERS)
        .sinkTo(deadLetters)
        .name("dead-letters")
        .uid("dead-letters-sink");

    DataStream<EmbeddedQuery> embedded =
        AsyncDataStream.unorderedWait(
                parsed,
                new EmbedQueries(
                    config.embedder(),
                    maxBatch,
                    config.intRange("batch.model-batch-size", 1, maxBatch),
                    config.longRange("batch.max-wait-ms", 0, 60_000)),
                60,
                TimeUnit.SECONDS,
                maxBatch * 4)
            .name("embed")
            .uid("embed");
    DataStream<ExpertRequest> routed =
        embedded
            .flatMap(new RouteQueries(artifactDir, config.routing(), config.ranking().hybrid()))
            .name("route")
            .uid("route");
    DataStream<PartialResult> partials =
        routed
            .keyBy(ExpertRequest::expert)
            .process(new ExpertRetrieval(artifactDir, config.oversample(), config.ranking()))
            .name("expert-retrieval")
            .uid("expert-retrieval");
    return partials
        .keyBy(MergePartials::key)
        .process(
            new MergePartials(
                artifact.version(),
                config.longRange("merge.timeout-ms", 10, 600_000),
                config.ranking()))
        .name("merge-rerank")
        .uid("merge-rerank");
  }

  /** Wires the whole job, results included. */
  public static void build(
      StreamExecutionEnvironment env,
      MoeSearchConfig config,
      IndexArtifact artifact,
      Source<RawMessage, ?, ?> source,
      Sink<SearchResult> results,
      Sink<DeadLetter> deadLetters) {
    results(env, config, artifact, source, deadLetters)
        .sinkTo(results)
        .name("results")
        .uid("results-sink");
  }

  /** Wires the job against Kafka as configured. */
  public static void buildForKafka(
      StreamExecutionEnvironment env, MoeSearchConfig config, IndexArtifact artifact) {
    KafkaSettings kafka = config.kafka();
    build(
        env,
        config,
        artifact,
        KafkaIO.querySource(kafka),
        KafkaIO.resultSink(kafka),
        KafkaIO.deadLetterSink(kafka));
  }

  /**
   * Cluster entry point ({@code flink run -c io.moesearch.jobs.search.SearchJob job.jar --config
   * FILE [--set key=value ...]}).
   */
  public static void main(String[] args) throws Exception {
    Path configFile = null;
    java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> configFile = Path.of(args[++i]);
        case "--set" -> {
          String kv = args[++i];
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--set takes key=value, got '" + kv + "'");
          }
          overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default ->
            throw new IllegalArgumentException(
                "unknown argument " + args[i] + " (use --config FILE and --set key=value)");
      }
    }
    MoeSearchConfig config = MoeSearchConfig.load(configFile, overrides);
    IndexArtifact artifact = resolveArtifact(config);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(config));
    buildForKafka(env, config, artifact);
    env.execute(config.string("job.name") + " " + artifact.version());
  }
}
