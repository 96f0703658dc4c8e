package io.moesearch.jobs.search;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.kafka.KafkaSettings;
import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.CatalogUpdateCodec;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.ExpertStats;
import io.moesearch.connectors.message.QueryCodec;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.jobs.config.BatchOptions;
import io.moesearch.jobs.config.CacheOptions;
import io.moesearch.jobs.config.CatalogOptions;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.IndexOptions;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MergeOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.config.OverloadOptions;
import io.moesearch.operators.AcceptedQuery;
import io.moesearch.operators.ApplyCatalogUpdates;
import io.moesearch.operators.ApplyCatalogUpdatesOperator;
import io.moesearch.operators.CacheHits;
import io.moesearch.operators.CacheInput;
import io.moesearch.operators.CacheLookup;
import io.moesearch.operators.CatalogChange;
import io.moesearch.operators.EmbedProducts;
import io.moesearch.operators.EmbedQueries;
import io.moesearch.operators.EmbeddedQuery;
import io.moesearch.operators.ExpertRequest;
import io.moesearch.operators.ExpertRetrieval;
import io.moesearch.operators.MergePartials;
import io.moesearch.operators.ParseCacheFills;
import io.moesearch.operators.ParseCatalogUpdates;
import io.moesearch.operators.ParseQueries;
import io.moesearch.operators.PartialResult;
import io.moesearch.operators.ProductUpdate;
import io.moesearch.operators.RouteQueries;
import io.moesearch.operators.SequenceCatalogUpdates;
import io.moesearch.operators.SlotDelta;
import io.moesearch.state.StateBackends;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The streaming search job: Kafka queries → parse/validate (dead letters to a side output) → {@code
 * keyBy(normalised text)} cache lookup (L1 heap, L2/L3 keyed state, coalescing; hits answered here)
 * → embed (async, micro-batched; skipped on an embedding hit) → MoE route → {@code keyBy(slot)} (an
 * expert replica) HNSW retrieval → {@code keyBy(query_id)} merge + exact rerank → Kafka results,
 * and cache fills back to the cache through the cache-fill topic. Sources and sinks are arguments,
 * so tests and the demo wire their own.
 */
public final class SearchJob {
  private SearchJob() {}

  /** The artifact the job serves, resolved once so every operator opens the same version. */
  public static IndexArtifact resolveArtifact(MoeSearchConfig config) {
    return IndexArtifact.load(
            IndexArtifact.resolve(config.indexPath()).toAbsolutePath(), config.embedderDimension())
        .requireModel(config.embedder().modelId());
  }

  /**
   * Flink configuration for the job: state backend, checkpointing, no Kryo fallback, parallelism
   * and max parallelism ({@code job.max-parallelism}).
   */
  public static Configuration flinkConfiguration(MoeSearchConfig config) {
    Configuration conf = new Configuration();
    StateBackends.configure(
        conf,
        config.get(JobOptions.STATE_BACKEND),
        config.get(JobOptions.CHECKPOINT_DIR),
        Duration.ofMillis(config.get(JobOptions.CHECKPOINT_INTERVAL_MS)),
        config.get(JobOptions.STATE_CHANGELOG));
    boolean unaligned = config.get(JobOptions.UNALIGNED_CHECKPOINTS);
    conf.set(CheckpointingOptions.ENABLE_UNALIGNED, unaligned);
    // Flink refuses unaligned checkpoints in a job with a custom partitioner unless forced: on a
    // rescale it restores such an edge's in-flight records to every subtask, each keeping those the
    // partitioner sends it, which is right only for a deterministic partitioner. The job's one is
    // the hit path's (CacheHits.PARTITIONER: the text's hash modulo the subtasks), deterministic.
    conf.set(CheckpointingOptions.FORCE_UNALIGNED, unaligned);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // Network buffers are flushed at least this often: the latency floor of each keyBy hop.
    conf.set(
        ExecutionOptions.BUFFER_TIMEOUT,
        Duration.ofMillis(config.get(JobOptions.BUFFER_TIMEOUT_MS)));
    conf.set(CoreOptions.DEFAULT_PARALLELISM, config.get(JobOptions.PARALLELISM));
    // Set, not derived from the first run's parallelism: a savepoint restores only with the key
    // groups it was taken with, and they bound every parallelism it can be rescaled to.
    conf.set(PipelineOptions.MAX_PARALLELISM, config.get(JobOptions.MAX_PARALLELISM));
    return conf;
  }

  /** The cache's Kafka side: where fills come from and where computed ones go. */
  public record CacheIo(Source<RawMessage, ?, ?> fills, Sink<CacheFill> sink) {
    public CacheIo {
      if (fills == null || sink == null) {
        throw new IllegalArgumentException("the cache-fill source and sink are both required");
      }
    }
  }

  /**
   * The computing part of the graph: results, cache fills of what was computed (or {@code null}),
   * the experts' load statistics, and the dead letters of queries that could not be routed or
   * merged (each also answered, as failed).
   */
  public record Computed(
      DataStream<SearchResult> results,
      DataStream<CacheFill> fills,
      DataStream<ExpertStats> stats,
      DataStream<DeadLetter> deadLetters) {}

  /**
   * Builds the query → result graph without caching and returns the result stream (the caller
   * attaches the sink).
   */
  public static DataStream<SearchResult> results(
      StreamExecutionEnvironment env,
      MoeSearchConfig config,
      IndexArtifact artifact,
      Source<RawMessage, ?, ?> source,
      Sink<DeadLetter> deadLetters) {
    return results(env, config, artifact, source, deadLetters, null, null);
  }

  /**
   * Builds the query → result graph and returns the result stream (the caller attaches the sink).
   * With {@code cache} (and {@code cache.enabled}), queries go through the {@link CacheLookup}
   * first, and every computed result and embedding is written to the cache-fill sink (one record
   * per computed query: the embedding rides with the result or release), which the lookup reads
   * back from the fill source.
   */
  public static DataStream<SearchResult> results(
      StreamExecutionEnvironment env,
      MoeSearchConfig config,
      IndexArtifact artifact,
      Source<RawMessage, ?, ?> source,
      Sink<DeadLetter> deadLetters,
      CacheIo cache,
      Sink<ExpertStats> stats) {
    return results(env, config, artifact, source, deadLetters, cache, stats, null);
  }

  /**
   * Builds the query → result graph as {@link #results(StreamExecutionEnvironment, MoeSearchConfig,
   * IndexArtifact, Source, Sink, CacheIo, Sink)} does, with the live catalogue when {@code catalog}
   * (the catalogue-update topic's records) is given: updates are validated (dead letters beside the
   * queries'), embedded in-stream with the serving model (ordered async I/O), applied per product
   * in {@code ts} order and fanned out to the retrieval operator's slots as their live delta.
   */
  public static DataStream<SearchResult> results(
      StreamExecutionEnvironment env,
      MoeSearchConfig config,
      IndexArtifact artifact,
      Source<RawMessage, ?, ?> source,
      Sink<DeadLetter> deadLetters,
      CacheIo cache,
      Sink<ExpertStats> stats,
      Source<RawMessage, ?, ?> catalog) {
    QueryCodec codec = config.queryCodec();
    DataStream<RawMessage> raw =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "queries").uid("queries-source");
    SingleOutputStreamOperator<AcceptedQuery> parsed =
        raw.process(new ParseQueries(codec)).name("parse").uid("parse");
    DataStream<DeadLetter> dead = parsed.getSideOutput(ParseQueries.DEAD_LETTERS);
    DataStream<SlotDelta> deltas = null;
    DataStream<CatalogChange> changes = null;
    if (catalog != null) {
      SingleOutputStreamOperator<ProductUpdate> updates =
          env.fromSource(catalog, WatermarkStrategy.noWatermarks(), "catalog-updates")
              .uid("catalog-updates-source")
              .process(new ParseCatalogUpdates(CatalogUpdateCodec.withDefaults()))
              .name("parse-catalog-updates")
              .uid("parse-catalog-updates");
      dead = dead.union(updates.getSideOutput(ParseQueries.DEAD_LETTERS));
      SingleOutputStreamOperator<SlotDelta> applied = liveDeltas(config, artifact, updates);
      deltas = applied;
      changes = applied.getSideOutput(ApplyCatalogUpdates.CHANGES);
    }
    if (cache == null || !config.get(CacheOptions.ENABLED)) {
      Computed computed = compute(config, artifact, parsed, null, false, deltas, changes);
      dead.union(computed.deadLetters())
          .sinkTo(deadLetters)
          .name("dead-letters")
          .uid("dead-letters-sink");
      sinkStats(computed, stats);
      return computed.results();
    }
    SingleOutputStreamOperator<CacheFill> fills =
        env.fromSource(cache.fills(), WatermarkStrategy.noWatermarks(), "cache-fills")
            .uid("cache-fills-source")
            .process(
                new ParseCacheFills(
                    config.get(CacheOptions.FILL_MAX_BYTES),
                    config.fillSigner(),
                    artifact.manifest().dimension()))
            .name("parse-cache-fills")
            .uid("parse-cache-fills");
    // The hit path is two hops (parse → lookup → sink) of tiny records: flush them promptly
    // rather than after job.buffer-timeout-ms, so a hit's latency is not the buffer timeout.
    long hitFlush = config.get(CacheOptions.BUFFER_TIMEOUT_MS);
    parsed.setBufferTimeout(hitFlush);
    DataStream<CatalogChange> cacheChanges =
        changes != null
            ? changes
            : fills
                .flatMap(new NoChanges<CacheFill>())
                .returns(CatalogChange.class)
                .name("no-catalog-changes")
                .uid("no-catalog-changes");
    DataStream<CacheInput> cacheInput =
        parsed
            .map(CacheInput::of)
            .returns(CacheInput.class)
            .name("queries-to-cache")
            .uid("queries-to-cache")
            .union(
                fills
                    .map(CacheInput::of)
                    .returns(CacheInput.class)
                    .name("fills-to-cache")
                    .uid("fills-to-cache"));
    // L1 hits are answered in a task without keyed (RocksDB) state: no checkpoint of the state the
    // misses write can stop them (CacheHits). The rest goes on to the lookup.
    SingleOutputStreamOperator<SearchResult> l1Hits =
        cacheInput
            .partitionCustom(CacheHits.PARTITIONER, CacheInput::key)
            .connect(
                cacheChanges.broadcast(
                    CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES))
            .process(
                new CacheHits(
                        artifact.version(),
                        artifact.manifest().modelId(),
                        config.cache(),
                        artifact.dir().toAbsolutePath().toString(),
                        watchRoot(config),
                        config.indexWatchIntervalMillis())
                    .expandingQueries(config.ranking().expansion())
                    .rankedBy(config.rankingFingerprint())
                    .fusedWith(config.ranking().fusion()))
            .name("cache-hits")
            .uid("cache-hits")
            .setBufferTimeout(hitFlush);
    SingleOutputStreamOperator<SearchResult> hits =
        l1Hits
            .getSideOutput(CacheHits.FORWARD)
            .keyBy(CacheInput::key)
            .connect(
                cacheChanges.broadcast(
                    CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES))
            .process(
                new CacheLookup(
                        artifact.version(),
                        artifact.manifest().modelId(),
                        config.cache(),
                        artifact.dir().toAbsolutePath().toString(),
                        watchRoot(config),
                        config.indexWatchIntervalMillis())
                    .deadLettersFrom(config.kafka().queryTopic())
                    .expandingQueries(config.ranking().expansion())
                    .rankedBy(config.rankingFingerprint())
                    .fusedWith(config.ranking().fusion())
                    .behindHits())
            .name("cache-lookup")
            .uid("cache-lookup")
            .setBufferTimeout(hitFlush);
    Computed computed =
        compute(
            config,
            artifact,
            hits.getSideOutput(CacheLookup.MISSES),
            hits.getSideOutput(CacheLookup.EMBEDDED),
            true,
            deltas,
            changes);
    computed
        .fills()
        .union(hits.getSideOutput(CacheLookup.PROMOTIONS))
        .sinkTo(cache.sink())
        .name("cache-fill-sink")
        .uid("cache-fill-sink");
    dead.union(
            fills.getSideOutput(ParseQueries.DEAD_LETTERS),
            hits.getSideOutput(CacheLookup.DEAD_LETTERS),
            computed.deadLetters())
        .sinkTo(deadLetters)
        .name("dead-letters")
        .uid("dead-letters-sink");
    sinkStats(computed, stats);
    return l1Hits.union(hits, computed.results());
  }

  /**
   * The live catalogue branch: validated updates numbered per product in arrival order; upserts
   * embedded with the serving model (async I/O), patches and deletes straight on, so they never
   * wait behind other products' embeddings; applied per product id in number order (an update
   * overtaking an earlier one of its product waits for it), then in {@code ts} order, fanned out to
   * the serving slots.
   */
  /**
   * The async I/O timeout of {@code embed-products}, which fails its task on purpose (no upsert is
   * dropped): an upsert's whole wait counts, the queue ahead of it included.
   */
  static final int EMBED_PRODUCTS_TIMEOUT_SECONDS = 60;

  /**
   * At most this many upserts are in {@code embed-products} at once (back pressure beyond): at the
   * slowest index-build rate measured on this machine type (46 products/s, docs/benchmarks.md) they
   * embed in about 11 s, well inside {@link #EMBED_PRODUCTS_TIMEOUT_SECONDS}. Four batches of
   * {@code batch.max-size} 4096 in flight (16,384 upserts, about 356 s at that rate) failed the
   * task on a burst, and again after every restart.
   */
  static final int MAX_PRODUCTS_IN_FLIGHT = 512;

  /**
   * Upserts in {@code embed-products} at once: four batches, at most {@link
   * #MAX_PRODUCTS_IN_FLIGHT}.
   */
  static int productsInFlight(int maxBatch) {
    return Math.min(maxBatch * 4, MAX_PRODUCTS_IN_FLIGHT);
  }

  static SingleOutputStreamOperator<SlotDelta> liveDeltas(
      MoeSearchConfig config, IndexArtifact artifact, DataStream<ProductUpdate> updates) {
    int maxBatch = config.get(BatchOptions.MAX_SIZE);
    SingleOutputStreamOperator<ProductUpdate> numbered =
        updates
            .keyBy(ProductUpdate::productId)
            .process(new SequenceCatalogUpdates())
            .name("sequence-catalog-updates")
            .uid("sequence-catalog-updates");
    DataStream<ProductUpdate> embedded =
        AsyncDataStream.unorderedWait(
                numbered,
                new EmbedProducts(
                    config.embedder(),
                    maxBatch,
                    config.get(BatchOptions.MODEL_BATCH_SIZE),
                    config.get(BatchOptions.MAX_WAIT_MS)),
                EMBED_PRODUCTS_TIMEOUT_SECONDS,
                TimeUnit.SECONDS,
                productsInFlight(maxBatch))
            .name("embed-products")
            .uid("embed-products");
    return embedded
        .union(numbered.getSideOutput(SequenceCatalogUpdates.NO_EMBEDDING))
        .keyBy(ProductUpdate::productId)
        .transform(
            "apply-catalog-updates",
            TypeInformation.of(SlotDelta.class),
            new ApplyCatalogUpdatesOperator(
                new ApplyCatalogUpdates(
                    artifact.dir().toString(),
                    watchRoot(config),
                    Math.max(1, config.indexWatchIntervalMillis()),
                    config.get(CatalogOptions.TOMBSTONE_TTL_MS))))
        .name("apply-catalog-updates")
        .uid("apply-catalog-updates");
  }

  private static void sinkStats(Computed computed, Sink<ExpertStats> stats) {
    if (stats != null) {
      computed.stats().sinkTo(stats).name("expert-stats-sink").uid("expert-stats-sink");
    }
  }

  /**
   * The index root whose {@code LATEST} the job follows (new gate or index versions are swapped in
   * without a restart), or {@code null} when {@code index.path} pins one artifact or watching is
   * off ({@code index.watch-interval-ms: 0}).
   */
  static String watchRoot(MoeSearchConfig config) {
    if (!config.get(IndexOptions.PATH).isEmpty() || config.indexWatchIntervalMillis() == 0) {
      return null;
    }
    return config.indexRoot().toAbsolutePath().toString();
  }

  /**
   * Embeds (unless the embedding came from the cache), routes, retrieves and ranks: the path every
   * computed result takes, in the streaming job and in the prewarm job alike.
   *
   * @param cachedEmbeddings queries whose embedding came from the cache, or {@code null}
   * @param fills also return cache fills of computed results and embeddings
   */
  public static Computed compute(
      MoeSearchConfig config,
      IndexArtifact artifact,
      DataStream<AcceptedQuery> queries,
      DataStream<EmbeddedQuery> cachedEmbeddings,
      boolean fills) {
    return compute(config, artifact, queries, cachedEmbeddings, fills, null, null);
  }

  /**
   * As {@link #compute(MoeSearchConfig, IndexArtifact, DataStream, DataStream, boolean)}, with the
   * live catalogue's slot deltas ({@code null}: none, the artifact as built) and the changes they
   * carry, which the merge checks every answer against ({@code null}: none).
   */
  public static Computed compute(
      MoeSearchConfig config,
      IndexArtifact artifact,
      DataStream<AcceptedQuery> queries,
      DataStream<EmbeddedQuery> cachedEmbeddings,
      boolean fills,
      DataStream<SlotDelta> deltas,
      DataStream<CatalogChange> changes) {
    String artifactDir = artifact.dir().toString();
    int maxBatch = config.get(BatchOptions.MAX_SIZE);
    boolean overload = config.get(OverloadOptions.ENABLED);
    long overloadMaxWait = overload ? config.get(OverloadOptions.MAX_WAIT_MS) : 0;
    // Exactly-once publishes no answer twice: a replay there may degrade like any query.
    long replayFullQuality =
        config.kafka().deliveryGuarantee() == DeliveryGuarantee.AT_LEAST_ONCE
            ? config.get(OverloadOptions.REPLAY_FULL_QUALITY_MS)
            : 0;
    DataStream<EmbeddedQuery> embedded =
        AsyncDataStream.unorderedWait(
                queries,
                new EmbedQueries(
                    config.embedder(),
                    maxBatch,
                    config.get(BatchOptions.MODEL_BATCH_SIZE),
                    config.get(BatchOptions.MAX_WAIT_MS),
                    overloadMaxWait,
                    replayFullQuality),
                60,
                TimeUnit.SECONDS,
                EmbedQueries.capacity(maxBatch, overload))
            .name("embed")
            .uid("embed");
    LoadAwareRoutingConfig routing = config.loadAwareRouting();
    DataStream<EmbeddedQuery> toRoute =
        cachedEmbeddings == null ? embedded : embedded.union(cachedEmbeddings);
    RouteQueries router =
        new RouteQueries(
                artifactDir,
                routing,
                config.ranking().hybrid(),
                watchRoot(config),
                config.indexWatchIntervalMillis())
            .deadLettersFrom(config.kafka().queryTopic());
    ExpertRetrieval retrieval =
        new ExpertRetrieval(
            artifactDir,
            config.oversample(),
            config.ranking(),
            routing.loadHalfLifeMs(),
            config.statsIntervalMillis(),
            watchRoot(config));
    String modelId = artifact.manifest().modelId();
    int fillMaxBytes = config.get(CacheOptions.FILL_MAX_BYTES);
    if (fills) {
      // One record per computed query: its embedding rides with its answer's result fill or
      // release (one partial carries it to the merge), or with the router's release of a query
      // it answers itself.
      router.writingEmbeddings(modelId, fillMaxBytes);
      retrieval.carryingQueryVectors();
    }
    long maxSojourn = overload ? config.get(OverloadOptions.MAX_SOJOURN_MS) : 0;
    if (maxSojourn > 0) {
      // EmbedQueries bounds the model's queue; these bound the wait after it (Sojourn).
      router.overloadAfter(maxSojourn, replayFullQuality);
      retrieval.shedAfter(maxSojourn, replayFullQuality);
    }
    // The router counts a filtered query's matches with the applied catalogue changes.
    SingleOutputStreamOperator<ExpertRequest> routed =
        toRoute
            .connect(
                (changes != null
                        ? changes
                        : toRoute
                            .flatMap(new NoChanges<EmbeddedQuery>())
                            .returns(CatalogChange.class)
                            .name("no-catalog-changes-to-route")
                            .uid("no-catalog-changes-to-route"))
                    .broadcast(RouteQueries.LISTINGS))
            .process(router)
            .name("route")
            .uid("route");
    DataStream<SlotDelta> slotDeltas =
        deltas != null
            ? deltas
            : routed
                .flatMap(new NoDeltas())
                .returns(SlotDelta.class)
                .name("no-catalog-updates")
                .uid("no-catalog-updates");
    SingleOutputStreamOperator<PartialResult> partials =
        routed
            .keyBy(ExpertRequest::slot)
            .connect(slotDeltas.keyBy(SlotDelta::slot))
            .process(retrieval)
            .name("expert-retrieval")
            .uid("expert-retrieval");
    MergePartials merge =
        new MergePartials(
                artifact.version(),
                config.get(MergeOptions.TIMEOUT_MS),
                config.ranking(),
                fills,
                MergePartials.defaultAnsweredRetention(config.get(MergeOptions.TIMEOUT_MS)),
                replayFullQuality)
            .rankedBy(config.rankingFingerprint())
            .deadLettersFrom(config.kafka().queryTopic());
    if (fills) {
      merge.writingEmbeddings(modelId, fillMaxBytes);
    }
    SingleOutputStreamOperator<SearchResult> results =
        partials
            .keyBy(MergePartials::key)
            .connect(
                (changes != null
                        ? changes
                        : routed
                            .flatMap(new NoChanges<ExpertRequest>())
                            .returns(CatalogChange.class)
                            .name("no-catalog-changes-to-merge")
                            .uid("no-catalog-changes-to-merge"))
                    .broadcast(MergePartials.FENCE_REMOVED, MergePartials.FENCE_PATCHES))
            .process(merge)
            .name("merge-rerank")
            .uid("merge-rerank");
    DataStream<ExpertStats> stats = partials.getSideOutput(ExpertRetrieval.STATS);
    DataStream<SearchResult> answers = results.union(routed.getSideOutput(RouteQueries.OVERLOADED));
    DataStream<DeadLetter> dead =
        routed
            .getSideOutput(RouteQueries.DEAD_LETTERS)
            .union(results.getSideOutput(MergePartials.DEAD_LETTERS));
    if (!fills) {
      return new Computed(answers, null, stats, dead);
    }
    // No operator of its own writes embedding fills any more (the stateless "embedding-fills",
    // removed: a savepoint holds no state of it): every embedding the model computes for the cache
    // reaches either the router's release or the merge, and goes in the same record.
    return new Computed(
        answers,
        results
            .getSideOutput(MergePartials.FILLS)
            .union(routed.getSideOutput(RouteQueries.RELEASES)),
        stats,
        dead);
  }

  /** Without a catalogue-update source: a delta stream that never emits. */
  private static final class NoDeltas implements FlatMapFunction<ExpertRequest, SlotDelta> {
    @Override
    public void flatMap(ExpertRequest value, Collector<SlotDelta> out) {}
  }

  /** Without a catalogue-update source: a change stream that never emits. */
  private static final class NoChanges<T> implements FlatMapFunction<T, CatalogChange> {
    @Override
    public void flatMap(T value, Collector<CatalogChange> out) {}
  }

  /** Wires the whole job, results included. */
  public static void build(
      StreamExecutionEnvironment env,
      MoeSearchConfig config,
      IndexArtifact artifact,
      Source<RawMessage, ?, ?> source,
      Sink<SearchResult> results,
      Sink<DeadLetter> deadLetters,
      CacheIo cache,
      Sink<ExpertStats> stats) {
    build(env, config, artifact, source, results, deadLetters, cache, stats, null);
  }

  /** Wires the whole job, results included, with the live catalogue when {@code catalog} is set. */
  public static void build(
      StreamExecutionEnvironment env,
      MoeSearchConfig config,
      IndexArtifact artifact,
      Source<RawMessage, ?, ?> source,
      Sink<SearchResult> results,
      Sink<DeadLetter> deadLetters,
      CacheIo cache,
      Sink<ExpertStats> stats,
      Source<RawMessage, ?, ?> catalog) {
    results(env, config, artifact, source, deadLetters, cache, stats, catalog)
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
        KafkaIO.deadLetterSink(kafka),
        new CacheIo(
            KafkaIO.cacheFillSource(kafka), KafkaIO.cacheFillSink(kafka, config.fillSigner())),
        KafkaIO.expertStatsSink(kafka),
        KafkaIO.catalogSource(kafka));
  }

  /** {@code args[i]}, the value of the flag before it, or a failure naming the flag. */
  private static String flagValue(String[] args, int i, String flag, String value) {
    if (i >= args.length) {
      throw new ConfigException(flag + " must be followed by " + value);
    }
    return args[i];
  }

  /**
   * Cluster entry point ({@code flink run -c io.moesearch.jobs.search.SearchJob job.jar --config
   * FILE [--set key=value ...]}).
   */
  public static void main(String[] args) throws Exception {
    Path configFile = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> configFile = Path.of(flagValue(args, ++i, "--config", "FILE"));
        case "--set" -> {
          String kv = flagValue(args, ++i, "--set", "key=value");
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
    // Before the job: a transaction timeout the broker refuses fails every sink in the running job.
    KafkaIO.requireTransactionTimeoutAccepted(config.kafka(), Duration.ofSeconds(10));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(config));
    buildForKafka(env, config, artifact);
    env.execute(config.get(JobOptions.NAME) + " " + artifact.version());
  }
}
