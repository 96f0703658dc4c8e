package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.connectors.message.StageLatency;
import io.moesearch.core.artifact.ServingVersions;
import io.moesearch.core.cache.CacheKey;
import io.moesearch.core.cache.HeapCache;
import io.moesearch.core.cache.PressureDoorkeeper;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.core.overload.DegradationLevel;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.retrieval.Bm25Queries;
import io.moesearch.core.retrieval.QueryExpansion;
import io.moesearch.state.CachedEmbedding;
import io.moesearch.state.CachedResult;
import io.moesearch.state.StateDescriptors;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three-level query cache operator, the whole cache and not an adapter over one: the core
 * supplies only normalisation, keys and the in-heap L1 ({@code io.moesearch.core.cache}), the state
 * and its records are in {@code io.moesearch.state}. Keyed by normalised query text ({@link #key}).
 * The keyed input is queries and cache fills ({@link CacheInput}). For a query, in order:
 *
 * <ol>
 *   <li><b>L1</b>: a per-subtask in-heap cache of final results (bounded by size and age). In the
 *       job a {@link CacheHits} in front of this operator holds the L1 of every fill and answers
 *       those hits in a task without keyed state ({@link #behindHits}); this one's L1 then keeps
 *       what it served from L2;
 *   <li><b>L2</b>: final results in keyed state (one entry per {@code top_k} + filters variant,
 *       with TTL), which survives restarts through checkpoints and savepoints;
 *   <li><b>coalescing</b>: if an identical query is already being computed, wait for its result (at
 *       most {@code cache.coalesce-wait-ms}, then compute after all; when the computation ends
 *       without a result to cache, a {@link CacheFill.Kind#RELEASE} answers the waiters with its
 *       answer if it was degraded under overload, else they are computed at once, as they are on a
 *       rejected fill);
 *   <li><b>admission</b> ({@code cache.admit-after}, a doorkeeper): a text computed fewer times
 *       than that within the L2 lifetime is computed without cache fills (its answer and embedding
 *       are not written back, so the long tail of one-off texts costs no fill traffic) and without
 *       coalescing (no fill will come to wait for); the count is keyed state {@link
 *       StateDescriptors#asked} with the L2 TTL ({@code cache.notAdmitted} counts these). With
 *       {@code cache.admit-after} 1 the doorkeeper acts only under pressure ({@code
 *       cache.doorkeeper-ms}, {@link PressureDoorkeeper}): while the computed answers' round trips
 *       (from this operator sending the query on to its fill or release coming back, or to giving
 *       up waiting for it) stand above the bound, a text computed for the first time is computed
 *       without fills, except two probes a second; its second computation is cached. So one-off
 *       texts cost the miss path no fills when it is the bottleneck, and every answer is cached
 *       while it keeps up ({@code cache.doorkeeperPressured}: 1 while under pressure);
 *   <li><b>L3</b>: the query embedding in keyed state (with TTL): emitted to {@link #EMBEDDED} so
 *       the model is skipped;
 *   <li>otherwise a full miss, emitted to {@link #MISSES}.
 * </ol>
 *
 * Hits (and coalesced waiters) are answered on the main output. Every entry carries the version
 * that produced it (index version for results, model id for embeddings); an entry or fill of
 * another version is never served, and is dropped. With a watched index root the served version is
 * the router's: the one opened at (re)start and every later one adopted only once it passed the
 * same verification ({@link ServingVersions}), so a corrupt {@code LATEST} leaves both on the old
 * version and its cached results stay hits.
 *
 * <p>Coherence with the live catalogue: the keyed input carries queries and fills ({@link
 * CacheInput}); the broadcast input carries a {@link CatalogChange} per applied catalogue update,
 * kept in broadcast state: when each product was last upserted or deleted and each expert last
 * received a product ({@link StateDescriptors#catalogChanges}), each patched product's live price
 * and stock ({@link StateDescriptors#catalogPatches}) and, for the newest {@value #UPSERTS_KEPT}
 * upserts, what decides the answers each could enter ({@link StateDescriptors#catalogUpserts}:
 * experts, embedding, BM25 terms and their scores), all pruned once older than the L1/L2 TTL. Every
 * cached result remembers when it was computed (its query's acceptance time, dated back by its
 * slots' delta lag), the experts it searched and its dense and lexical floors. An L1 or L2 entry is
 * not served (and dropped, counted {@code staleByCatalog} and by reason) when, at or after {@link
 * #COHERENCE_MARGIN_MS} before it was computed, one of its items was upserted or deleted, a patched
 * item now fails the query's filter, or a product was upserted that its dense branch would return
 * ({@link UpsertSignature#mayEnterDensely}) or that its BM25 branch would find ({@link
 * UpsertSignature#mayEnterLexically}: a shared term whose BM25 score reaches the lexical floor;
 * with the floor or the scores unknown, any shared term once that upsert is {@link
 * #LEXICAL_ENTRY_DELAY_MS} old). Patched items that pass are served with their live price and stock
 * ({@code servedWithLivePrices}). When the upserts since then are no longer all kept, or the floor
 * or embedding is unknown, any product joining one of its experts invalidates it. An entry that
 * passes is re-dated in L1 to the newest change received ({@code coherenceRechecked}), so a hot
 * answer is checked only against what changed since. So a served cached result never shows a
 * deleted product, a stale price or stock; a new or re-worded product appears at once in the cached
 * answers whose dense branch would return it or whose BM25 branch would (within {@link
 * #LEXICAL_ENTRY_DELAY_MS} where the lexical floor or the scores are unknown); a catalogue product
 * coming back in stock or into a price range, within {@link #WIDENING_DELAY_MS} (an answer under
 * such a filter computed before the patch is recomputed once that old, and not re-dated meanwhile).
 */
public final class CacheLookup
    extends KeyedBroadcastProcessFunction<String, CacheInput, CatalogChange, SearchResult> {
  /**
   * How long before a result's computation a change still invalidates it: covers an update applied
   * by the update operator but not yet by every serving slot when the result's partials were
   * computed (one network hop).
   */
  public static final long COHERENCE_MARGIN_MS = 2_000;

  private static final Logger LOG = LoggerFactory.getLogger(CacheLookup.class);

  /**
   * How many upserts' signatures the cache keeps (about 2 KB each, in broadcast state on every
   * subtask; up to a quarter more between two prunes): at 20 upserts/s, the last few minutes.
   */
  public static final int UPSERTS_KEPT = 4_096;

  /**
   * Where the answer's lexical floor or the upsert's BM25 scores are unknown (fills and state
   * written before they were recorded, scores under another artifact version): how long a cached
   * answer may go on without a new product that only its BM25 branch would find (one sharing an
   * analysed term with the query that its dense branch would not return); the answer is recomputed
   * once the upsert is this old. Immediate invalidation on a shared term would recompute every
   * cached answer with a common term (a brand, a number) on almost every upsert.
   */
  public static final long LEXICAL_ENTRY_DELAY_MS = 30_000;

  /**
   * How long a cached answer under an {@code in_stock} filter or a price range may go on after a
   * patch brought some catalogue product back in stock or changed its price (which product would
   * now pass, and whether it would rank, is not known to the cache): the answer is recomputed once
   * it is this old. The same bound as {@link #LEXICAL_ENTRY_DELAY_MS}; without it such a product
   * stayed out of the cached answers until their TTL (an hour in L2).
   */
  public static final long WIDENING_DELAY_MS = 30_000;

  /** The catalogue-patch broadcast state (its descriptor). */
  public static final MapStateDescriptor<String, LivePatch> PATCHES =
      StateDescriptors.catalogPatches();

  /** The catalogue-upsert broadcast state (its descriptor). */
  public static final MapStateDescriptor<String, UpsertSignature> UPSERTS =
      StateDescriptors.catalogUpserts();

  /** The catalogue-change broadcast state (its descriptor). */
  public static final MapStateDescriptor<String, Long> CHANGES = StateDescriptors.catalogChanges();

  public static final OutputTag<AcceptedQuery> MISSES = new OutputTag<>("cache-misses") {};
  public static final OutputTag<EmbeddedQuery> EMBEDDED = new OutputTag<>("embedding-hits") {};

  /**
   * Behind a {@link CacheHits} ({@link #behindHits}): a result this operator served from L2, as a
   * fill for the cache-fill topic, so it reaches the hit path's L1 (after a restart L1 is empty and
   * L2 would otherwise answer the same text from this task until the entry expires).
   */
  public static final OutputTag<CacheFill> PROMOTIONS = new OutputTag<>("l2-promotions") {};

  /**
   * Queries the lookup could neither serve nor pass on, with the reason ({@link QueryFailures}).
   */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = ParseQueries.DEAD_LETTERS;

  private static final char SEP = '\u0000';

  /**
   * The most computations whose send time a subtask keeps for the doorkeeper under pressure (each
   * is dropped when it comes back or is given up on, after {@code cache.coalesce-wait-ms}).
   */
  static final int MAX_TIMED = 65_536;

  /**
   * The most variants (top_k, filters) of one text coalescing at once; a further variant's miss is
   * computed without coalescing, so that a timer's or a fill's work per text stays bounded however
   * many variants a client sends.
   */
  static final int MAX_VARIANTS_IN_FLIGHT = 64;

  /** How many coalescing waits a computation given up on keeps its key from being timed. */
  static final int ABANDONED_FOR_WAITS = 10;

  /** The BM25 terms of a query text, as the coherence check compares them with upserts'. */
  @FunctionalInterface
  interface QueryTerms extends Serializable {
    int[] of(String text);

    /**
     * Whether the lexical branch matches more than {@link #of}'s terms for {@code text} (a
     * typo-tolerant term): then any new product may enter its answers lexically, its score unknown.
     */
    default boolean inexact(String text) {
      return false;
    }
  }

  /**
   * The hashes of the terms the lexical branch searches for a query text ({@link
   * Bm25Queries#terms(String)}): its analysed terms and the synonyms the job's rules add, so that
   * an upserted "notebook" is seen to share a term with a cached "laptop" when a rule joins them. A
   * query with a typo-tolerant term is {@link #inexact}: its terms' near spellings are not hashed.
   */
  static final class SearchedTerms implements QueryTerms {
    private final QueryExpansion expansion;
    private transient Bm25Queries bm25;
    private transient String lastText; // the coherence check asks of() and inexact() in turn
    private transient Set<String> lastTerms;

    SearchedTerms(QueryExpansion expansion) {
      if (expansion == null) {
        throw new IllegalArgumentException("expansion is required (QueryExpansion.NONE for none)");
      }
      this.expansion = expansion;
    }

    private Set<String> terms(String text) {
      if (bm25 == null) {
        bm25 = new Bm25Queries(expansion);
      }
      if (!text.equals(lastText)) {
        lastTerms = bm25.terms(text);
        lastText = text;
      }
      return lastTerms;
    }

    @Override
    public int[] of(String text) {
      return UpsertSignature.termHashes(terms(text));
    }

    @Override
    public boolean inexact(String text) {
      if (expansion.typoMinChars() == 0) {
        return false;
      }
      Set<String> terms = terms(text);
      return bm25.inexact(terms);
    }
  }

  private ServedIndex.Spec serving;
  private final CacheSettings settings;
  private QueryFailures failures = new QueryFailures("cache-lookup", null);
  private QueryTerms queryTermsOf = UpsertSignature::queryTerms;
  private LinearFusion fusion;
  private boolean fillsToL1 = true;

  private transient ServedIndex served;

  private transient HeapCache<CachedResult> l1;
  private transient MapState<String, CachedResult> results;
  private transient ValueState<CachedEmbedding> embedding;
  private transient MapState<String, Long> inFlight;

  /** How many of the current text's variants are in {@link #inFlight}. */
  private transient ValueState<Integer> inFlightCount;

  private transient ValueState<Integer> asked;
  private transient Counter notAdmitted;
  private transient PressureDoorkeeper doorkeeper;

  /**
   * With a doorkeeper: when each computation this subtask sent through the model and awaits was
   * sent (processing time), by text and variant; at most {@link #MAX_TIMED} entries.
   */
  private transient Map<String, Long> sentToModel;

  /**
   * With a doorkeeper: when this subtask last gave up waiting for a computation, by text and
   * variant, for {@link #ABANDONED_FOR_WAITS} coalescing waits (oldest first; at most {@link
   * #MAX_TIMED} entries). A computation of such a key is not timed: the late fill of the one given
   * up on would be taken for its own.
   */
  private transient LinkedHashMap<String, Long> abandoned;

  /** The queries waiting for an in-flight variant, keyed by variant and rank ({@link #rankKey}). */
  private transient MapState<String, AcceptedQuery> waiting;

  /** How many queries wait for each in-flight variant: {@link #waiting}'s ranks. */
  private transient MapState<String, Integer> waiterCounts;

  /**
   * Waiters restored from a savepoint of a build that keyed them by query id (read, never added).
   */
  private transient MapState<String, AcceptedQuery> restoredWaiters;

  /**
   * Until when (wall clock) {@link #restoredWaiters} may hold waiters: every restored wait ends by
   * its in-flight timer within {@code cache.coalesce-wait-ms} of the restore; a minute of margin
   * for clocks. After it, a take reads no more than its own variant's waiters.
   */
  private transient long restoredWaitersUntil;

  private transient Counter uncoalesced;

  private transient Counter l1Hits;
  private transient Counter l2Hits;
  private transient Counter coalesced;
  private transient Counter embeddingHits;
  private transient Counter misses;
  private transient Counter staleDropped;
  private transient Counter coalesceTimeouts;
  private transient Counter coalesceReleased;
  private transient Counter coalescedDegraded;
  private transient Counter fillsRejected;
  private transient Histogram l1Latency;
  private transient Histogram l2Latency;
  private transient CatalogCoherence coherence;

  /** The current key's cached embedding of the serving model, for the coherence check. */
  private transient CatalogCoherence.QueryVector keyedVector;

  /**
   * @param indexVersion the version of the index being served: only results of it are served
   * @param modelId the embedding model's id: only embeddings of it are used
   */
  public CacheLookup(String indexVersion, String modelId, CacheSettings settings) {
    this(indexVersion, modelId, settings, null, null, 0);
  }

  /**
   * @param artifactDir the artifact served at start ({@code null} with no watching)
   * @param watchRoot an index root whose {@code LATEST} is watched: once it names a new version,
   *     only results of that version are served ({@code null}: the version never changes)
   */
  public CacheLookup(
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
   * Names the query topic in the dead letters of queries the lookup can neither serve nor pass on
   * ({@code null}: the default topic).
   */
  public CacheLookup deadLettersFrom(String queryTopic) {
    failures = new QueryFailures("cache-lookup", queryTopic);
    return this;
  }

  /**
   * Behind a {@link CacheHits}, which caches every fill in its own L1 and answers those hits before
   * a query reaches this operator: this L1 then holds only what this operator served from L2 (after
   * a restart, or an entry the hit path could not check), so the two do not both hold every result.
   */
  public CacheLookup behindHits() {
    fillsToL1 = false;
    return this;
  }

  /**
   * Serves only results ranked with the settings whose fingerprint is {@code ranking} ({@code
   * MoeSearchConfig#rankingFingerprint}; {@link CacheFill#resultVersion}): a cached answer of the
   * same index ranked otherwise (restored from a checkpoint taken before the configuration changed,
   * or filled by a job configured apart) is dropped, not served.
   *
   * @throws IllegalArgumentException when {@code ranking} is not letters and digits
   */
  public CacheLookup rankedBy(String ranking) {
    serving = serving.rankedBy(ranking);
    return this;
  }

  /**
   * Judges whether a product upserted after a cached answer could reach its top k with {@code
   * fusion}, the fusion that ranked it ({@code ranking.weights}; the answer's {@link
   * io.moesearch.core.rank.EntryCut}). Without, a new product that would enter an answer's BM25
   * candidates makes it stale, as one sharing a term with the query once did.
   */
  public CacheLookup fusedWith(LinearFusion fusion) {
    this.fusion = fusion;
    return this;
  }

  /**
   * Judges which cached answers an upsert could enter by the terms the lexical branch searches when
   * it widens queries by {@code expansion} ({@code ranking.synonyms-path}, {@code
   * ranking.typo-min-chars}); without, by the query's own terms.
   */
  public CacheLookup expandingQueries(QueryExpansion expansion) {
    queryTermsOf = new SearchedTerms(expansion);
    return this;
  }

  /** With another analysis of query texts (tests: one that fails as the real one never should). */
  CacheLookup analysingQueriesWith(QueryTerms terms) {
    queryTermsOf = terms;
    return this;
  }

  /** Records this subtask failed on and went on without (for tests). */
  long failures() {
    return failures.count();
  }

  /** The partitioning key of a query: its normalised text. */
  public static String key(AcceptedQuery q) {
    return q.normalizedText();
  }

  /** The partitioning key of a fill: its (already normalised) text. */
  public static String key(CacheFill f) {
    return f.text();
  }

  @Override
  public void open(OpenContext ctx) {
    served = serving.open();
    l1 = settings.newL1();
    results =
        getRuntimeContext().getMapState(StateDescriptors.cachedResults(settings.l2TtlMillis()));
    embedding =
        getRuntimeContext().getState(StateDescriptors.cachedEmbedding(settings.l3TtlMillis()));
    inFlight = getRuntimeContext().getMapState(StateDescriptors.inFlight());
    inFlightCount = getRuntimeContext().getState(StateDescriptors.inFlightCount());
    asked = getRuntimeContext().getState(StateDescriptors.asked(settings.l2TtlMillis()));
    waiting =
        getRuntimeContext().getMapState(StateDescriptors.coalescedWaiterQueue(AcceptedQuery.class));
    waiterCounts = getRuntimeContext().getMapState(StateDescriptors.coalescedWaiterCounts());
    restoredWaiters =
        getRuntimeContext().getMapState(StateDescriptors.coalescedWaiters(AcceptedQuery.class));
    restoredWaitersUntil = System.currentTimeMillis() + settings.coalesceWaitMillis() + 60_000;
    var metrics = getRuntimeContext().getMetricGroup().addGroup("cache");
    l1Hits = metrics.counter("l1Hits");
    l2Hits = metrics.counter("l2Hits");
    coalesced = metrics.counter("coalesced");
    uncoalesced = metrics.counter("uncoalesced");
    embeddingHits = metrics.counter("embeddingHits");
    misses = metrics.counter("misses");
    notAdmitted = metrics.counter("notAdmitted");
    doorkeeper = settings.newDoorkeeper();
    sentToModel = doorkeeper == null ? null : new HashMap<>();
    abandoned = doorkeeper == null ? null : new LinkedHashMap<>();
    metrics.gauge(
        "doorkeeperPressured",
        () -> doorkeeper != null && doorkeeper.verdict(System.currentTimeMillis()) ? 1 : 0);
    staleDropped = metrics.counter("staleDropped");
    coalesceTimeouts = metrics.counter("coalesceTimeouts");
    coalesceReleased = metrics.counter("coalesceReleased");
    coalescedDegraded = metrics.counter("coalescedDegraded");
    fillsRejected = metrics.counter("fillsRejected");
    coherence = new CatalogCoherence(settings, queryTermsOf, fusion, metrics);
    keyedVector =
        () -> {
          CachedEmbedding e = embedding.value();
          return ofServingModel(e) ? e.vector() : null;
        };
    failures.open(metrics, "failures");
    metrics.gauge("l1Entries", () -> l1.size());
    metrics.gauge(
        "resultHitRatio",
        () -> {
          long hits = l1Hits.getCount() + l2Hits.getCount() + coalesced.getCount();
          long all = hits + embeddingHits.getCount() + misses.getCount();
          return all == 0 ? 0.0 : hits / (double) all;
        });
    l1Latency = metrics.histogram("l1LatencyMs", new DescriptiveStatisticsHistogram(1000));
    l2Latency = metrics.histogram("l2LatencyMs", new DescriptiveStatisticsHistogram(1000));
  }

  @Override
  public void close() throws Exception {
    if (served != null) {
      served.close();
    }
    String summary = coherence == null ? null : coherence.summary();
    if (summary != null) {
      LOG.info(summary);
    }
    super.close();
  }

  static String variant(String text, SearchQuery q) {
    return new CacheKey(text, q.topK(), q.filters() == null ? "" : q.filters().canonical())
        .variant();
  }

  /**
   * Serves, coalesces or passes on a query; caches a fill. No record fails the task: a query the
   * lookup fails on (any runtime error of the cache) is counted ({@code cache.failures}), logged
   * and computed without the cache ({@link #bypass}); a fill it fails on is counted, logged and not
   * cached.
   */
  @Override
  public void processElement(CacheInput in, ReadOnlyContext ctx, Collector<SearchResult> out)
      throws Exception {
    if (in.query() != null) {
      try {
        query(in.query(), ctx, out);
      } catch (RuntimeException | StackOverflowError e) {
        Cancellation.rethrow(e);
        bypass(in.query(), e, ctx, out);
      }
    } else {
      try {
        fill(in.fill(), ctx, out);
      } catch (RuntimeException | StackOverflowError e) {
        Cancellation.rethrow(e);
        failures.record(LOG, "the cache fill of \"" + in.fill().text() + "\"", e);
      }
    }
  }

  /**
   * A query the lookup failed on with {@code e}: sent on to be computed from scratch, without its
   * answer or embedding written back to the cache (the cache is an optimisation; the client still
   * gets its answer). If even that fails, it is answered as failed and dead-lettered ({@link
   * QueryFailures}).
   */
  private void bypass(
      AcceptedQuery q, Throwable e, ReadOnlyContext ctx, Collector<SearchResult> out) {
    failures.record(LOG, "query " + q.query().queryId(), e);
    try {
      misses.inc();
      ctx.output(MISSES, q.withCacheFill(false));
    } catch (RuntimeException | StackOverflowError again) {
      Cancellation.rethrow(again);
      again.addSuppressed(e);
      ctx.output(DEAD_LETTERS, failures.deadLetter(q.query(), again));
      out.collect(
          QueryFailures.failedAnswer(q.query(), q.tsInMillis(), 0, null, served.indexVersion()));
    }
  }

  /**
   * Records an applied catalogue change; prunes changes no cached result can predate. A change that
   * cannot be recorded (any runtime error) is counted ({@code cache.failures}) and logged, not
   * allowed to fail the task.
   */
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

  /**
   * {@code fill}'s answer as it may be served now ({@link CatalogCoherence#current(CacheFill,
   * CatalogCoherence.Views, CatalogCoherence.QueryVector, long)}), {@code null} when a catalogue
   * change since makes it stale.
   */
  private CachedResult current(CacheFill fill, ReadOnlyContext ctx) throws Exception {
    return coherence.current(
        fill,
        CatalogCoherence.views(ctx::getBroadcastState),
        keyedVector,
        System.currentTimeMillis());
  }

  private CachedResult current(
      CachedResult r,
      String text,
      Filters filters,
      boolean filtersKnown,
      ReadOnlyContext ctx,
      long now)
      throws Exception {
    return coherence.current(
        r,
        text,
        filters,
        filtersKnown,
        CatalogCoherence.views(ctx::getBroadcastState),
        keyedVector,
        now);
  }

  private void query(AcceptedQuery q, ReadOnlyContext ctx, Collector<SearchResult> out)
      throws Exception {
    served.poll();
    if (q.query().explain()) {
      // Explanations are computed with the answer: never served from, coalesced with or written to
      // the result cache (the embedding cache still serves).
      compute(q, ctx);
      return;
    }
    String text = ctx.getCurrentKey();
    String variant = variant(text, q.query());
    String full = text + '\u0001' + variant;
    Filters filters = q.query().filters();
    CachedResult hit = l1.get(full, served.version());
    long now = System.currentTimeMillis();
    CachedResult live = hit == null ? null : current(hit, text, filters, true, ctx, now);
    if (hit != null && live == null) {
      coherence.staleByCatalog.inc();
      l1.invalidate(full);
      results.remove(variant);
    }
    if (live != null) {
      if (live != hit) {
        l1.replace(full, live); // re-dated or livened: the same answer, its expiry kept
      }
      l1Hits.inc();
      answer(q, live, SearchResult.CACHE_L1, out, l1Latency);
      return;
    }
    CachedResult stored = results.get(variant);
    CachedResult storedLive =
        stored == null ? null : current(stored, text, filters, true, ctx, now);
    if (stored != null && storedLive == null) {
      coherence.staleByCatalog.inc();
      results.remove(variant);
      stored = null;
    }
    if (stored != null) {
      if (stored.version().equals(served.version())) {
        l2Hits.inc();
        // Not written back with its live values: rewriting it would restart its L2 lifetime (the
        // live values are applied at every read, and the patches outlive the entry).
        l1.put(full, storedLive);
        answer(q, storedLive, SearchResult.CACHE_L2, out, l2Latency);
        if (!fillsToL1) {
          // Dated when it was computed (as L2 keeps it), not as re-dated here: a re-dated date
          // holds
          // only against the changes this subtask has received, and the hit path may hold one this
          // subtask has not yet (a delete held up on its way here).
          promote(text, q.query(), storedLive.datedAt(stored.createdAt()), ctx);
        }
        return;
      }
      staleDropped.inc();
      results.remove(variant);
    }
    if (inFlight.contains(variant)) {
      // Every record waits under its own rank, a producer's retry (one id, one millisecond)
      // included. (Should the computation bring no answer, the waiters are computed again, and the
      // merge takes identical requests so made as one query: MergePartials.key.)
      Integer waiters = waiterCounts.get(variant);
      int rank = waiters == null ? 0 : waiters;
      waiting.put(rankKey(variant, rank), q);
      waiterCounts.put(variant, rank + 1);
      return;
    }
    if (!admitted(ctx.timerService().currentProcessingTime())) {
      // Not yet asked often enough to be cached: computed without fills, so nothing to wait for.
      notAdmitted.inc();
      compute(q.withCacheFill(false), ctx);
      return;
    }
    Integer inFlightNow = inFlightCount.value();
    int variantsInFlight = inFlightNow == null ? 0 : inFlightNow;
    if (variantsInFlight >= MAX_VARIANTS_IN_FLIGHT) {
      // One text under many top_k / filter variants at once (a client varying them): this one is
      // computed and cached but not coalesced, so that no timer of the text reads more than the
      // bound's in-flight entries.
      uncoalesced.inc();
      compute(q, ctx);
      return;
    }
    long sent = ctx.timerService().currentProcessingTime();
    long deadline = sent + settings.coalesceWaitMillis();
    inFlight.put(variant, deadline);
    inFlightCount.update(variantsInFlight + 1);
    ctx.timerService().registerProcessingTimeTimer(deadline);
    if (compute(q, ctx) && sentToModel != null && !recentlyAbandoned(text, variant, sent)) {
      if (sentToModel.size() >= MAX_TIMED) {
        sentToModel.clear(); // only samples are lost: the computations are in keyed state
        doorkeeper.forgetAwaited();
      }
      if (sentToModel.put(timedKey(text, variant), sent) == null) {
        doorkeeper.sent();
      }
    }
  }

  /**
   * Emits {@code r}, served from L2 for {@code q}, to {@link #PROMOTIONS}; a promotion that cannot
   * be made is counted and logged (the query is answered already).
   */
  private void promote(String text, SearchQuery q, CachedResult r, ReadOnlyContext ctx) {
    try {
      ctx.output(
          PROMOTIONS,
          CacheFill.result(
              text,
              q.topK(),
              q.filters() == null ? "" : q.filters().canonical(),
              r.version(),
              r.items(),
              r.experts(),
              r.createdAt(),
              Float.isNaN(r.denseFloor()) ? null : r.denseFloor(),
              Float.isNaN(r.lexicalFloor()) ? null : r.lexicalFloor(),
              r.entryCut()));
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failures.record(LOG, "the promotion of \"" + text + "\"", e);
    }
  }

  /**
   * The doorkeeper ({@link CacheSettings#admitAfter}, and under pressure {@link
   * CacheSettings#doorkeeperMillis}): counts this computation of the current text at {@code
   * nowMillis} (processing time) and says whether its answer is to be cached. With {@code
   * admitAfter} 1 and no pressure, always, and no state.
   */
  private boolean admitted(long nowMillis) throws Exception {
    int admitAfter = settings.admitAfter();
    if (admitAfter <= 1 && (doorkeeper == null || !doorkeeper.pressured(nowMillis))) {
      return true;
    }
    Integer n = asked.value();
    if (admitAfter <= 1) {
      if (n == null && !embeddingCached() && doorkeeper.probe(nowMillis)) {
        return true; // a one-off text let through the model to measure the round trip
      }
      admitAfter = 2;
    }
    int now = n == null ? 1 : n + 1;
    if (now >= admitAfter) {
      asked.clear(); // admitted: its answer will be cached, the count is no longer needed
      return true;
    }
    asked.update(now);
    return false;
  }

  /** Whether the current text's embedding of the serving model is cached (L3). */
  private boolean embeddingCached() throws Exception {
    return ofServingModel(embedding.value());
  }

  /** Whether {@code e} is an embedding of the serving model (not {@code null}). */
  private boolean ofServingModel(CachedEmbedding e) {
    return e != null && e.version().equals(serving.modelId());
  }

  /**
   * Sends a query on to be computed: from its cached embedding if there is one.
   *
   * @return whether it was sent to the model ({@link #MISSES})
   */
  private boolean compute(AcceptedQuery q, ReadOnlyContext ctx) throws Exception {
    long t0 = System.nanoTime();
    CachedEmbedding e = embedding.value();
    if (ofServingModel(e)) {
      embeddingHits.inc();
      ctx.output(
          EMBEDDED,
          new EmbeddedQuery(
              q.query(),
              e.vector(),
              q.tsInMillis(),
              (System.nanoTime() - t0) / 1e6,
              true,
              DegradationLevel.NONE,
              q.cacheFill()));
      return false;
    }
    if (e != null) {
      staleDropped.inc();
      embedding.clear();
    }
    misses.inc();
    ctx.output(MISSES, q);
    return true;
  }

  private void fill(CacheFill fill, ReadOnlyContext ctx, Collector<SearchResult> out)
      throws Exception {
    served.poll();
    if (fill.carriesEmbedding()) {
      // An embedding fill, or a result carrying its query's embedding (one record for both
      // caches): L3 first, whatever becomes of the result, and before the result's coherence check,
      // which reads it.
      if (serving.modelId().equals(fill.embeddingModelId())) {
        embedding.update(new CachedEmbedding(fill.embeddingModelId(), fill.embedding()));
      } else {
        staleDropped.inc();
      }
    }
    if (fill.kind() == CacheFill.Kind.EMBEDDING) {
      return;
    }
    if (fill.kind() == CacheFill.Kind.RELEASE) {
      if (fill.degraded() != null
          && fill.version().equals(served.version())
          && served.productsExist(fill, upsertedLive(ctx))) {
        share(fill, ctx, out);
      } else {
        release(fill, true, ctx, out);
      }
      return;
    }
    if (!fill.version().equals(served.version())) {
      staleDropped.inc();
      release(fill, false, ctx, out);
      return;
    }
    if (!served.productsExist(fill, upsertedLive(ctx))) {
      // Signed but naming products neither the served version nor the live catalogue has: never
      // serve it.
      fillsRejected.inc();
      release(fill, false, ctx, out);
      return;
    }
    String variant = new CacheKey(fill.text(), fill.topK(), fill.filters()).variant();
    CachedResult r = current(fill, ctx);
    if (r == null) {
      // Computed before a catalogue change it does not reflect: never cache it.
      coherence.staleByCatalog.inc();
      coherence.fillsStale.inc();
      release(fill, false, ctx, out);
      return;
    }
    // L2 keeps the answer's computation date, not a re-dated one: it is promoted from there to
    // the hit path, whose changes this subtask may not all have received (see query()).
    CachedResult computed = r.datedAt(CatalogCoherence.cached(fill).createdAt());
    CachedResult stored = results.get(variant);
    if (stored == null || stored.createdAt() < computed.createdAt()) {
      // Never replaced by an older or as old answer (a promotion of this entry, a duplicate fill):
      // rewriting it would restart its L2 lifetime, and a hot text would never be recomputed.
      results.put(variant, computed);
    }
    if (fillsToL1) {
      l1.put(fill.text() + '\u0001' + variant, r);
    } else {
      l1.invalidate(fill.text() + '\u0001' + variant); // the hit path holds the newer one
    }
    if (cameBack(variant, false, ctx)) {
      // The timer stays: it may serve another variant, and finds nothing to do for this one.
      answerWaiters(variant, r, SearchResult.NOT_DEGRADED, ctx, out);
    }
  }

  /** Whether a product id was upserted live, as this subtask's catalogue changes hold it. */
  private static Predicate<String> upsertedLive(ReadOnlyContext ctx) {
    var upserts = ctx.getBroadcastState(UPSERTS);
    return id -> ServedIndex.upsertedLive(upserts, id);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SearchResult> out)
      throws Exception {
    List<String> expired = new ArrayList<>();
    long now = ctx.timerService().currentProcessingTime();
    for (Map.Entry<String, Long> e : inFlight.entries()) {
      if (e.getValue() <= timestamp) {
        expired.add(e.getKey());
        timed(ctx.getCurrentKey(), e.getKey(), false, now); // gave up waiting: at least that long
        abandon(ctx.getCurrentKey(), e.getKey(), now);
      }
    }
    for (String variant : expired) {
      // The query in flight did not come back in time: compute after all.
      computeWaiters(variant, coalesceTimeouts, ctx, out);
    }
  }

  /**
   * Computes the queries waiting for {@code variant}'s computation in flight now, which will bring
   * them no result to share, and forgets the computation; each is counted in {@code counter}.
   */
  private void computeWaiters(
      String variant, Counter counter, ReadOnlyContext ctx, Collector<SearchResult> out)
      throws Exception {
    forget(variant);
    for (AcceptedQuery w : takeWaiters(variant)) {
      counter.inc();
      try {
        compute(w, ctx);
      } catch (RuntimeException | StackOverflowError e) {
        Cancellation.rethrow(e);
        bypass(w, e, ctx, out); // taken from the waiters: it must not be lost
      }
    }
  }

  /**
   * A computation of {@code fill}'s result key was answered degraded under overload ({@link
   * CacheFill#degraded}): the queries waiting for it get that answer (with the live prices, flagged
   * with its level, {@code cache: coalesced}), unless a catalogue change since makes it stale: then
   * they are computed. Nothing is cached.
   */
  private void share(CacheFill fill, ReadOnlyContext ctx, Collector<SearchResult> out)
      throws Exception {
    String variant = new CacheKey(fill.text(), fill.topK(), fill.filters()).variant();
    if (!cameBack(variant, true, ctx)) {
      return;
    }
    CachedResult r = current(fill, ctx);
    if (r == null) {
      coherence.staleByCatalog.inc();
      computeWaiters(variant, coalesceReleased, ctx, out);
      return;
    }
    coalescedDegraded.inc(answerWaiters(variant, r, fill.degraded(), ctx, out));
  }

  /**
   * Answers the queries waiting for {@code variant}'s computation with its answer {@code r}, served
   * at {@code degraded}, and forgets the computation.
   *
   * @return how many were answered
   */
  private int answerWaiters(
      String variant,
      CachedResult r,
      String degraded,
      ReadOnlyContext ctx,
      Collector<SearchResult> out)
      throws Exception {
    forget(variant);
    int n = 0;
    for (AcceptedQuery w : takeWaiters(variant)) {
      try {
        answer(w, r, SearchResult.CACHE_COALESCED, degraded, out, l2Latency);
        coalesced.inc();
        n++;
      } catch (RuntimeException | StackOverflowError e) {
        Cancellation.rethrow(e);
        bypass(w, e, ctx, out); // taken from the waiters: it must not be lost
      }
    }
    return n;
  }

  /**
   * A computation of {@code fill}'s result key ended without a result for the waiting queries (a
   * {@link CacheFill.Kind#RELEASE}, {@code shed} under overload or cut short, or a result fill this
   * cache rejects): they are computed now, not after {@code cache.coalesce-wait-ms}.
   */
  private void release(
      CacheFill fill, boolean shed, ReadOnlyContext ctx, Collector<SearchResult> out)
      throws Exception {
    String variant = new CacheKey(fill.text(), fill.topK(), fill.filters()).variant();
    if (cameBack(variant, shed, ctx)) {
      computeWaiters(variant, coalesceReleased, ctx, out);
    }
  }

  /**
   * Whether {@code variant} of the current text is being computed with its fill awaited; if so and
   * it was sent through the model, the doorkeeper under pressure hears of its round trip, or that
   * it came back {@code shed}.
   */
  private boolean cameBack(String variant, boolean shed, ReadOnlyContext ctx) throws Exception {
    if (!inFlight.contains(variant)) {
      return false;
    }
    timed(ctx.getCurrentKey(), variant, shed, ctx.timerService().currentProcessingTime());
    return true;
  }

  /**
   * Tells the doorkeeper under pressure, at {@code nowMillis}, of the end of the current
   * computation of {@code text}'s {@code variant}, if it was sent through the model by this subtask
   * since it opened (not one restored from a checkpoint, nor one from a cached embedding).
   */
  private void timed(String text, String variant, boolean shed, long nowMillis) {
    Long sent = sentToModel == null ? null : sentToModel.remove(timedKey(text, variant));
    if (sent == null) {
      return;
    }
    if (shed) {
      doorkeeper.shed(nowMillis);
    } else {
      doorkeeper.roundTrip(nowMillis, Math.max(0, nowMillis - sent));
    }
  }

  /** Whether a computation of {@code text}'s {@code variant} was given up on lately; prunes. */
  private boolean recentlyAbandoned(String text, String variant, long nowMillis) {
    long window = ABANDONED_FOR_WAITS * settings.coalesceWaitMillis();
    var oldest = abandoned.entrySet().iterator();
    while (oldest.hasNext() && nowMillis - oldest.next().getValue() >= window) {
      oldest.remove();
    }
    return abandoned.containsKey(timedKey(text, variant));
  }

  /** Remembers that this subtask gave up waiting for {@code text}'s {@code variant} just now. */
  private void abandon(String text, String variant, long nowMillis) {
    if (abandoned == null) {
      return;
    }
    if (abandoned.size() >= MAX_TIMED) {
      abandoned.clear();
    }
    String key = timedKey(text, variant);
    abandoned.remove(key); // re-inserted last: the map stays in time order
    abandoned.put(key, nowMillis);
  }

  private static String timedKey(String text, String variant) {
    return text + SEP + variant;
  }

  /** {@link #waiting}'s key of {@code variant}'s waiter of rank {@code rank}. */
  private static String rankKey(String variant, int rank) {
    return variant + SEP + rank;
  }

  /**
   * Forgets the computation of the current text's {@code variant}, in {@link #inFlight} (the
   * callers found it there): the count of variants in flight drops by one, cleared at none.
   */
  private void forget(String variant) throws Exception {
    inFlight.remove(variant);
    Integer n = inFlightCount.value();
    if (n == null || n <= 1) {
      // Null or under the entries: variants restored from a build before the count.
      inFlightCount.clear();
    } else {
      inFlightCount.update(n - 1);
    }
  }

  /**
   * Removes and returns the queries waiting for {@code variant} of the current text, oldest first:
   * reads only that variant's waiters (and, while any are left, the waiters restored in the layout
   * of a build before).
   */
  private List<AcceptedQuery> takeWaiters(String variant) throws Exception {
    List<AcceptedQuery> found = new ArrayList<>();
    Integer waiters = waiterCounts.get(variant);
    if (waiters != null) {
      for (int rank = 0; rank < waiters; rank++) {
        String key = rankKey(variant, rank);
        AcceptedQuery w = waiting.get(key);
        if (w != null) {
          found.add(w);
          waiting.remove(key);
        }
      }
      waiterCounts.remove(variant);
    }
    if (System.currentTimeMillis() < restoredWaitersUntil && !restoredWaiters.isEmpty()) {
      String prefix = variant + SEP;
      List<String> keys = new ArrayList<>();
      for (Map.Entry<String, AcceptedQuery> e : restoredWaiters.entries()) {
        if (e.getKey().startsWith(prefix)) {
          keys.add(e.getKey());
          found.add(e.getValue());
        }
      }
      for (String k : keys) {
        restoredWaiters.remove(k);
      }
    }
    found.sort(
        Comparator.comparingLong(AcceptedQuery::tsInMillis)
            .thenComparing(a -> a.query().queryId()));
    return found;
  }

  static void answer(
      AcceptedQuery q,
      CachedResult r,
      String path,
      Collector<SearchResult> out,
      Histogram latency) {
    answer(q, r, path, SearchResult.NOT_DEGRADED, out, latency);
  }

  /** Answers {@code q} with {@code r}, served at the degradation level {@code degraded}. */
  static void answer(
      AcceptedQuery q,
      CachedResult r,
      String path,
      String degraded,
      Collector<SearchResult> out,
      Histogram latency) {
    long now = System.currentTimeMillis();
    long total = Math.max(0, now - q.tsInMillis());
    latency.update(total);
    out.collect(
        new SearchResult(
            q.query().queryId(),
            q.query().text(),
            r.items(),
            r.experts(),
            CacheFill.indexVersionOf(r.version()),
            new StageLatency(0, 0, 0, 0, total),
            path,
            q.tsInMillis(),
            now,
            false,
            r.experts(),
            degraded));
  }
}
