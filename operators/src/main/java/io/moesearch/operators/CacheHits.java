package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.cache.CacheKey;
import io.moesearch.core.cache.HeapCache;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.retrieval.QueryExpansion;
import io.moesearch.state.CachedEmbedding;
import io.moesearch.state.CachedResult;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's hit path: answers queries from an in-heap L1 of final results in a task that holds no
 * keyed state, so nothing the miss path writes can stop a hit. {@link CacheLookup} keeps L2, L3,
 * coalescing and admission in RocksDB, and every checkpoint stops its task for the synchronous part
 * of RocksDB's native checkpoint (tens to hundreds of milliseconds on saturated cores,
 * docs/benchmarks.md); a hit answered here waits for none of it. Not keyed: partitioned by
 * normalised text with {@link #PARTITIONER} (so a text's fills and queries meet in one subtask),
 * its only state is the catalogue-change broadcast state, shared with {@link CacheLookup}'s
 * descriptors.
 *
 * <p>A query is answered ({@link SearchResult#CACHE_L1}) when its L1 entry is of the served index
 * version and still coherent with the catalogue ({@link CatalogCoherence}: the same rules as {@link
 * CacheLookup}, live prices included). Everything else goes to {@link #FORWARD} for the lookup: L1
 * misses, queries asking for an explanation, entries the catalogue changed under (dropped from L1),
 * entries only the query's embedding could check (a product was upserted into one of its experts)
 * when this subtask has not seen that embedding, and every fill, after caching it: a result fill in
 * L1 when it is of the served version, names only served products and is coherent; an embedding of
 * the serving model (an embedding fill's, or the one a result fill carries) for those checks
 * (bounded like L1). No record fails the task: one this operator fails on is counted ({@code
 * cache.failures}), logged and forwarded.
 */
public final class CacheHits
    extends BroadcastProcessFunction<CacheInput, CatalogChange, SearchResult> {
  private static final Logger LOG = LoggerFactory.getLogger(CacheHits.class);

  /** What the lookup is to handle: queries not answered here, and every fill. */
  public static final OutputTag<CacheInput> FORWARD = new OutputTag<>("cache-forward") {};

  /** Partitions by normalised text ({@link CacheInput#key}): a text always meets one subtask. */
  public static final Partitioner<String> PARTITIONER =
      (key, partitions) -> Math.floorMod(key.hashCode(), partitions);

  private ServedIndex.Spec serving;
  private final CacheSettings settings;
  private final QueryFailures failures = new QueryFailures("cache-hits", null);
  private CacheLookup.QueryTerms queryTermsOf = UpsertSignature::queryTerms;
  private LinearFusion fusion;

  private transient ServedIndex served;
  private transient HeapCache<CachedResult> l1;
  private transient HeapCache<CachedEmbedding> vectors;
  private transient CatalogCoherence coherence;
  private transient Counter l1Hits;
  private transient Counter forwarded;
  private transient Histogram l1Latency;

  /**
   * @param indexVersion the version submitted with the job (see {@link ServedIndex})
   * @param modelId the embedding model's id
   * @param artifactDir the artifact served at start ({@code null}: products unchecked)
   * @param watchRoot an index root whose {@code LATEST} is followed, or {@code null}
   * @param watchIntervalMillis how often it is read; >= 1 when watching
   * @throws IllegalArgumentException on a blank version or model id, missing settings, or watching
   *     without an artifact or interval
   */
  public CacheHits(
      String indexVersion,
      String modelId,
      CacheSettings settings,
      String artifactDir,
      String watchRoot,
      long watchIntervalMillis) {
    this.serving =
        new ServedIndex.Spec(indexVersion, modelId, artifactDir, watchRoot, watchIntervalMillis);
    if (settings == null) {
      throw new IllegalArgumentException("cache settings are required");
    }
    this.settings = settings;
  }

  /**
   * Serves only results ranked with the settings whose fingerprint is {@code ranking} ({@code
   * MoeSearchConfig#rankingFingerprint}; {@link CacheFill#resultVersion}): a cached answer of the
   * same index ranked otherwise (restored from a checkpoint taken before the configuration changed,
   * or filled by a job configured apart) is dropped, not served.
   *
   * @throws IllegalArgumentException when {@code ranking} is not letters and digits
   */
  public CacheHits rankedBy(String ranking) {
    serving = serving.rankedBy(ranking);
    return this;
  }

  /**
   * Judges whether a product upserted after a cached answer could reach its top k with {@code
   * fusion}, the fusion that ranked it ({@code ranking.weights}; the answer's {@link
   * io.moesearch.core.rank.EntryCut}). Without, a new product that would enter an answer's BM25
   * candidates makes it stale, as one sharing a term with the query once did.
   */
  public CacheHits fusedWith(LinearFusion fusion) {
    this.fusion = fusion;
    return this;
  }

  /** As {@link CacheLookup#expandingQueries}: judged by the terms the lexical branch searches. */
  public CacheHits expandingQueries(QueryExpansion expansion) {
    queryTermsOf = new CacheLookup.SearchedTerms(expansion);
    return this;
  }

  @Override
  public void open(OpenContext ctx) {
    served = serving.open();
    l1 = settings.newL1();
    vectors =
        new HeapCache<>(
            settings.l1MaxEntries(),
            settings.l1MaxBytes(),
            Duration.ofMillis(settings.l1TtlMillis()),
            e -> 64 + 16 + 4L * e.vector().length);
    var metrics = getRuntimeContext().getMetricGroup().addGroup("cache");
    coherence = new CatalogCoherence(settings, queryTermsOf, fusion, metrics);
    l1Hits = metrics.counter("l1Hits");
    forwarded = metrics.counter("forwarded");
    l1Latency = metrics.histogram("l1LatencyMs", new DescriptiveStatisticsHistogram(1000));
    metrics.gauge("l1Entries", () -> l1.size());
    failures.open(metrics, "failures");
  }

  @Override
  public void close() throws Exception {
    if (served != null) {
      served.close();
    }
    String summary = coherence == null ? null : coherence.summary();
    if (summary != null) {
      LOG.info("hit path: {}", summary);
    }
    super.close();
  }

  @Override
  public void processElement(CacheInput in, ReadOnlyContext ctx, Collector<SearchResult> out)
      throws Exception {
    boolean answered = false;
    try {
      served.poll();
      answered = in.query() != null ? query(in.query(), ctx, out) : cacheFill(in.fill(), ctx);
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failures.record(
          LOG, in.query() != null ? "query " + in.query().query().queryId() : "a fill", e);
    }
    if (!answered) {
      forwarded.inc();
      ctx.output(FORWARD, in);
    }
  }

  @Override
  public void processBroadcastElement(CatalogChange c, Context ctx, Collector<SearchResult> out)
      throws Exception {
    try {
      coherence.record(c, ctx::getBroadcastState);
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failures.record(LOG, "the catalogue change of product " + c.productId(), e);
    }
  }

  /** True when answered from L1. */
  private boolean query(AcceptedQuery q, ReadOnlyContext ctx, Collector<SearchResult> out)
      throws Exception {
    if (q.query().explain()) {
      return false;
    }
    String text = CacheLookup.key(q);
    String full = text + '\u0001' + CacheLookup.variant(text, q.query());
    CachedResult hit = l1.get(full, served.version());
    if (hit == null) {
      return false;
    }
    CachedResult live =
        coherence.current(
            hit,
            text,
            q.query().filters(),
            true,
            CatalogCoherence.views(ctx::getBroadcastState),
            vectorOf(text),
            System.currentTimeMillis());
    if (live == CatalogCoherence.UNDECIDED_RESULT) {
      return false; // the lookup checks it with the query's embedding
    }
    if (live == null) {
      coherence.staleByCatalog.inc();
      l1.invalidate(full);
      return false;
    }
    if (live != hit) {
      l1.replace(full, live); // re-dated or livened: the same answer, its expiry kept
    }
    l1Hits.inc();
    CacheLookup.answer(q, live, SearchResult.CACHE_L1, out, l1Latency);
    return true;
  }

  /** The text's cached embedding of the serving model, for the coherence check. */
  private CatalogCoherence.QueryVector vectorOf(String text) {
    CachedEmbedding e = vectors.get(text, serving.modelId());
    return e == null ? CatalogCoherence.NO_VECTOR : e::vector;
  }

  /**
   * Caches a result fill in L1 when it may be served, and an embedding of the serving model (an
   * embedding fill's, or the one a result fill carries) for the coherence check; never answers
   * (always forwarded).
   */
  private boolean cacheFill(CacheFill fill, ReadOnlyContext ctx) throws Exception {
    // An embedding fill, or a result carrying its query's embedding: kept first, so that the
    // result's coherence check below has it.
    if (fill.carriesEmbedding() && serving.modelId().equals(fill.embeddingModelId())) {
      vectors.put(fill.text(), new CachedEmbedding(fill.embeddingModelId(), fill.embedding()));
    }
    if (fill.kind() == CacheFill.Kind.EMBEDDING) {
      return false;
    }
    if (fill.kind() != CacheFill.Kind.RESULT
        || !fill.version().equals(served.version())
        || !served.productsExist(
            fill, id -> ServedIndex.upsertedLive(ctx.getBroadcastState(CacheLookup.UPSERTS), id))) {
      return false;
    }
    CachedResult r =
        coherence.current(
            fill,
            CatalogCoherence.views(ctx::getBroadcastState),
            vectorOf(fill.text()),
            System.currentTimeMillis());
    if (r != null && r != CatalogCoherence.UNDECIDED_RESULT) {
      String variant = new CacheKey(fill.text(), fill.topK(), fill.filters()).variant();
      l1.put(fill.text() + '\u0001' + variant, r);
    }
    return false;
  }
}
