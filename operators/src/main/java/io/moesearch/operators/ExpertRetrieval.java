package io.moesearch.operators;

import io.moesearch.connectors.message.ExpertStats;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.artifact.ArtifactException;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.artifact.ServingVersions;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.live.DeltaEntry;
import io.moesearch.core.live.LiveFilter;
import io.moesearch.core.live.LiveSlot;
import io.moesearch.core.live.RecentMax;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.core.overload.DegradationLevel;
import io.moesearch.core.overload.ReplayWindow;
import io.moesearch.core.overload.Sojourn;
import io.moesearch.core.overload.SojournBound;
import io.moesearch.core.overload.StandingDelay;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.core.util.Texts;
import io.moesearch.core.util.Vectors;
import io.moesearch.state.ExpertLoad;
import io.moesearch.state.StateDescriptors;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Searches one expert's Lucene HNSW index (or, for negative keys, the BM25 lexical branch), keyed
 * by expert id: {@code top_k × oversample} candidates (brand/price filters applied inside the graph
 * search), rescored exactly and cut to {@code top_k}. Each request names the index version its
 * query was routed with; versions are opened on first use and the two most recently used are kept
 * open, so a version swap needs no restart. A (re)started subtask opens the version the router
 * opens ({@link ServingVersions#current}); a request naming a version that can no longer be opened
 * (its directory removed) is served by the newest open version instead, and counted ({@code
 * versionFallbacks}), rather than failing the job.
 *
 * <p>Keyed by serving slot ({@link ExpertRequest#slot}): without a replicated layout that is the
 * expert id. Keeps each replica's load (the slot's, per expert it served) in keyed state ({@link
 * ExpertLoad}: decayed counts of requests and candidates scored, latency EWMA, last update),
 * publishes it as metrics, and at the end of every {@code statsIntervalMillis} interval in which
 * the slot served emits one {@link ExpertStats} per replica that served to {@link #STATS} (the
 * expert-stats topic). A quiet slot has no timer, and a replica whose decayed activations fell
 * below {@link #NEGLIGIBLE} is removed when its slot next publishes.
 *
 * <p>The live catalogue: the second input carries each slot's share of the applied catalogue
 * updates ({@link SlotDelta}). A slot's delta is kept in keyed state ({@link
 * StateDescriptors#liveDelta}, checkpointed with everything else) and mirrored in a {@link
 * LiveSlot} (an in-memory Lucene index of the upserted products plus deleted-ids and live
 * price/stock filters), rebuilt from the state on the slot's first use after {@code open()} or a
 * restore. Every search goes through it: deleted and replaced products are filtered out inside the
 * artifact's HNSW and BM25 searches, upserted ones are searched in the delta index, and items carry
 * live price and stock. Metrics: {@code liveDeltaEntriesApplied}, {@code liveDeltaEntriesIgnored}
 * (not newer than the slot's), {@code updateToSearchableMs} (histogram: from the update's produce
 * time until this slot serves it), and per slot {@code liveSlot.<slot>.deltaEntries}.
 *
 * <p>Index compaction ({@code index compact}): a compacted version holds the updates it folded, so
 * the first request a slot serves with it drops those entries from the slot's delta ({@link
 * StateDescriptors#liveDeltaFoldedInto} records which version; {@code liveDeltaEntriesFolded}), and
 * later requests routed with an older version of the same line are served with the compacted one
 * ({@code requestsServedByCompactedVersion}), which holds what was dropped. A restart fails, naming
 * it, when a slot's compacted version was removed while the job was down and the version it opens
 * was not compacted from it ({@link ServingVersions#requireFoldedKept}): it would serve without the
 * dropped entries (a deleted product back). Every slot's version is also in operator union state
 * ({@link StateDescriptors#liveDeltaFoldedSlots}), so this is checked in {@code open()}.
 *
 * <p>Overload ({@link #shedAfter}): a request whose query has waited {@code
 * overload.max-sojourn-ms} or longer since its embedding ({@link Sojourn}: here, the queue in front
 * of the experts), while that wait {@linkplain StandingDelay stands} (the subtask's requests waited
 * that long for a whole interval of the bound: not a stall that drains), is not searched; its
 * partial says {@link DegradationLevel#OVERLOADED} and the merge answers the query "overloaded" at
 * once ({@code requestsShed}). So when the experts, not the model, are the bottleneck, the backlog
 * in front of them drains at the cost of a lookup per request instead of growing, and the
 * back-pressure never reaches the cache's hit path. In the {@link ReplayWindow} after a restore
 * nothing is shed.
 */
public final class ExpertRetrieval
    extends KeyedCoProcessFunction<Integer, ExpertRequest, SlotDelta, PartialResult>
    implements CheckpointedFunction {
  public static final OutputTag<ExpertStats> STATS = new OutputTag<>("expert-stats") {};

  private static final Logger LOG = LoggerFactory.getLogger(ExpertRetrieval.class);

  private static final int OPEN_VERSIONS = 2;

  /**
   * How long a delta lag counts for the answers' cache dating ({@link PartialResult#deltaLagMs}).
   */
  static final long DELTA_LAG_WINDOW_MS = 60_000;

  /** Decayed activations below which a quiet replica's load is dropped from state. */
  static final double NEGLIGIBLE = 1e-3;

  private final String artifactDir;
  private final int oversample;
  private final RankingSettings ranking;
  private final long halfLifeMillis;
  private final long statsIntervalMillis;
  private final String watchRoot;
  private final String modelId;
  private long shedAfterMillis;
  private long replayFullQualityMillis;
  private boolean carryVectors;

  private transient SojournBound bound;
  private transient Counter shed;
  private transient LinkedHashMap<String, Version> versions;
  private transient HybridRanker hybrid;
  private transient Map<Long, ExpertLoad> published;
  private transient MapState<Integer, ExpertLoad> load;
  private transient Counter served;
  private transient Counter candidatesReturned;
  private transient String lastVersion;
  private transient String lastDir;
  private transient Counter versionFallbacks;
  private transient Map<Integer, LiveSlot> liveSlots;
  private transient LiveSlot lexicalLive;
  private transient FoldedInto lexicalFolded;
  private transient MapState<String, DeltaEntry> delta;
  private transient Counter deltaApplied;
  private transient Counter deltaIgnored;
  private transient Counter deltaFailures;
  private transient Counter retrievalFailures;
  private transient Histogram updateToSearchable;
  private transient RecentMax deltaLag;
  private transient ValueState<String> foldedInto;
  private transient Map<Integer, FoldedInto> foldedBySlot;

  /**
   * Every slot's {@link #foldedInto} this subtask knows of, by slot: restored from operator union
   * state (all subtasks'), checked before serving ({@link #open}), then the owned slots' kept and
   * written back on each checkpoint.
   */
  private transient ListState<Tuple2<Integer, String>> foldedSlotsState;

  private transient Map<Integer, String> foldedSlots;

  /**
   * What each compacted version a slot of this subtask is folded into folded ({@link
   * IndexArtifact#folded}), by dir: read on the slot's swap or its first late update, dropped once
   * no slot is folded into it any more ({@link #forgetFoldedUnlessRead}).
   */
  private transient Map<String, Map<String, Long>> foldedByDir;

  private transient Counter deltaFolded;
  private transient Counter servedByCompacted;

  /**
   * One open index version: where it was opened from, its artifact, expert indexes opened so far,
   * the lexical index.
   */
  private static final class Version implements AutoCloseable {
    final String dir;
    final IndexArtifact artifact;
    final Map<Integer, ExpertIndex> experts = new HashMap<>();
    ExpertIndex lexical;

    Version(String dir, IndexArtifact artifact) {
      this.dir = dir;
      this.artifact = artifact;
    }

    @Override
    public void close() {
      experts.values().forEach(ExpertIndex::close);
      experts.clear();
      if (lexical != null) {
        lexical.close();
        lexical = null;
      }
    }
  }

  /**
   * A slot's compacted version (its directory and name, {@code null} when it cannot be read) and
   * the versions it was made from ({@link ServingVersions#ancestors}: through compactions and
   * routing updates), whose requests it serves, and when it was made ({@link #asOf}).
   */
  private record FoldedInto(String dir, String version, Set<String> lineage, long madeAt) {
    static final FoldedInto NONE = new FoldedInto(null, null, Set.of(), 0);

    /**
     * When the version at {@code dir} with {@code m} read the catalogue as of ({@link
     * Manifest#catalogueAsOfMillis}), else when it was made (its {@code createdAt}); 0 if neither
     * is known. Orders compacted versions of unrelated lines (neither in the other's lineage).
     */
    static long asOf(Manifest m) {
      if (m.catalogueAsOfMillis() > 0) {
        return m.catalogueAsOfMillis();
      }
      try {
        return m.createdAt() == null ? 0 : Instant.parse(m.createdAt()).toEpochMilli();
      } catch (DateTimeParseException unknown) {
        return 0;
      }
    }

    /**
     * Whether this version folded no later than {@code other}: it is in {@code other}'s lineage,
     * or, neither being in the other's, it was made no later ({@link #asOf}).
     */
    boolean notNewerThan(FoldedInto other) {
      if (version == null || other.lineage.contains(version)) {
        return true;
      }
      if (other.version != null && lineage.contains(other.version)) {
        return false;
      }
      return madeAt <= other.madeAt && !version.equals(other.version);
    }
  }

  /** Dense-only ranking. */
  public ExpertRetrieval(String artifactDir, int oversample) {
    this(artifactDir, oversample, RankingSettings.denseOnly());
  }

  public ExpertRetrieval(String artifactDir, int oversample, RankingSettings ranking) {
    this(artifactDir, oversample, ranking, 60_000, 10_000);
  }

  /**
   * @param halfLifeMillis half-life of the decayed load counts ({@code routing.load-half-life-ms})
   * @param statsIntervalMillis how often a busy expert's statistics go to {@link #STATS} ({@code
   *     routing.stats-interval-ms})
   */
  public ExpertRetrieval(
      String artifactDir,
      int oversample,
      RankingSettings ranking,
      long halfLifeMillis,
      long statsIntervalMillis) {
    this(artifactDir, oversample, ranking, halfLifeMillis, statsIntervalMillis, null);
  }

  /**
   * @param watchRoot the index root whose {@code LATEST} the job follows ({@code null}: none); a
   *     (re)started subtask opens the version it names, as the router does
   */
  public ExpertRetrieval(
      String artifactDir,
      int oversample,
      RankingSettings ranking,
      long halfLifeMillis,
      long statsIntervalMillis,
      String watchRoot) {
    if (oversample < 1) {
      throw new IllegalArgumentException("oversample must be >= 1, got " + oversample);
    }
    if (halfLifeMillis < 1) {
      throw new IllegalArgumentException("halfLifeMillis must be >= 1, got " + halfLifeMillis);
    }
    if (statsIntervalMillis < 1) {
      throw new IllegalArgumentException(
          "statsIntervalMillis must be >= 1, got " + statsIntervalMillis);
    }
    this.artifactDir = artifactDir;
    this.oversample = oversample;
    this.ranking = ranking;
    this.halfLifeMillis = halfLifeMillis;
    this.statsIntervalMillis = statsIntervalMillis;
    this.watchRoot = watchRoot;
    this.modelId =
        watchRoot == null
            ? null
            : IndexArtifact.readManifest(IndexArtifact.resolve(Path.of(artifactDir))).modelId();
  }

  /**
   * Sheds the requests of queries that waited too long after their embedding (see the class
   * comment).
   *
   * @param maxSojournMillis {@code overload.max-sojourn-ms}, {@code > 0}
   * @param replayFullQualityMillis {@code overload.replay-full-quality-ms} under at-least-once
   *     delivery, else 0
   * @throws IllegalArgumentException naming the setting when a value is out of range
   */
  public ExpertRetrieval shedAfter(long maxSojournMillis, long replayFullQualityMillis) {
    this.shedAfterMillis = SojournBound.checked(maxSojournMillis);
    this.replayFullQualityMillis = ReplayWindow.checked(replayFullQualityMillis);
    return this;
  }

  /**
   * Makes one partial of each query whose answer the cache awaits and whose embedding the model
   * computed carry the query's vector ({@link PartialResult#queryVector}): the partial of the first
   * request of its fan-out, so the merge writes the embedding to the cache with the answer, in one
   * fill. Only where the job writes cache fills: elsewhere the vector would cross the network for
   * nothing.
   */
  public ExpertRetrieval carryingQueryVectors() {
    this.carryVectors = true;
    return this;
  }

  /**
   * The query vector {@code req}'s partial carries ({@link #carryingQueryVectors}), {@code null}
   * for every request of a query but the first of its fan-out.
   */
  private float[] carried(ExpertRequest req) {
    return carryVectors
            && req.cacheFill()
            && !req.embeddingCached()
            && req.expert() == req.experts()[0]
        ? req.vector()
        : null;
  }

  /**
   * Notes whether this subtask restarts from a checkpoint or savepoint, and restores every slot's
   * {@link StateDescriptors#liveDeltaFoldedSlots} for {@link #open} to check.
   */
  @Override
  public void initializeState(FunctionInitializationContext ctx) throws Exception {
    foldedSlotsState =
        ctx.getOperatorStateStore().getUnionListState(StateDescriptors.liveDeltaFoldedSlots());
    foldedSlots = new HashMap<>();
    for (Tuple2<Integer, String> e : foldedSlotsState.get()) {
      foldedSlots.put(e.f0, e.f1);
    }
    bound =
        shedAfterMillis == 0
            ? null
            : new SojournBound(
                shedAfterMillis,
                ReplayWindow.starting(
                    replayFullQualityMillis, ctx.isRestored(), System.currentTimeMillis()));
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
    List<Tuple2<Integer, String>> owned = new ArrayList<>(foldedSlots.size());
    foldedSlots.forEach((slot, dir) -> owned.add(Tuple2.of(slot, dir)));
    foldedSlotsState.update(owned);
  }

  @Override
  public void open(OpenContext ctx) {
    shed = getRuntimeContext().getMetricGroup().counter("requestsShed");
    versions = new LinkedHashMap<>(4, 0.75f, true);
    IndexArtifact start =
        ServingVersions.current(
            Path.of(artifactDir), watchRoot == null ? null : Path.of(watchRoot), modelId);
    requireFoldedKept(start);
    lastDir = start.dir().toAbsolutePath().normalize().toString();
    versions.put(lastDir, new Version(lastDir, start));
    lastVersion = start.version();
    versionFallbacks = getRuntimeContext().getMetricGroup().counter("versionFallbacks");
    hybrid = new HybridRanker(ranking.expansion());
    published = new HashMap<>();
    load = getRuntimeContext().getMapState(StateDescriptors.replicaLoad());
    served = getRuntimeContext().getMetricGroup().counter("expertRequests");
    candidatesReturned = getRuntimeContext().getMetricGroup().counter("candidatesReturned");
    liveSlots = new HashMap<>();
    lexicalLive = null;
    lexicalFolded = null;
    delta = getRuntimeContext().getMapState(StateDescriptors.liveDelta());
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    deltaApplied = metrics.counter("liveDeltaEntriesApplied");
    deltaIgnored = metrics.counter("liveDeltaEntriesIgnored");
    deltaFailures = metrics.counter("liveDeltaEntriesFailed");
    retrievalFailures = metrics.counter("retrievalFailures");
    updateToSearchable =
        metrics.histogram("updateToSearchableMs", new DescriptiveStatisticsHistogram(1000));
    foldedInto = getRuntimeContext().getState(StateDescriptors.liveDeltaFoldedInto());
    foldedBySlot = new HashMap<>();
    foldedByDir = new HashMap<>();
    deltaLag = new RecentMax(DELTA_LAG_WINDOW_MS, 6);
    metrics.gauge("liveDeltaLagMs", () -> deltaLag.max(System.currentTimeMillis()));
    deltaFolded = metrics.counter("liveDeltaEntriesFolded");
    servedByCompacted = metrics.counter("requestsServedByCompactedVersion");
  }

  /**
   * Fails the (re)start, naming the directory, when a slot's delta was pruned for a compacted
   * version that can no longer be opened and {@code start} does not hold what it folded ({@link
   * ServingVersions#requireFoldedKept}): served with {@code start}, the slot would bring back the
   * products deleted before that compaction. Every slot's is checked (the restored union state
   * holds all subtasks'), as every subtask opens the same version; afterwards only the slots this
   * subtask owns are kept. Depends on the restored state and the index root only, never on a
   * record.
   */
  private void requireFoldedKept(IndexArtifact start) {
    for (Map.Entry<Integer, String> e : foldedSlots.entrySet()) {
      String[] folded = e.getValue().split("\n", 2);
      Set<String> from =
          folded.length < 2 || folded[1].isEmpty() ? Set.of() : Set.of(folded[1].split(","));
      ServingVersions.requireFoldedKept(Path.of(folded[0]), from, start, "slot " + e.getKey());
    }
    var task = getRuntimeContext().getTaskInfo();
    foldedSlots
        .keySet()
        .removeIf(
            slot ->
                KeyGroupRangeAssignment.assignKeyToParallelOperator(
                        slot,
                        task.getMaxNumberOfParallelSubtasks(),
                        task.getNumberOfParallelSubtasks())
                    != task.getIndexOfThisSubtask());
  }

  /**
   * The version that serves a request for {@code v} in the current slot, given index compaction.
   * The first request for a compacted version drops the slot's delta entries it folded (from state
   * and the live slot) and records the version; after that, a request routed with an older version
   * of its line (in flight across the swap) is served with the compacted one, since the dropped
   * entries are only in its files. A version of another line (a full rebuild) is served as it is.
   */
  private Version compacted(Version v, LiveSlot live, int slot) throws Exception {
    FoldedInto own = foldedInto(slot);
    // The lexical shards share one live slot: once one of them dropped what a version folded, all
    // of them serve the older versions of its line with it.
    FoldedInto f = ExpertRequest.isLexical(slot) && lexicalFolded != null ? lexicalFolded : own;
    if (f.dir() != null && !f.dir().equals(v.dir) && f.lineage().contains(v.artifact.version())) {
      try {
        Version compacted = version(f.dir());
        servedByCompacted.inc();
        return compacted;
      } catch (ArtifactException gone) {
        // removed since: nothing older than it can be served any more either
      }
    }
    Manifest.Compaction c = v.artifact.manifest().compaction();
    if (c != null && !v.dir.equals(own.dir())) {
      Map<String, Long> folded = v.artifact.folded();
      foldedByDir.put(v.dir, folded);
      live.dropFolded(folded); // nothing left to drop when another lexical shard did it first
      // The slot's state drops the same entries (LiveSlot#dropFolded's rule).
      List<String> dropped = new ArrayList<>();
      for (Map.Entry<String, DeltaEntry> e : delta.entries()) {
        Long ts = folded.get(e.getKey());
        if (ts != null && e.getValue().ts() <= ts) {
          dropped.add(e.getKey());
        }
      }
      for (String id : dropped) {
        delta.remove(id);
      }
      deltaFolded.inc(dropped.size());
      foldedInto.update(v.dir);
      // Its ancestors, not only its compaction lineage: a routing update of an older version of
      // the line (which shares its files) is older too, also where written before its lineage
      // named its parent.
      Set<String> from = ServingVersions.ancestors(v.artifact);
      foldedSlots.put(slot, foldedRecord(v.dir, from));
      FoldedInto now =
          new FoldedInto(v.dir, v.artifact.version(), from, FoldedInto.asOf(v.artifact.manifest()));
      foldedBySlot.put(slot, now);
      // Not an older unrelated line's (a request routed with it in flight across a rebuild): the
      // shared slot stays folded into the newer one, whose folded updates the job may not have.
      if (ExpertRequest.isLexical(slot)
          && (lexicalFolded == null || !now.notNewerThan(lexicalFolded))) {
        lexicalFolded = now;
      }
      forgetFoldedUnlessRead(own.dir());
      LOG.info("{} delta entries of a slot folded into {}", dropped.size(), v.artifact.version());
    }
    return v;
  }

  /**
   * Drops {@code dir}'s folded map from {@link #foldedByDir} unless a slot of this subtask is still
   * folded into it ({@link #alreadyFolded} reads no other): a slot that swapped to a newer
   * compacted version never reads its old one's again, and a compaction's map holds every update
   * folded since the build (its base's too), so keeping each version's grew with the number of
   * compactions. Nothing for {@code null} (the slot was folded into none).
   */
  private void forgetFoldedUnlessRead(String dir) {
    if (dir == null || (lexicalFolded != null && dir.equals(lexicalFolded.dir()))) {
      return;
    }
    for (FoldedInto f : foldedBySlot.values()) {
      if (dir.equals(f.dir())) {
        return;
      }
    }
    foldedByDir.remove(dir);
  }

  /**
   * A slot's entry of {@link StateDescriptors#liveDeltaFoldedSlots}: the compacted version's
   * directory, a line break, and the versions it was made from ({@link ServingVersions#ancestors}),
   * comma-separated (version names hold neither).
   */
  static String foldedRecord(String dir, Set<String> from) {
    return dir + "\n" + String.join(",", from);
  }

  /**
   * The compacted version the current slot's delta was pruned for and the versions it was made from
   * ({@link FoldedInto#NONE}: none): read from keyed state (and the versions' manifests) on the
   * slot's first request in this subtask, then kept, so a request costs no state read.
   */
  private FoldedInto foldedInto(int slot) throws Exception {
    FoldedInto f = foldedBySlot.get(slot);
    if (f == null) {
      String dir = foldedInto.value();
      if (dir == null) {
        f = FoldedInto.NONE;
      } else {
        String version = null;
        long madeAt = 0;
        Set<String> from;
        try {
          Manifest m = IndexArtifact.readManifest(Path.of(dir));
          version = m.indexVersion();
          madeAt = FoldedInto.asOf(m);
          from = ServingVersions.ancestors(Path.of(dir), m);
        } catch (ArtifactException | InvalidPathException gone) {
          from = Set.of(); // removed: no request is redirected to it
        }
        f = new FoldedInto(dir, version, from, madeAt);
        // new here only after a restore from an older build
        foldedSlots.put(slot, foldedRecord(dir, from));
      }
      foldedBySlot.put(slot, f);
    }
    return f;
  }

  /**
   * Whether the compacted version this slot has swapped to ({@link #compacted}) folded a state of
   * {@code e}'s product at least as new as {@code e}: {@code e} then arrives late (the compaction
   * read updates this job had not yet brought here), and applying it would bring back an older
   * state, a deleted product among them. The slot forgot its folded entries at the swap ({@link
   * LiveSlot#dropFolded}); the version's folded list remembers them.
   */
  private boolean alreadyFolded(int slot, DeltaEntry e) throws Exception {
    FoldedInto f =
        ExpertRequest.isLexical(slot) && lexicalFolded != null ? lexicalFolded : foldedInto(slot);
    if (f.dir() == null) {
      return false;
    }
    Long ts = folded(f.dir()).get(e.productId());
    return ts != null && e.ts() <= ts;
  }

  /** What the compacted version at {@code dir} folded ({@link #foldedByDir}, read on first use). */
  private Map<String, Long> folded(String dir) {
    Map<String, Long> folded = foldedByDir.get(dir);
    if (folded == null) {
      // Read once per version, not through the open versions (their LRU would keep it open).
      try {
        folded = version(dir).artifact.folded();
      } catch (RuntimeException gone) {
        folded = Map.of(); // removed since: the slot serves a newer version, whose swap re-folds
      }
      foldedByDir.put(dir, folded);
    }
    return folded;
  }

  /**
   * After lexical shard {@code slot}'s state was merged into the shared live slot ({@link
   * #liveSlot}): the shared slot is folded into the newest compacted version any of its shards was
   * folded into ({@link #lexicalFolded}, kept only in memory) and drops what that version folded. A
   * shard that had not served the version keeps, until it does, the entries it folded (the job
   * lagging the compaction, so no newer entry dropped them: {@link #applyDelta}); merged back after
   * a restore they were served by the shards already swapped, whose requests drop nothing, and the
   * older versions' requests were no longer served with the compacted one.
   */
  private void foldLexicalLive(int slot) throws Exception {
    FoldedInto own = foldedInto(slot);
    // Of two unrelated lines (a full rebuild after a compaction) the later made, not the last
    // merged.
    boolean older = lexicalFolded != null && own.notNewerThan(lexicalFolded);
    if (own.dir() != null && !older) {
      FoldedInto was = lexicalFolded;
      lexicalFolded = own;
      if (was != null) {
        forgetFoldedUnlessRead(was.dir());
      }
    }
    if (lexicalFolded != null) {
      lexicalLive.dropFolded(folded(lexicalFolded.dir()));
    }
  }

  /**
   * The current key's live slot: rebuilt from keyed state on first use in this subtask (after
   * {@code open()} or a restore). Must be called with the slot as the current key.
   */
  private LiveSlot liveSlot(int slot) throws Exception {
    LiveSlot s = liveSlots.get(slot);
    if (s == null) {
      if (ExpertRequest.isLexical(slot)) {
        // Every lexical shard receives every change and searches the whole catalogue: the shards
        // of this subtask share one live slot (one delta index to update and reopen, not one per
        // shard), filled from each shard's state on its first use (each product's newest wins,
        // less what the slot's compacted version folded: foldLexicalLive).
        if (lexicalLive == null) {
          lexicalLive = LiveSlot.lexicalOnly();
        }
        s = lexicalLive;
      } else {
        s = new LiveSlot();
      }
      int rejected = s.applyAll(delta.values());
      if (rejected > 0) {
        // Entries this slot's index cannot hold: skipped (the slot rebuilt without them), counted.
        deltaFailures.inc(rejected);
        LOG.warn("{} restored delta entries of slot {} not applied", rejected, slot);
      }
      liveSlots.put(slot, s);
      if (s == lexicalLive) {
        foldLexicalLive(slot);
      }
      LiveSlot registered = s;
      getRuntimeContext()
          .getMetricGroup()
          .addGroup("liveSlot", Integer.toString(slot))
          .gauge("deltaEntries", registered::size);
    }
    return s;
  }

  /** How many live slots this subtask's lexical shards use (for tests: 1 once any is used). */
  long lexicalLiveSlots() {
    return liveSlots.entrySet().stream()
        .filter(e -> ExpertRequest.isLexical(e.getKey()))
        .map(e -> System.identityHashCode(e.getValue()))
        .distinct()
        .count();
  }

  /**
   * Applies one slot's share of a catalogue update, unless the slot already holds a newer one. A
   * lexical shard keeps the entry in its state also when the shared live slot already applied it
   * for another shard. A {@linkplain SlotDelta#relaid re-laid} entry (a layout change) also
   * replaces one of the same {@code ts} and another kind.
   */
  @Override
  public void processElement2(SlotDelta d, Context ctx, Collector<PartialResult> out)
      throws Exception {
    long now = System.currentTimeMillis();
    if (d.appliedAtMillis() > 0) {
      deltaLag.record(now, now - d.appliedAtMillis());
    }
    for (DeltaEntry e : d.entries()) {
      try {
        applyDelta(d, e, now, ctx);
      } catch (RuntimeException | StackOverflowError x) {
        Cancellation.rethrow(x);
        // An entry this slot cannot index would fail the task on every replay: count it, go on.
        deltaFailures.inc();
        if (FailureLogging.logs(deltaFailures.getCount())) {
          LOG.warn(
              "delta of product {} not applied to slot {}",
              FailureLogging.printable(e.productId()),
              d.slot(),
              FailureLogging.printable(x));
        }
      }
    }
  }

  private void applyDelta(SlotDelta d, DeltaEntry e, long now, Context ctx) throws Exception {
    LiveSlot s = liveSlot(ctx.getCurrentKey());
    if (alreadyFolded(ctx.getCurrentKey(), e)) {
      // Older than what the compacted version this slot serves folded for the product (index
      // compact read further than this job had applied): the version already holds a newer state.
      deltaIgnored.inc();
      DeltaEntry kept = delta.get(e.productId());
      if (kept != null && alreadyFolded(ctx.getCurrentKey(), kept)) {
        // A lexical shard whose shared live slot swapped for another shard keeps, until it serves
        // the version itself, what the version folded: drop it here too, as the swap would, so a
        // restore cannot bring back an older state of the product.
        delta.remove(e.productId());
      }
      return;
    }
    if (s.apply(e, d.relaid())) {
      delta.put(e.productId(), e);
      deltaApplied.inc();
      if (!d.relaid() && d.producedAtMillis() > 0) {
        updateToSearchable.update(Math.max(0, now - d.producedAtMillis()));
      }
    } else if (s == lexicalLive && s.entry(e.productId()).ts() == e.ts()) {
      delta.put(e.productId(), e);
    } else {
      deltaIgnored.inc();
    }
  }

  /** The open version at {@code dir}, opened now if needed (closing the least recently used). */
  private Version version(String dir) {
    Version v = versions.get(dir);
    if (v == null) {
      v = new Version(dir, IndexArtifact.loadVerified(Path.of(dir)));
      versions.put(dir, v);
      if (versions.size() > OPEN_VERSIONS) {
        var eldest = versions.entrySet().iterator().next();
        retire(eldest.getValue());
        versions.remove(eldest.getKey());
      }
    }
    return v;
  }

  /**
   * Closes {@code v}, the live slots forgetting their views of its indexes first ({@link
   * LiveSlot#forget}): each view holds the ids of every product its index holds (the lexical one's,
   * the whole catalogue) and the closed index's cached rows.
   */
  private void retire(Version v) {
    for (LiveSlot s : liveSlots.values()) {
      v.experts.values().forEach(s::forget);
      if (v.lexical != null) {
        s.forget(v.lexical);
      }
    }
    v.close();
  }

  /**
   * The version a request names; if that can no longer be opened (removed since it was routed), the
   * newest version opened here.
   */
  private Version versionFor(ExpertRequest req) {
    String dir = req.artifactDir() == null ? lastDir : req.artifactDir();
    Version v;
    try {
      v = version(dir);
    } catch (ArtifactException e) {
      versionFallbacks.inc();
      LOG.warn("serving a request of {} with {}: {}", dir, lastDir, e.getMessage());
      return version(lastDir);
    }
    lastDir = dir;
    return v;
  }

  /**
   * Searches the request's expert and emits its partial. A request that fails here (an expert the
   * index does not have, a vector of another dimension, any runtime error of the search, a stack
   * overflow on a hostile text) is counted ({@code retrievalFailures}) and logged, and a failed
   * partial is emitted ({@link PartialResult#failed(ExpertRequest)}): the merge answers the query
   * without this expert ({@code partial: true}) once it heard from every request, rather than the
   * request failing the task on every replay (a query whose only request failed was never answered
   * while nothing was emitted).
   */
  @Override
  public void processElement1(ExpertRequest req, Context ctx, Collector<PartialResult> out)
      throws Exception {
    if (bound != null) {
      long now = ctx.timerService().currentProcessingTime(); // the wall clock, but for tests
      // The standing wait is at most this request's own: both are at least the bound.
      if (bound.standingWait(now, req.tsInMillis(), req.embedMs()) >= bound.boundMillis()) {
        shed.inc();
        out.collect(shedPartial(req).carrying(carried(req)));
        return;
      }
    }
    try {
      retrieve(req, ctx, out);
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      retrievalFailures.inc();
      if (FailureLogging.logs(retrievalFailures.getCount())) {
        LOG.warn(
            "request of query {} for expert {} failed ({} so far); answered without it",
            FailureLogging.printable(req.query().queryId()),
            req.expert(),
            retrievalFailures.getCount(),
            FailureLogging.printable(e));
      }
      // The merge must hear of it: a query whose every request failed is otherwise never answered.
      out.collect(PartialResult.failed(req).carrying(carried(req)));
    }
  }

  /**
   * The partial of a request not searched because its query waited too long: no items. It keeps the
   * request's {@code cacheFill}, so the merge releases the identical queries the cache holds back
   * for this computation (as the router does for a query it turns away) instead of leaving them to
   * wait out {@code cache.coalesce-wait-ms}.
   */
  private static PartialResult shedPartial(ExpertRequest req) {
    return PartialResult.empty(req, 0, DegradationLevel.OVERLOADED, Float.POSITIVE_INFINITY);
  }

  private void retrieve(ExpertRequest req, Context ctx, Collector<PartialResult> out)
      throws Exception {
    int expert = req.expert();
    LiveSlot live = liveSlot(ctx.getCurrentKey());
    Version v = compacted(versionFor(req), live, ctx.getCurrentKey());
    IndexArtifact artifact = v.artifact;
    lastVersion = artifact.version();
    if (expert >= artifact.manifest().experts()) {
      throw new IllegalStateException(
          "expert " + expert + " is not in index " + artifact.version());
    }
    long t0 = System.nanoTime();
    Filters f = req.query().filters();
    LiveFilter filter =
        f == null
            ? LiveFilter.NONE
            : new LiveFilter(
                f.brands(), f.priceMin(), f.priceMax(), Boolean.TRUE.equals(f.inStock()));
    Found found =
        ExpertRequest.isLexical(expert)
            ? lexical(req, v, live, filter)
            : dense(req, v, live, filter, expert);
    double ms = (System.nanoTime() - t0) / 1e6;
    RankedItem[] items = found.items();
    long examined = found.examined();
    long now = ctx.timerService().currentProcessingTime();
    ExpertLoad current = load.get(expert);
    // Statistics go out at the end of each interval (aligned, so one timer per slot and interval,
    // as Flink keeps one timer per key and time) in which the slot served.
    long intervalEnd = (now / statsIntervalMillis + 1) * statsIntervalMillis;
    if (expert >= 0
        && (current == null || current.lastUpdateMillis() < intervalEnd - statsIntervalMillis)) {
      ctx.timerService().registerProcessingTimeTimer(intervalEnd);
    }
    ExpertLoad next =
        (current == null ? ExpertLoad.EMPTY : current).record(examined, ms, now, halfLifeMillis);
    load.put(expert, next);
    publish(expert, ctx.getCurrentKey(), next);
    served.inc();
    candidatesReturned.inc(items.length);
    out.collect(
        new PartialResult(
            req.query(),
            expert,
            req.experts(),
            items,
            req.tsInMillis(),
            req.embedMs(),
            req.routeMs(),
            ms,
            found.features(),
            req.embeddingCached(),
            artifact.version(),
            req.degradation(),
            req.cacheFill(),
            lagBeforeAcceptance(deltaLag, System.currentTimeMillis(), req.tsInMillis()),
            found.floor(),
            found.brands(),
            found.models(),
            carried(req)));
  }

  /**
   * A search's items, best first, with the partial's parallel arrays ({@link PartialResult}) and
   * the candidates it examined.
   */
  private record Found(
      RankedItem[] items,
      double[][] features,
      String[] brands,
      String[] models,
      float floor,
      long examined) {}

  /**
   * The lexical branch: BM25 top {@code ranking.lexical-depth}, each hit scored densely too, from
   * the full-precision vectors (an upserted product's from the delta), with its features.
   */
  private Found lexical(ExpertRequest req, Version v, LiveSlot live, LiveFilter filter) {
    IndexArtifact artifact = v.artifact;
    if (v.lexical == null) {
      v.lexical = artifact.openLexical();
    }
    String text = req.query().text();
    List<Candidate> hits =
        live.lexicalTopK(v.lexical, hybrid.bm25(text, v.lexical), ranking.lexicalDepth(), filter);
    var vectors = artifact.vectors();
    float[] q = req.vector();
    List<HybridRanker.Scored> scored =
        hybrid.lexical(
            text,
            hits,
            c ->
                c.ordinal() >= 0
                    ? vectors.dot(q, c.ordinal())
                    : Vectors.exactDot(q, live.vector(c.productId())));
    // hybrid.lexical keeps the hits' order: scored.get(i) is hits.get(i) with its features.
    RankedItem[] items = new RankedItem[hits.size()];
    double[][] features = new double[hits.size()][];
    for (int i = 0; i < items.length; i++) {
      features[i] = scored.get(i).features();
      items[i] = item(hits.get(i), (float) features[i][RankingFeatures.DENSE], live, artifact);
    }
    return new Found(
        items,
        features,
        null,
        null,
        lexicalFloor(hits, ranking.lexicalDepth()),
        ranking.lexicalDepth());
  }

  /**
   * An expert's dense search: its best {@code max(top_k, ranking.dense-depth)} by exact cosine (the
   * item's score). With hybrid ranking the items carry their brands and models, not features: those
   * are the merge's work, for the candidates the fusion keeps ({@link HybridRanker#denseTop}).
   */
  private Found dense(ExpertRequest req, Version v, LiveSlot live, LiveFilter filter, int expert) {
    IndexArtifact artifact = v.artifact;
    ExpertIndex index = v.experts.computeIfAbsent(expert, artifact::openExpert);
    int k =
        ranking.hybrid() ? Math.max(req.query().topK(), ranking.denseDepth()) : req.query().topK();
    int over = req.oversample() > 0 ? req.oversample() : oversample;
    List<Candidate> top = live.denseTopK(index, req.vector(), k, over, filter);
    int n = top.size();
    RankedItem[] items = new RankedItem[n];
    String[] brands = ranking.hybrid() ? new String[n] : null;
    String[] models = ranking.hybrid() ? new String[n] : null;
    for (int i = 0; i < n; i++) {
      Candidate c = top.get(i);
      items[i] = item(c, c.score(), live, artifact);
      if (brands != null) {
        // As the features read them: a partial stays bounded whatever an upsert's fields.
        brands[i] = Texts.cut(c.brand(), RankingFeatures.MAX_FIELD_CHARS);
        models[i] = Texts.cut(c.model(), RankingFeatures.MAX_FIELD_CHARS);
      }
    }
    return new Found(items, null, brands, models, denseFloor(top, k), (long) k * over);
  }

  /** A candidate as a result item with {@code score} and its live price and stock. */
  private static RankedItem item(Candidate c, float score, LiveSlot live, IndexArtifact artifact) {
    return new RankedItem(
        c.productId(),
        c.title(),
        score,
        live.price(c),
        live.inStock(c.productId(), !artifact.outOfStock().contains(c.productId())));
  }

  /**
   * How long before a query's acceptance ({@code acceptedMillis}) this slot's answer may miss
   * catalogue updates ({@link PartialResult#deltaLagMs}): the longest delta lag seen lately, less
   * the time from acceptance to this search. An update applied that long before the search has
   * reached the slot (the same premise as the lag itself), so the answer reflects every update
   * applied before {@code nowMillis - lag}; negative when that is after the acceptance (the query
   * waited in queues longer than the deltas do). Dating the answer from its acceptance instead
   * counted every update applied while the query queued as possibly missed, so under load the cache
   * rejected the fills of most answers.
   */
  static long lagBeforeAcceptance(RecentMax lag, long nowMillis, long acceptedMillis) {
    return lag.max(nowMillis) - Math.max(0, nowMillis - acceptedMillis);
  }

  /**
   * The lowest exact score a product needed to be among an expert's {@code k} candidates: the k-th
   * score of a full list, {@link UpsertSignature#ANY} when the list is shorter (anything the slot
   * holds that passes the filter would be in it).
   */
  static float denseFloor(List<Candidate> top, int k) {
    // The list is best first (ExactReranker.topK): its last score is its lowest.
    return top.size() < k ? UpsertSignature.ANY : top.get(top.size() - 1).score();
  }

  /**
   * The lowest BM25 score a product needed to be among the lexical branch's {@code depth} hits: the
   * last hit's score of a full list, 0 when the list is shorter (anything matching a query term
   * would be in it).
   */
  static float lexicalFloor(List<Candidate> hits, int depth) {
    // The hits are best first (LiveSlot.lexicalTopK): the last score is the lowest.
    return hits.size() < depth ? 0f : hits.get(hits.size() - 1).score();
  }

  /**
   * At the end of an interval in which the slot served: the statistics of each replica that served
   * in it; replicas quiet for long enough to be negligible leave the state.
   */
  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PartialResult> out)
      throws Exception {
    int slot = ctx.getCurrentKey();
    List<Integer> negligible = new ArrayList<>();
    for (Map.Entry<Integer, ExpertLoad> e : load.entries()) {
      ExpertLoad l = e.getValue();
      ExpertLoad now = l.decayedTo(timestamp, halfLifeMillis);
      if (l.lastUpdateMillis() >= timestamp - statsIntervalMillis) {
        ctx.output(
            STATS,
            new ExpertStats(
                e.getKey(),
                slot,
                now.activations(),
                now.candidates(),
                now.latencyEwmaMs(),
                l.lastUpdateMillis(),
                lastVersion,
                timestamp));
      } else if (now.activations() < NEGLIGIBLE) {
        negligible.add(e.getKey());
      }
    }
    for (int expert : negligible) {
      load.remove(expert);
    }
  }

  /**
   * Mirrors a replica's state into gauges, registered once per replica this subtask serves (groups
   * {@code expert} then {@code slot}); they read the replica's last recorded load.
   */
  private void publish(int expert, int slot, ExpertLoad value) {
    long key = replicaKey(expert, slot);
    if (published.put(key, value) == null) {
      MetricGroup g =
          getRuntimeContext()
              .getMetricGroup()
              .addGroup("expert", Integer.toString(expert))
              .addGroup("slot", Integer.toString(slot));
      g.gauge("activations", () -> published.get(key).activations());
      g.gauge("candidates", () -> published.get(key).candidates());
      g.gauge("latencyEwmaMs", () -> published.get(key).latencyEwmaMs());
      g.gauge("lastUpdate", () -> published.get(key).lastUpdateMillis());
    }
  }

  private static long replicaKey(int expert, int slot) {
    return ((long) expert << 32) | (slot & 0xFFFFFFFFL);
  }

  @Override
  public void close() {
    if (liveSlots != null) {
      for (LiveSlot s : liveSlots.values()) {
        if (s != lexicalLive) {
          s.close();
        }
      }
      if (lexicalLive != null) {
        lexicalLive.close();
        lexicalLive = null;
      }
      liveSlots.clear();
    }
    if (versions != null) {
      versions.values().forEach(Version::close);
      versions.clear();
    }
  }
}
