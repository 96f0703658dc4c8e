package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.FeatureContribution;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.connectors.message.StageLatency;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.overload.DegradationLevel;
import io.moesearch.core.overload.ReplayWindow;
import io.moesearch.core.rank.EntryCut;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.core.retrieval.ExactReranker;
import io.moesearch.state.MergeStatus;
import io.moesearch.state.StateDescriptors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a query's partial results, keyed by {@link #key} (query id, acceptance time and what it
 * asks, so two submissions of one id never mix), and emits the final ranking once every activated
 * expert has answered: the union of exactly-scored candidates, deduplicated and cut to {@code
 * top_k}. A processing-time timer bounds the wait: if a partial never arrives the query is answered
 * with what is there, flagged {@link SearchResult#partial() partial} with the experts that
 * answered. A query gets one answer: after it, a small "answered" marker stays for {@code
 * answeredRetentionMillis} (by default {@link #defaultAnsweredRetention ten timeouts, at least a
 * minute}), so a late or replayed partial is dropped and counted ({@code latePartialsDropped})
 * instead of producing another answer; then all state and timers are gone. A partial an expert shed
 * under overload ({@link ExpertRetrieval#shedAfter}) answers its query "overloaded" at once ({@code
 * shedAnswers}); the query's other partials are then late.
 *
 * <p>In the {@link ReplayWindow} after a restore (on under at-least-once delivery), a query waits
 * for its partials up to {@code answeredRetentionMillis} instead of the timeout: an answer
 * published before the failure and again after it must not be cut short by the catch-up's backlog
 * either time, or the two would differ. That holds for a query restored waiting too: its wait
 * timer, restored with the checkpoint, is re-armed instead of answering it partial.
 *
 * <p>With {@link #writingEmbeddings}, the query's embedding, computed by the model for it and
 * carried by one of its partials, goes to the cache in the same record as its answer's fill or
 * release ({@link CarriedEmbeddings}): one record per computed query instead of a result and an
 * embedding apart.
 *
 * <p>The broadcast input carries the catalogue changes as {@code apply-catalog-updates} applies
 * them, before the serving slots do; every answer is checked against them before it is ranked
 * ({@link ChangeFence}), so a slot that has not yet applied a delete or a patch cannot put the
 * deleted product or the old price into an answer.
 */
public final class MergePartials
    extends KeyedBroadcastProcessFunction<String, PartialResult, CatalogChange, SearchResult>
    implements CheckpointedFunction {
  private final String indexVersion;
  private String rankingFingerprint = "";
  private final long timeoutMillis;
  private final RankingSettings ranking;
  private final boolean emitFills;
  private final long answeredRetentionMillis;
  private final long replayWindowMillis;
  private CarriedEmbeddings embeddings;

  /**
   * Complete results as cache fills (only when enabled, and never for a result cut short by the
   * timeout, which may lack an expert's candidates, nor for one degraded under overload, which
   * searched less than the configuration asks: a cache serves undegraded answers only); releases of
   * the computations the cache awaits that leave nothing to cache; each carrying the query's
   * embedding when a partial carried it ({@link #writingEmbeddings}), or that embedding alone.
   */
  public static final OutputTag<CacheFill> FILLS = new OutputTag<>("cache-fills") {};

  /** Queries whose partials could not be merged, with the reason ({@link QueryFailures}). */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = ParseQueries.DEAD_LETTERS;

  private static final Logger LOG = LoggerFactory.getLogger(MergePartials.class);

  /** The fence's recent deletes (broadcast state; {@link ChangeFence}). */
  public static final MapStateDescriptor<String, Long> FENCE_REMOVED =
      StateDescriptors.mergeFenceRemoved();

  /** The fence's recent patches (broadcast state; {@link ChangeFence}). */
  public static final MapStateDescriptor<String, LivePatch> FENCE_PATCHES =
      StateDescriptors.mergeFencePatches();

  /**
   * The least time the fence keeps a change: longer than a slot takes to apply it under ordinary
   * load. Under load the fence keeps changes twice the longest lag seen lately instead (the slots'
   * {@link PartialResult#deltaLagMs} plus the answer's wait since acceptance, an upper bound), up
   * to {@link #FENCE_MAX_RETENTION_MS}.
   */
  static final long FENCE_MIN_RETENTION_MS = 120_000;

  /** The most time the fence keeps a change. */
  static final long FENCE_MAX_RETENTION_MS = 900_000;

  /** How often the fence is pruned at most, in milliseconds. */
  private static final long FENCE_PRUNE_INTERVAL_MS = 10_000;

  private QueryFailures failures = new QueryFailures("merge-rerank", null);

  private transient ListState<PartialResult> partials;
  private transient ValueState<MergeStatus> status;
  private transient Counter timeouts;
  private transient Counter lateDropped;
  private transient Counter shedAnswers;
  private transient Histogram missLatency;
  private transient Histogram embeddingHitLatency;
  private transient ReplayWindow replays;
  private transient Counter fencedItems;
  private transient long fenceLagMillis;
  private transient long lastFencePrune;
  private transient HybridRanker hybrid;

  /** Dense-only ranking. */
  public MergePartials(String indexVersion, long timeoutMillis) {
    this(indexVersion, timeoutMillis, RankingSettings.denseOnly());
  }

  public MergePartials(String indexVersion, long timeoutMillis, RankingSettings ranking) {
    this(indexVersion, timeoutMillis, ranking, false);
  }

  /**
   * @param emitFills also emit every complete result to {@link #FILLS}
   */
  public MergePartials(
      String indexVersion, long timeoutMillis, RankingSettings ranking, boolean emitFills) {
    this(indexVersion, timeoutMillis, ranking, emitFills, defaultAnsweredRetention(timeoutMillis));
  }

  /**
   * @param answeredRetentionMillis how long an answered query is remembered, to drop its late
   *     partials; at least {@code timeoutMillis}
   */
  public MergePartials(
      String indexVersion,
      long timeoutMillis,
      RankingSettings ranking,
      boolean emitFills,
      long answeredRetentionMillis) {
    this(indexVersion, timeoutMillis, ranking, emitFills, answeredRetentionMillis, 0);
  }

  /**
   * @param replayWindowMillis {@code overload.replay-full-quality-ms} under at-least-once delivery,
   *     else 0: how long after a restore every query waits for all its partials
   */
  public MergePartials(
      String indexVersion,
      long timeoutMillis,
      RankingSettings ranking,
      boolean emitFills,
      long answeredRetentionMillis,
      long replayWindowMillis) {
    if (timeoutMillis < 1) {
      throw new IllegalArgumentException("merge.timeout-ms must be >= 1, got " + timeoutMillis);
    }
    if (answeredRetentionMillis < timeoutMillis) {
      throw new IllegalArgumentException(
          "answered queries must be remembered at least merge.timeout-ms ("
              + timeoutMillis
              + "), got "
              + answeredRetentionMillis);
    }
    this.indexVersion = indexVersion;
    this.timeoutMillis = timeoutMillis;
    this.ranking = ranking;
    this.emitFills = emitFills;
    this.answeredRetentionMillis = answeredRetentionMillis;
    this.replayWindowMillis = ReplayWindow.checked(replayWindowMillis);
  }

  /**
   * Names the query topic in the dead letters of queries that cannot be merged ({@code null}: the
   * default topic).
   */
  public MergePartials deadLettersFrom(String queryTopic) {
    failures = new QueryFailures("merge-rerank", queryTopic);
    return this;
  }

  /**
   * Stamps the cache fills with the fingerprint of the ranking settings ({@code
   * MoeSearchConfig#rankingFingerprint}; {@link CacheFill#resultVersion}), so that the cache serves
   * them only while it serves the same ranking ({@code ""}, the default: the index version alone).
   *
   * @throws IllegalArgumentException when {@code ranking} is not letters and digits
   */
  public MergePartials rankedBy(String ranking) {
    CacheFill.resultVersion(indexVersion, ranking); // checks it up front
    this.rankingFingerprint = ranking;
    return this;
  }

  /**
   * Writes the query embeddings the partials carry ({@link PartialResult#queryVector}, {@link
   * ExpertRetrieval#carryingQueryVectors}) to the cache with the answers: in the query's result
   * fill or release, one record for both ({@link CarriedEmbeddings}); as an embedding fill of its
   * own where the answer writes neither (an explained query; a partial carrying it that arrived
   * after its query was answered) or where the two would not fit in one record of {@code
   * fillMaxBytes}. Only with {@code emitFills}.
   *
   * @param modelId the id of the model that computed them ({@code artifact.manifest().modelId()})
   * @param fillMaxBytes {@code cache.fill-max-bytes}: the readers dead-letter larger records
   */
  public MergePartials writingEmbeddings(String modelId, long fillMaxBytes) {
    this.embeddings = new CarriedEmbeddings(modelId, fillMaxBytes);
    return this;
  }

  /**
   * How long an answered query is remembered by default: ten merge timeouts, and at least a minute,
   * so that partials held up well past the timeout (a slow expert, backpressure) still find it.
   */
  public static long defaultAnsweredRetention(long timeoutMillis) {
    return Math.max(60_000L, 10 * timeoutMillis);
  }

  /** Partials dropped because their query was answered already (or replays of one received). */
  long latePartialsDropped() {
    return lateDropped.getCount();
  }

  /** Records this subtask failed on and went on without (for tests). */
  long failures() {
    return failures.count();
  }

  /** Notes whether this subtask restarts from a checkpoint or savepoint (its state is keyed). */
  @Override
  public void initializeState(FunctionInitializationContext ctx) {
    replays =
        ReplayWindow.starting(replayWindowMillis, ctx.isRestored(), System.currentTimeMillis());
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) {}

  @Override
  public void open(OpenContext ctx) {
    hybrid = new HybridRanker();
    partials = getRuntimeContext().getListState(StateDescriptors.partials(PartialResult.class));
    status = getRuntimeContext().getState(StateDescriptors.mergeStatus());
    timeouts = getRuntimeContext().getMetricGroup().counter("mergeTimeouts");
    lateDropped = getRuntimeContext().getMetricGroup().counter("latePartialsDropped");
    shedAnswers = getRuntimeContext().getMetricGroup().counter("shedAnswers");
    failures.open(getRuntimeContext().getMetricGroup(), "mergeFailures");
    fencedItems = getRuntimeContext().getMetricGroup().counter("fencedItems");
    var cache = getRuntimeContext().getMetricGroup().addGroup("cache");
    missLatency = cache.histogram("missLatencyMs", new DescriptiveStatisticsHistogram(1000));
    embeddingHitLatency =
        cache.histogram("embeddingHitLatencyMs", new DescriptiveStatisticsHistogram(1000));
  }

  /**
   * The merge key of a partial: its query id, the time the job accepted the query and a fingerprint
   * of what the query asks ({@link #fingerprint}), so that two different queries a client sent
   * under one id and the job accepted in the same millisecond are merged apart (each gets its own
   * answer) instead of one taking the other's partials and the other none. Identical requests under
   * one id and millisecond are one query (its replayed partials are dropped).
   */
  public static String key(PartialResult p) {
    return p.query().queryId() + "#" + p.tsInMillis() + "#" + fingerprint(p.query());
  }

  /**
   * A hash of everything in {@code q} that changes its answer: the first 128 bits of SHA-256 over
   * the text, {@code top_k}, the canonical filters and the explain flag, each string prefixed by
   * its length (so no two requests encode alike), in hex. The same on every subtask and JVM; a
   * client cannot make two requests share it (a 32-bit polynomial hash before let "aa" with top_k
   * 40 and "ab" with top_k 9 under one id and millisecond take each other's partials).
   */
  static String fingerprint(SearchQuery q) {
    String filters = q.filters() == null ? "" : q.filters().canonical();
    String encoded =
        q.text().length()
            + ":"
            + q.text()
            + "|"
            + q.topK()
            + "|"
            + (q.filters() == null ? "-" : filters.length() + ":" + filters)
            + "|"
            + (q.explain() ? 1 : 0);
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256").digest(encoded.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Adds {@code p} to its query's partials and answers the query once every request answered. A
   * query whose partials cannot be merged (a partial of another ranking model, a score that is not
   * finite, any runtime error of the ranking) is answered as failed (no items, {@code partial}),
   * dead-lettered ({@link #DEAD_LETTERS}) and counted ({@code mergeFailures}), and then handled as
   * answered: its partials are dropped and later ones too, so it never fails the task.
   */
  @Override
  public void processElement(PartialResult p, ReadOnlyContext ctx, Collector<SearchResult> out)
      throws Exception {
    MergeStatus st = status.value();
    if (st != null && (st.done() || contains(st.received(), p.expert()))) {
      lateDropped.inc(); // answered already, or a replayed partial of an expert we have
      if (st.done()) {
        // The query's embedding, carried by a partial its answer did not wait for (shed, timed
        // out): the answer's fill went without it.
        embeddingAlone(p, p.queryVector(), ctx);
      }
      return;
    }
    if (p.degradation() == DegradationLevel.OVERLOADED) {
      // An expert shed its request (ExpertRetrieval#shedAfter): the query is answered at once.
      shedAnswers.inc();
      out.collect(
          QueryFailures.overloadedAnswer(p.query(), p.tsInMillis(), p.embedMs(), p.indexVersion()));
      release(p, vectorOf(p, st), ctx);
      finish(ctx.timerService(), st);
      return;
    }
    int[] received = st == null ? new int[] {p.expert()} : append(st.received(), p.expert());
    if (received.length < p.experts().length) {
      partials.add(p);
      long at;
      if (st == null) {
        long wait =
            replays.inWindow(System.currentTimeMillis()) ? answeredRetentionMillis : timeoutMillis;
        at = ctx.timerService().currentProcessingTime() + wait;
        ctx.timerService().registerProcessingTimeTimer(at);
      } else {
        at = st.timerAt();
      }
      status.update(new MergeStatus(received, at, false));
      return;
    }
    List<PartialResult> all = held();
    all.add(p);
    // A request whose search failed: the answer is partial, without that expert, and not cached.
    int[] answeredBy = answeredBy(received, all);
    Answered answered = answer(p, all, answeredBy, ctx, out);
    float[] vector = carriedVector(all);
    // An explained answer is not cached: its items carry explanations other askers did not want.
    if (answered != null
        && answeredBy == null
        && emitFills
        && p.cacheFill()
        && (p.degradation() == DegradationLevel.NONE
            || CacheFill.SHARED_LEVELS.contains(p.degradation().wireName()))
        && !p.query().explain()) {
      fill(p, answered, all, vector, ctx);
    } else {
      release(p, vector, ctx);
    }
    finish(ctx.timerService(), st);
  }

  /** The query vector one of {@code partials} carries, {@code null} when none does. */
  private static float[] carriedVector(Iterable<PartialResult> partials) {
    for (PartialResult p : partials) {
      if (p.queryVector() != null) {
        return p.queryVector();
      }
    }
    return null;
  }

  /**
   * The query vector of {@code p}'s query, answered now before all its partials arrived: {@code
   * p}'s, or one a partial held ({@code st}: the query's status) carries; {@code null} when none
   * does yet (the partial carrying it is then late, and writes it alone) or embeddings are not
   * written.
   */
  private float[] vectorOf(PartialResult p, MergeStatus st) throws Exception {
    if (p.queryVector() != null) {
      return p.queryVector();
    }
    if (!emitFills || embeddings == null || st == null || !p.cacheFill() || p.embeddingCached()) {
      return null; // no partial of this query carries one: nothing to read
    }
    return carriedVector(held());
  }

  /**
   * The experts of {@code received} whose search did not fail ({@link PartialResult#failed()}), or
   * {@code null} when none of {@code partials} failed.
   */
  private static int[] answeredBy(int[] received, List<PartialResult> partials) {
    if (partials.stream().noneMatch(PartialResult::failed)) {
      return null; // every query but a failed one's: nothing to work out
    }
    int[] failed =
        partials.stream().filter(PartialResult::failed).mapToInt(PartialResult::expert).toArray();
    return Arrays.stream(received).filter(e -> !contains(failed, e)).toArray();
  }

  /** The partials this key holds, in a list of its own. */
  private List<PartialResult> held() throws Exception {
    List<PartialResult> all = new ArrayList<>();
    Iterable<PartialResult> held = partials.get();
    if (held != null) {
      held.forEach(all::add);
    }
    return all;
  }

  /**
   * An emitted answer, the partials it was ranked from (after the {@link ChangeFence}) and its
   * {@link EntryCut} ({@code null}: none).
   */
  private record Answered(SearchResult result, List<PartialResult> ranked, EntryCut cut) {}

  /** A merged answer and its {@link EntryCut} ({@code null}: none). */
  private record Merged(SearchResult result, EntryCut cut) {}

  /** Ranked items and, for a hybrid answer, its {@link EntryCut} ({@code null}: none). */
  private record Fused(RankedItem[] items, EntryCut cut) {}

  /**
   * Emits the answer merged from {@code all} ({@code received}: as in {@link #merged}) and returns
   * it; if they cannot be merged, answers the query as failed ({@link #fail}) and returns {@code
   * null}.
   */
  private Answered answer(
      PartialResult sample,
      List<PartialResult> all,
      int[] received,
      ReadOnlyContext ctx,
      Collector<SearchResult> out) {
    List<PartialResult> ranked;
    Merged merged;
    try {
      ranked = fenced(sample, all, ctx);
      merged = merged(sample, ranked, received);
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      fail(sample, e, ctx, out);
      return null;
    }
    out.collect(merged.result());
    return new Answered(merged.result(), ranked, merged.cut());
  }

  /** How many dense candidates the ranking of a {@code topK} answer takes, by cosine. */
  private int denseDepth(int topK) {
    return ranking.hybrid() ? HybridRanker.denseDepth(ranking.denseDepth(), topK) : topK;
  }

  /**
   * {@code all} checked against the catalogue changes applied since their slots searched ({@link
   * ChangeFence}); candidates dropped are counted ({@code fencedItems}).
   */
  private List<PartialResult> fenced(
      PartialResult sample, List<PartialResult> all, ReadOnlyContext ctx) {
    long now = System.currentTimeMillis();
    for (PartialResult p : all) {
      fenceLagMillis = Math.max(fenceLagMillis, p.deltaLagMs() + (now - p.tsInMillis()));
    }
    ReadOnlyBroadcastState<String, Long> removed = ctx.getBroadcastState(FENCE_REMOVED);
    ReadOnlyBroadcastState<String, LivePatch> patches = ctx.getBroadcastState(FENCE_PATCHES);
    if (isEmpty(removed) && isEmpty(patches)) {
      return all;
    }
    Filters filters = sample.query().filters();
    Set<String> brandKeys = filters == null ? null : LivePatch.brandKeys(filters.brands());
    List<PartialResult> out = new ArrayList<>(all.size());
    for (PartialResult p : all) {
      PartialResult f =
          ChangeFence.apply(
              p, filters, brandKeys, id -> contains(removed, id), id -> get(patches, id));
      fencedItems.inc(p.items().length - f.items().length);
      out.add(f);
    }
    return out;
  }

  private static boolean isEmpty(ReadOnlyBroadcastState<String, ?> state) {
    try {
      return !state.immutableEntries().iterator().hasNext();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean contains(ReadOnlyBroadcastState<String, Long> state, String id) {
    try {
      return state.contains(id);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static LivePatch get(ReadOnlyBroadcastState<String, LivePatch> state, String id) {
    try {
      return state.get(id);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Records a catalogue change in the fence ({@link ChangeFence}): a delete until the product is
   * upserted again, the live price and stock a patch or upsert left until the next change; pruned
   * after the fence retention. A change that cannot be recorded (any runtime error) is counted
   * ({@code mergeFailures}) and logged, not allowed to fail the task.
   */
  @Override
  public void processBroadcastElement(CatalogChange c, Context ctx, Collector<SearchResult> out)
      throws Exception {
    try {
      BroadcastState<String, Long> removed = ctx.getBroadcastState(FENCE_REMOVED);
      BroadcastState<String, LivePatch> patches = ctx.getBroadcastState(FENCE_PATCHES);
      if (c.patch() != null) { // a patch or an upsert: its live price and stock
        patches.put(c.productId(), c.patch());
        removed.remove(c.productId());
      } else if (c.upsert() != null) {
        patches.remove(c.productId());
        removed.remove(c.productId());
      } else {
        patches.remove(c.productId());
        removed.put(c.productId(), c.appliedAtMillis());
      }
      long now = System.currentTimeMillis();
      if (now - lastFencePrune >= FENCE_PRUNE_INTERVAL_MS) {
        lastFencePrune = now;
        pruneFence(removed, patches, now - fenceRetention(fenceLagMillis));
        fenceLagMillis = 0; // the longest lag seen since this prune decides the next one
      }
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failures.record(LOG, "the catalogue change of product " + c.productId(), e);
    }
  }

  /**
   * How long the fence keeps a change when the longest lag seen lately is {@code lagMillis}: twice
   * it, within [{@link #FENCE_MIN_RETENTION_MS}, {@link #FENCE_MAX_RETENTION_MS}].
   */
  static long fenceRetention(long lagMillis) {
    return Math.min(
        FENCE_MAX_RETENTION_MS, Math.max(FENCE_MIN_RETENTION_MS, 2 * Math.max(0, lagMillis)));
  }

  private static void pruneFence(
      BroadcastState<String, Long> removed, BroadcastState<String, LivePatch> patches, long horizon)
      throws Exception {
    List<String> old = new ArrayList<>();
    for (Map.Entry<String, Long> e : removed.entries()) {
      if (e.getValue() < horizon) {
        old.add(e.getKey());
      }
    }
    for (String k : old) {
      removed.remove(k);
    }
    old.clear();
    for (Map.Entry<String, LivePatch> e : patches.entries()) {
      if (e.getValue().appliedAtMillis() < horizon) {
        old.add(e.getKey());
      }
    }
    for (String k : old) {
      patches.remove(k);
    }
  }

  /**
   * Writes a {@link CacheFill.Kind#RELEASE} of {@code p}'s query to {@link #FILLS} when the cache
   * asked for a fill ({@link PartialResult#cacheFill}) and gets none: identical queries the cache
   * holds back for this computation are computed at once. It carries the query's {@code vector}
   * ({@code null}: none), so the embedding cache learns it and those queries skip the model; an
   * explained query, never coalesced, writes the vector alone. A release that cannot be made is
   * counted, not sent (the cache's coalescing timeout then frees them).
   */
  private void release(PartialResult p, float[] vector, ReadOnlyContext ctx) {
    if (!emitFills || !p.cacheFill()) {
      return; // the cache did not ask for this query's answer, nor for its embedding
    }
    if (p.query().explain()) {
      embeddingAlone(p, vector, ctx); // explained queries are never coalesced
      return;
    }
    CacheFill release;
    try {
      release =
          releaseOf(
              p.query(),
              CacheFill.resultVersion(
                  p.indexVersion() == null ? indexVersion : p.indexVersion(), rankingFingerprint));
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failures.record(LOG, "the cache release of query " + p.query().queryId(), e);
      embeddingAlone(p, vector, ctx);
      return;
    }
    send(p, release, vector, ctx);
  }

  /**
   * Writes {@code fill} (a result or release of {@code p}'s query; {@code null}: none) to {@link
   * #FILLS} with the query's {@code vector} ({@link CarriedEmbeddings}); a vector that cannot be
   * cached is counted and logged, {@code fill} written without it.
   */
  private void send(PartialResult p, CacheFill fill, float[] vector, ReadOnlyContext ctx) {
    if (embeddings == null || vector == null) {
      if (fill != null) {
        ctx.output(FILLS, fill);
      }
      return;
    }
    try {
      embeddings.send(
          fill, QueryNormalizer.normalize(p.query().text()), vector, f -> ctx.output(FILLS, f));
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failures.record(LOG, "the embedding fill of query " + p.query().queryId(), e);
    }
  }

  /**
   * Writes {@code p}'s query's {@code vector} ({@code null}: none) as an embedding fill, if the
   * cache asked for the query's fills.
   */
  private void embeddingAlone(PartialResult p, float[] vector, ReadOnlyContext ctx) {
    if (emitFills && vector != null && p.cacheFill()) {
      send(p, null, vector, ctx);
    }
  }

  /** The release of {@code q}'s cache key, computed with index {@code version}, stamped now. */
  static CacheFill releaseOf(SearchQuery q, String version) {
    return CacheFill.release(
        QueryNormalizer.normalize(q.text()),
        q.topK(),
        q.filters() == null ? "" : q.filters().canonical(),
        version,
        System.currentTimeMillis());
  }

  /**
   * Writes {@code answered} to {@link #FILLS}: a result fill when it was served as configured, else
   * (degraded under overload) a release that shares it with the identical queries the cache holds
   * back for it, never cached; either carries the query's {@code vector} ({@code null}: none). A
   * fill that cannot be made is counted, not sent (the vector is then written alone).
   */
  private void fill(
      PartialResult p,
      Answered answered,
      List<PartialResult> all,
      float[] vector,
      ReadOnlyContext ctx) {
    CacheFill fill;
    try {
      SearchResult result = answered.result();
      SearchQuery q = p.query();
      String text = QueryNormalizer.normalize(q.text());
      String filters = q.filters() == null ? "" : q.filters().canonical();
      boolean full = p.degradation() == DegradationLevel.NONE;
      fill =
          new CacheFill(
              full ? CacheFill.Kind.RESULT : CacheFill.Kind.RELEASE,
              text,
              q.topK(),
              filters,
              CacheFill.resultVersion(result.indexVersion(), rankingFingerprint),
              result.items(),
              result.experts(),
              null,
              asOf(p.tsInMillis(), all),
              denseFloor(answered.ranked(), denseDepth(q.topK())),
              lexicalFloor(answered.ranked()),
              full ? null : p.degradation().wireName(),
              full ? answered.cut() : null);
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failures.record(LOG, "the cache fill of query " + p.query().queryId(), e);
      embeddingAlone(p, vector, ctx);
      return;
    }
    send(p, fill, vector, ctx);
  }

  /** Answers {@code sample}'s query as failed with {@code e}, and dead-letters it. */
  private void fail(
      PartialResult sample, Throwable e, ReadOnlyContext ctx, Collector<SearchResult> out) {
    failures.record(LOG, "query " + sample.query().queryId(), e);
    ctx.output(DEAD_LETTERS, failures.deadLetter(sample.query(), e));
    int[] experts =
        Arrays.stream(sample.experts()).filter(x -> !ExpertRequest.isLexical(x)).toArray();
    out.collect(
        QueryFailures.failedAnswer(
            sample.query(),
            sample.tsInMillis(),
            sample.embedMs(),
            experts,
            sample.indexVersion() == null ? indexVersion : sample.indexVersion()));
  }

  /**
   * The time a computed answer is known to reflect the catalogue as of, for the cache's coherence
   * check: its query's acceptance, less the longest {@link PartialResult#deltaLagMs} of its slots
   * (each slot's delta lag counted from its own search: an answer searched after the query waited
   * reflects the updates applied while it waited, up to the lag before the search, so this may be
   * after the acceptance).
   */
  static long asOf(long acceptedMillis, Iterable<PartialResult> all) {
    long lag = Long.MIN_VALUE;
    for (PartialResult p : all) {
      lag = Math.max(lag, p.deltaLagMs());
    }
    return lag == Long.MIN_VALUE ? acceptedMillis : Math.max(0, acceptedMillis - lag);
  }

  /**
   * A computed answer's dense floor ({@link CacheFill#denseFloor}): the lowest of its experts'
   * floors, {@code null} when one is unknown; {@code 1} when no expert was searched (nothing can
   * enter through the dense branch).
   */
  static Float denseFloor(Iterable<PartialResult> all) {
    float floor = Float.POSITIVE_INFINITY;
    for (PartialResult p : all) {
      if (ExpertRequest.isLexical(p.expert())) {
        continue;
      }
      if (Float.isNaN(p.floor())) {
        return null;
      }
      floor = Math.min(floor, p.floor());
    }
    return Math.max(-1f, Math.min(1f, floor));
  }

  /**
   * A computed answer's lexical floor ({@link CacheFill#lexicalFloor}): the lowest BM25 score a
   * product needed to be among its lexical branch's hits, {@code null} when unknown; the largest
   * float when no lexical branch was searched (nothing can enter through it).
   */
  static Float lexicalFloor(Iterable<PartialResult> all) {
    float floor = Float.MAX_VALUE;
    for (PartialResult p : all) {
      if (!ExpertRequest.isLexical(p.expert())) {
        continue;
      }
      if (!(p.floor() >= 0f)) {
        return null; // unknown (NaN), or not a BM25 floor
      }
      floor = Math.min(floor, p.floor());
    }
    return floor;
  }

  /**
   * {@link #denseFloor(Iterable)} raised to the cut of the answer's dense list when its distinct
   * dense candidates fill it: the ranking takes only the best {@code depth} of them by cosine
   * ({@link HybridRanker#fuse}, {@code max(ranking.dense-depth, top_k)}; {@code top_k} for
   * dense-only ranking), so a new product scoring below the {@code depth}-th leaves every input of
   * the ranking as it was, even where it would enter an expert's candidates (it pushes out only
   * candidates below the cut). The cosine a new product needs to change the answer through the
   * dense branch; the cache keeps an answer a new product in its experts cannot change ({@link
   * io.moesearch.core.live.UpsertSignature#mayEnterDensely}). {@code null} when an expert's floor
   * is unknown.
   *
   * @param all the partials the answer was ranked from (after the {@link ChangeFence})
   */
  static Float denseFloor(Iterable<PartialResult> all, int depth) {
    Float floor = denseFloor(all);
    if (floor == null) {
      return null;
    }
    Map<String, Double> best = new HashMap<>();
    for (PartialResult p : all) {
      if (ExpertRequest.isLexical(p.expert())) {
        continue;
      }
      for (int i = 0; i < p.items().length; i++) {
        double cosine =
            p.features() != null ? p.features()[i][RankingFeatures.DENSE] : p.items()[i].score();
        best.merge(p.items()[i].productId(), cosine, Math::max);
      }
    }
    if (best.size() < depth) {
      return floor;
    }
    double[] cosines = best.values().stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(cosines);
    double cut = cosines[cosines.length - depth];
    float down = (float) cut > cut ? Math.nextDown((float) cut) : (float) cut;
    return Math.max(floor, Math.max(-1f, Math.min(1f, down)));
  }

  /**
   * Answers a query still waiting at its timeout with the partials it has ({@code partial}); one
   * whose partials cannot be merged is answered as failed, as in {@link #processElement}.
   */
  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SearchResult> out)
      throws Exception {
    MergeStatus st = status.value();
    if (st == null || st.done()) {
      // The done marker has outlived any straggler: forget the query.
      status.clear();
      return;
    }
    List<PartialResult> got = held();
    if (!got.isEmpty()) {
      if (replays.inWindow(System.currentTimeMillis())) {
        // A wait timer restored from the checkpoint, set before the failure with the plain
        // timeout, fires as soon as the restored clock passes it: before the partials still in
        // flight at the checkpoint (stored with an unaligned one) or recomputed after it have
        // arrived. In the replay window the query waits up to the answered-query retention like
        // any other.
        long at =
            ctx.timerService().currentProcessingTime()
                + Math.max(timeoutMillis, answeredRetentionMillis - timeoutMillis);
        ctx.timerService().registerProcessingTimeTimer(at);
        status.update(new MergeStatus(st.received(), at, false));
        return;
      }
      timeouts.inc();
      int[] answeredBy = answeredBy(st.received(), got);
      answer(got.get(0), got, answeredBy == null ? st.received() : answeredBy, ctx, out);
      release(got.get(0), carriedVector(got), ctx); // a partial answer is never cached
    }
    finish(ctx.timerService(), new MergeStatus(st.received(), Long.MIN_VALUE, false));
  }

  /**
   * Drops the partials, replaces the wait timer by a clean-up timer and marks the query answered
   * for {@code answeredRetentionMillis}.
   */
  private void finish(TimerService timers, MergeStatus st) throws Exception {
    if (st != null && st.timerAt() != Long.MIN_VALUE) {
      timers.deleteProcessingTimeTimer(st.timerAt());
    }
    partials.clear();
    long cleanup = timers.currentProcessingTime() + answeredRetentionMillis;
    timers.registerProcessingTimeTimer(cleanup);
    status.update(new MergeStatus(new int[0], cleanup, true));
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  private static int[] append(int[] a, int v) {
    int[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = v;
    return out;
  }

  private static RankedItem[] exact(List<List<Candidate>> lists, int k, boolean explain) {
    List<Candidate> top = ExactReranker.topK(lists, k);
    RankedItem[] items = new RankedItem[top.size()];
    for (int i = 0; i < items.length; i++) {
      Candidate c = top.get(i);
      items[i] = new RankedItem(c.productId(), c.title(), c.score());
      if (explain) {
        // Dense-only ranking: the score is the exact cosine.
        items[i] =
            items[i].withExplain(
                new FeatureContribution[] {
                  FeatureContribution.of(
                      RankingFeatures.NAMES.get(RankingFeatures.DENSE), c.score(), 1)
                });
      }
    }
    return items;
  }

  /**
   * Each feature's value, weight and contribution to the fused score, in {@link
   * RankingFeatures#NAMES} order.
   */
  static FeatureContribution[] explanation(double[] features, double[] weights) {
    FeatureContribution[] out = new FeatureContribution[features.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = FeatureContribution.of(RankingFeatures.NAMES.get(i), features[i], weights[i]);
    }
    return out;
  }

  /**
   * Hybrid ranking: the same fusion as the core {@link HybridRanker}; scores are fusion scores. The
   * experts' candidates come without features: they are computed here for the dense candidates the
   * fusion keeps ({@link HybridRanker#denseTop}). A partial with features (written by an earlier
   * version, restored from its state) is fused with them.
   */
  private Fused fused(PartialResult sample, Iterable<PartialResult> all, boolean explain) {
    List<HybridRanker.Scored> dense = new ArrayList<>();
    List<Candidate> pending = new ArrayList<>();
    List<HybridRanker.Scored> lexical = new ArrayList<>();
    int lexicalPartials = 0;
    float lexicalFloor = 0;
    for (PartialResult p : all) {
      boolean isLexical = ExpertRequest.isLexical(p.expert());
      if (isLexical) {
        lexicalPartials++;
        lexicalFloor = p.floor();
      }
      for (int i = 0; i < p.items().length; i++) {
        RankedItem item = p.items()[i];
        if (p.features() != null) {
          (isLexical ? lexical : dense)
              .add(new HybridRanker.Scored(item.productId(), item.title(), p.features()[i]));
        } else if (!isLexical && p.brands() != null) {
          pending.add(
              new Candidate(
                  -1, item.productId(), item.title(), p.brands()[i], p.models()[i], item.score()));
        } else {
          throw new IllegalArgumentException(
              "a partial of expert " + p.expert() + " has neither features nor brands and models");
        }
      }
    }
    int depth = HybridRanker.denseDepth(ranking.denseDepth(), sample.query().topK());
    if (!pending.isEmpty()) {
      dense.addAll(hybrid.denseTop(sample.query().text(), pending, depth));
    }
    int k = sample.query().topK();
    List<HybridRanker.Scored> top =
        HybridRanker.fuse(sample.query().text(), dense, lexical, ranking.fusion(), depth, k);
    RankedItem[] items = new RankedItem[top.size()];
    for (int i = 0; i < items.length; i++) {
      HybridRanker.Scored c = top.get(i);
      items[i] =
          new RankedItem(c.productId(), c.title(), (float) ranking.fusion().score(c.features()));
      if (explain) {
        items[i] = items[i].withExplain(explanation(c.features(), ranking.fusion().weights()));
      }
    }
    // One full BM25 list (none of its hits fenced out), whose floor is its last hit's raw score:
    // the cut can be drawn.
    EntryCut cut =
        lexicalPartials == 1 && lexical.size() == ranking.lexicalDepth()
            ? EntryCut.of(
                sample.query().text(),
                dense,
                depth,
                lexical,
                lexicalFloor,
                top,
                ranking.fusion(),
                k)
            : null;
    return new Fused(items, cut);
  }

  /**
   * False when nothing matches an unfiltered query: the BM25 branch found nothing and no dense
   * candidate's cosine similarity reaches {@link RankingSettings#minSimilarity()}. A filtered query
   * always matches the products its filters select (a shopper browsing a brand with a vague text
   * still wants that brand's products); it has no match only when the filters select none.
   */
  private boolean matched(PartialResult sample, Iterable<PartialResult> all) {
    if (sample.query().filters() != null) {
      return true;
    }
    for (PartialResult p : all) {
      if (ExpertRequest.isLexical(p.expert())) {
        if (p.items().length > 0) {
          return true;
        }
        continue;
      }
      for (RankedItem item : p.items()) {
        if (item.score() >= ranking.minSimilarity()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Gives each item the price and stock its partial carried (the experts read live values: the
   * catalogue's, overridden by applied catalogue updates).
   */
  private static void withLiveValues(RankedItem[] items, Iterable<PartialResult> all) {
    if (items.length == 0) {
      return;
    }
    Map<String, RankedItem> byId = new HashMap<>();
    for (PartialResult p : all) {
      for (RankedItem item : p.items()) {
        byId.putIfAbsent(item.productId(), item);
      }
    }
    for (int i = 0; i < items.length; i++) {
      RankedItem src = byId.get(items[i].productId());
      if (src != null) {
        items[i] = items[i].withLive(src.price(), src.inStock());
      }
    }
  }

  /**
   * The answer merged from {@code all}.
   *
   * @param received the experts heard from when the query timed out, {@code null} when complete
   */
  private Merged merged(PartialResult sample, Iterable<PartialResult> all, int[] received) {
    long t0 = System.nanoTime();
    List<List<Candidate>> lists = new ArrayList<>();
    double retrieveMs = 0;
    for (PartialResult p : all) {
      List<Candidate> c = new ArrayList<>(p.items().length);
      for (RankedItem item : p.items()) {
        c.add(new Candidate(-1, item.productId(), item.title(), item.score()));
      }
      lists.add(c);
      if (!p.failed()) {
        retrieveMs = Math.max(retrieveMs, p.retrieveMs());
      }
    }
    boolean explain = sample.query().explain();
    Fused fused =
        matched(sample, all)
            ? ranking.hybrid()
                ? fused(sample, all, explain)
                : new Fused(exact(lists, sample.query().topK(), explain), null)
            : new Fused(new RankedItem[0], null);
    RankedItem[] items = fused.items();
    withLiveValues(items, all);
    double rerankMs = (System.nanoTime() - t0) / 1e6;
    long now = System.currentTimeMillis();
    StageLatency latency =
        new StageLatency(
            sample.embedMs(),
            sample.routeMs(),
            retrieveMs,
            rerankMs,
            Math.max(0, now - sample.tsInMillis()));
    int[] experts =
        Arrays.stream(sample.experts()).filter(e -> !ExpertRequest.isLexical(e)).toArray();
    SearchResult result =
        new SearchResult(
            sample.query().queryId(),
            sample.query().text(),
            items,
            experts,
            sample.indexVersion() == null ? indexVersion : sample.indexVersion(),
            latency,
            sample.embeddingCached() ? SearchResult.CACHE_EMBEDDING : SearchResult.CACHE_MISS,
            sample.tsInMillis(),
            now,
            received != null,
            received == null
                ? experts
                : Arrays.stream(experts).filter(e -> contains(received, e)).toArray(),
            sample.degradation().wireName());
    (sample.embeddingCached() ? embeddingHitLatency : missLatency).update((long) latency.totalMs());
    return new Merged(result, fused.cut());
  }
}
