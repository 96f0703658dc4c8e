package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.ServingVersions;
import io.moesearch.core.gate.ExpertLoadTracker;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.LoadStats;
import io.moesearch.core.gate.Route;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.live.FilterListing;
import io.moesearch.core.live.ListingChange;
import io.moesearch.core.live.LiveFilter;
import io.moesearch.core.live.LiveMatchCounts;
import io.moesearch.core.overload.DegradationLevel;
import io.moesearch.core.overload.DegradationPolicy;
import io.moesearch.core.overload.ReplayWindow;
import io.moesearch.core.overload.Sojourn;
import io.moesearch.core.overload.SojournBound;
import io.moesearch.core.overload.StandingDelay;
import io.moesearch.core.retrieval.FilterMatchCounts;
import io.moesearch.core.retrieval.FilterQueries;
import io.moesearch.state.StateDescriptors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each embedded query through the MoE gate and fans it out: one {@link ExpertRequest} per
 * activated expert, plus one to the lexical branch when ranking is hybrid. A query with brand or
 * price filters goes to the routed experts that hold matches, widened in gate order until they hold
 * {@code top_k} ({@link LoadAwareRouter#routeFiltered}; matches per expert are counted once per
 * filter and version, {@link FilterMatchCounts}, with the live catalogue's changes on top, {@link
 * LiveMatchCounts}: the applied catalogue changes arrive broadcast, {@link #LISTINGS}, and are kept
 * until the version served folds them, as the slots keep their live delta).
 *
 * <p><b>Load-aware.</b> Routing scores are {@code logit − α · load} ({@link LoadAwareRouter}, the
 * router {@code eval} and {@code bench routing} also route through, so they measure this); the
 * loads are this subtask's own decayed activation counts ({@link ExpertLoadTracker}), kept in
 * operator state so they survive restarts. Router-local counts need no feedback edge and no
 * waiting: each subtask sees a random share of the traffic (Kafka partitions), so its relative
 * loads track the global ones. They decay on the query's client timestamp ({@code ts}) when it has
 * one, else on its acceptance time; replayed queries that carry {@code ts} are routed exactly as
 * before from the restored counts. One query moves that clock by a few half-lives at most ({@link
 * ExpertLoadTracker#MAX_STEP_HALF_LIVES}), so a client {@code ts} far ahead (the parser accepts up
 * to an hour) cannot make every later query's activation count for nothing. With a replicated
 * expert layout ({@link ExpertPlacement}, from {@code routing update} with {@code
 * routing.replica-slots}) the counts are per serving slot and each activated expert is sent to its
 * least-loaded replica's slot, the retrieval operator's key. A confident query (low gate entropy)
 * takes the fast path: fewer experts and a smaller HNSW candidate count.
 *
 * <p><b>Version swaps.</b> With a watched index root, a new {@code LATEST} (a re-learned gate or a
 * rebuilt index) is loaded and verified in the background and swapped in between two queries; every
 * request carries the version its query was routed with, so each query is served by one version end
 * to end and none is lost or stalled. A (re)started router opens the version {@code LATEST} names
 * then, if it verifies, else the submitted one ({@link ServingVersions#current}): a restart never
 * depends on a version directory that may have been removed since the job was submitted.
 *
 * <p><b>Overload.</b> A query carries the {@link DegradationLevel} the embedding stage gave it: its
 * route is cut accordingly ({@link DegradationLevel#apply}) and every request says so, and an
 * {@linkplain DegradationLevel#OVERLOADED overloaded} query is answered here at once, on the {@link
 * #OVERLOADED} side output (no items, {@code degraded: overloaded}), without touching an expert.
 * With {@link #overloadAfter} the router also acts on what the embedding stage cannot see: a
 * query's {@linkplain Sojourn sojourn after its embedding} (a backlog behind the model when the
 * experts are the bottleneck, or a query whose embedding came from the cache and never queued for
 * the model), as far as it {@linkplain StandingDelay stands} over an interval of the bound (a stall
 * that drains degrades nothing), is mapped to a level by a {@link DegradationPolicy} over {@code
 * overload.max-sojourn-ms}, and the higher of the two levels serves ({@code sojournDegraded} counts
 * the queries it raised). In the {@link ReplayWindow} after a restore nothing is raised. Metrics
 * count the queries per level ({@code degradedQueries_<level>}).
 */
public final class RouteQueries
    extends BroadcastProcessFunction<EmbeddedQuery, CatalogChange, ExpertRequest>
    implements CheckpointedFunction {
  /**
   * The applied catalogue changes, broadcast state (product id → its newest change): what a
   * filtered query's matches are counted live with. A change the version served folded ({@link
   * #prune}) is not kept.
   */
  public static final MapStateDescriptor<String, ListingChange> LISTINGS =
      StateDescriptors.routeListings();

  /**
   * Immediate answers: to queries turned away because the job was overloaded, and to queries that
   * could not be routed ({@link QueryFailures}: no items, {@code partial}).
   */
  public static final OutputTag<SearchResult> OVERLOADED =
      new OutputTag<>("overloaded", TypeInformation.of(SearchResult.class)) {};

  /** Queries that could not be routed, with the reason ({@link QueryFailures}). */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = ParseQueries.DEAD_LETTERS;

  /**
   * A {@link CacheFill.Kind#RELEASE} for each query answered here whose answer the cache asked for
   * ({@link EmbeddedQuery#cacheFill}): identical queries it holds back are computed at once. With
   * {@link #writingEmbeddings}, it carries the query's embedding when the model computed it (so the
   * embedding cache learns it, and those queries skip the model), or is preceded by that embedding
   * alone when the two would not fit in one record.
   */
  public static final OutputTag<CacheFill> RELEASES =
      new OutputTag<>("cache-releases", TypeInformation.of(CacheFill.class)) {};

  private static final Logger LOG = LoggerFactory.getLogger(RouteQueries.class);

  private final String artifactDir;
  private final LoadAwareRoutingConfig routing;
  private final boolean lexicalBranch;
  private final String watchRoot;
  private final long watchIntervalMillis;
  private final String modelId;

  private transient Serving serving;

  /** How many queries this subtask sent to the lexical branch: it takes the shards in turn. */
  private transient int lexicalTurn;

  private transient ExpertLoadTracker tracker;
  private transient ListState<ExpertLoadTracker.Snapshot> trackerState;
  private transient VersionFollower follower;
  private transient Histogram activated;
  private transient Counter fastPath;
  private transient Counter swaps;
  private transient Counter swapFailures;
  private transient EnumMap<DegradationLevel, Counter> degraded;
  private QueryFailures failures = new QueryFailures("route", null);
  private long sojournBoundMillis;
  private long replayFullQualityMillis;
  private CarriedEmbeddings embeddings;
  private transient DegradationPolicy sojourn;
  private transient SojournBound bound;
  private transient Counter sojournDegraded;

  /** The changes in {@link #LISTINGS} against the version served; null until built. */
  private transient LiveMatchCounts live;

  /**
   * {@link #LISTINGS}, writable: also pruned where the version served changes ({@link #prune}),
   * outside {@link #processBroadcastElement}.
   */
  private transient BroadcastState<String, ListingChange> listingState;

  /**
   * The version being served and its router (which holds this subtask's load tracker).
   *
   * @param folded the products the version folded → the {@code ts} it folded ({@link
   *     IndexArtifact#folded}; empty for a version that is not compacted)
   */
  private record Serving(
      String dir,
      String version,
      String modelId,
      LoadAwareRouter router,
      FilterMatchCounts matches,
      Map<String, Long> folded) {}

  /** Filters whose per-expert match counts a router subtask remembers. */
  static final int REMEMBERED_FILTERS = 4096;

  /** Dense-only routing, balancing and the fast path off, no version watching. */
  public RouteQueries(String artifactDir, RoutingConfig routing) {
    this(artifactDir, LoadAwareRoutingConfig.plain(routing, 1), false, null, 0);
  }

  /**
   * @param lexicalBranch also send each query to the lexical (BM25) branch, for hybrid ranking
   * @param watchRoot an index root whose {@code LATEST} is watched for new versions ({@code null}:
   *     serve {@code artifactDir} only)
   * @param watchIntervalMillis how often {@code LATEST} is read
   */
  public RouteQueries(
      String artifactDir,
      LoadAwareRoutingConfig routing,
      boolean lexicalBranch,
      String watchRoot,
      long watchIntervalMillis) {
    if (artifactDir == null || routing == null) {
      throw new IllegalArgumentException("artifact dir and routing config are required");
    }
    if (watchRoot != null && watchIntervalMillis < 1) {
      throw new IllegalArgumentException(
          "watchIntervalMillis must be >= 1, got " + watchIntervalMillis);
    }
    this.artifactDir = artifactDir;
    this.routing = routing;
    this.lexicalBranch = lexicalBranch;
    this.watchRoot = watchRoot;
    this.watchIntervalMillis = watchIntervalMillis;
    // Read now, where the submitted artifact is known to exist: every later version must match it.
    this.modelId =
        watchRoot == null
            ? null
            : IndexArtifact.readManifest(IndexArtifact.resolve(Path.of(artifactDir))).modelId();
  }

  /**
   * Names the query topic in the dead letters of queries that cannot be routed ({@code null}: the
   * default topic).
   */
  public RouteQueries deadLettersFrom(String queryTopic) {
    failures = new QueryFailures("route", queryTopic);
    return this;
  }

  /**
   * Degrades or turns away queries by their {@linkplain Sojourn sojourn after the embedding} too
   * (see the class comment).
   *
   * @param maxSojournMillis {@code overload.max-sojourn-ms}, {@code > 0}
   * @param replayFullQualityMillis {@code overload.replay-full-quality-ms} under at-least-once
   *     delivery, else 0
   * @throws IllegalArgumentException naming the setting when a value is out of range
   */
  public RouteQueries overloadAfter(long maxSojournMillis, long replayFullQualityMillis) {
    this.sojournBoundMillis = SojournBound.checked(maxSojournMillis);
    this.replayFullQualityMillis = ReplayWindow.checked(replayFullQualityMillis);
    return this;
  }

  /**
   * Writes the embedding of each query answered here that the model computed for it, with the
   * query's release ({@link #RELEASES}): a query turned away here (or one that could not be routed)
   * was embedded, and the embedding cache learns it as it learns every computed one.
   *
   * @param modelId the id of the model that computed the embeddings
   * @param fillMaxBytes {@code cache.fill-max-bytes}: the readers dead-letter larger records
   */
  public RouteQueries writingEmbeddings(String modelId, long fillMaxBytes) {
    this.embeddings = new CarriedEmbeddings(modelId, fillMaxBytes);
    return this;
  }

  @Override
  public void initializeState(FunctionInitializationContext ctx) throws Exception {
    bound =
        sojournBoundMillis == 0
            ? null
            : new SojournBound(
                sojournBoundMillis,
                ReplayWindow.starting(
                    replayFullQualityMillis, ctx.isRestored(), System.currentTimeMillis()));
    trackerState = ctx.getOperatorStateStore().getListState(StateDescriptors.routerLoads());
    listingState = ctx.getOperatorStateStore().getBroadcastState(LISTINGS);
    for (ExpertLoadTracker.Snapshot s : trackerState.get()) {
      // After a rescale a subtask may get several subtasks' counts: any one is a fair sample.
      if (tracker == null) {
        tracker = ExpertLoadTracker.restore(s, routing.loadHalfLifeMs());
      }
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
    trackerState.update(List.of(tracker.snapshot()));
  }

  @Override
  public void open(OpenContext ctx) {
    serving =
        serve(
            ServingVersions.current(
                Path.of(artifactDir), watchRoot == null ? null : Path.of(watchRoot), modelId));
    var metrics = getRuntimeContext().getMetricGroup();
    activated = metrics.histogram("expertsActivated", new DescriptiveStatisticsHistogram(1000));
    fastPath = metrics.counter("fastPathQueries");
    swaps = metrics.counter("indexVersionSwaps");
    swapFailures = metrics.counter("indexVersionSwapFailures");
    failures.open(metrics, "routingFailures");
    sojourn = sojournBoundMillis == 0 ? null : new DegradationPolicy(sojournBoundMillis);
    sojournDegraded = metrics.counter("sojournDegraded");
    degraded = new EnumMap<>(DegradationLevel.class);
    for (DegradationLevel l : DegradationLevel.values()) {
      degraded.put(l, metrics.counter("degradedQueries_" + l.wireName()));
    }
    if (watchRoot != null) {
      follower =
          new VersionFollower(
              Path.of(watchRoot),
              watchIntervalMillis,
              Path.of(serving.dir()),
              modelId,
              e -> {
                swapFailures.inc();
                LOG.warn("not swapping to the new index version: {}", e.getMessage());
              });
    }
    var routingGroup = metrics.addGroup("routing");
    // Read at the tracker's own clock: both are scale-free, and a read at the wall clock would move
    // the clock the routing decays on (from the reporter's thread, at no event).
    routingGroup.gauge(
        "utilisation", () -> LoadStats.utilisation(tracker.snapshot().activations()));
    routingGroup.gauge(
        "loadEntropy", () -> LoadStats.normalisedEntropy(tracker.snapshot().activations()));
    routingGroup.gauge("indexVersion", () -> serving.version());
  }

  /**
   * The version's router over this subtask's load tracker; a tracker of another slot count (a new
   * layout) starts afresh.
   */
  private Serving serve(IndexArtifact a) {
    ExpertPlacement placement = a.placement();
    if (tracker == null || tracker.experts() != placement.slots()) {
      tracker = new ExpertLoadTracker(placement.slots(), routing.loadHalfLifeMs());
    }
    return new Serving(
        a.dir().toAbsolutePath().normalize().toString(),
        a.version(),
        a.manifest().modelId(),
        LoadAwareRouter.serving(a.gate(), routing, placement, tracker),
        new FilterMatchCounts(a, REMEMBERED_FILTERS),
        a.folded());
  }

  /** Records this subtask failed on and went on without (for tests). */
  long failures() {
    return failures.count();
  }

  /** Swaps in a newly verified version between two queries (a clean point). */
  private void maybeSwap() {
    if (follower == null) {
      return;
    }
    IndexArtifact next = follower.poll(System.currentTimeMillis());
    if (next != null) {
      serving.matches().close();
      serving = serve(next);
      live = null; // pruned for and listed again against the new version
      swaps.inc();
      LOG.info("now routing with index version {}", serving.version());
    }
  }

  /**
   * Routes {@code q}, or, when routing it throws (a vector the gate cannot take, any runtime error
   * of the router), answers it at once on {@link #OVERLOADED} as failed (no items, {@code
   * partial}), dead-letters it ({@link #DEAD_LETTERS}) and counts it ({@code routingFailures}): a
   * query never fails the task, and no request of it is sent, so the merge holds nothing for it.
   */
  @Override
  public void processElement(EmbeddedQuery q, ReadOnlyContext ctx, Collector<ExpertRequest> out)
      throws Exception {
    maybeSwap();
    if (live == null) {
      live = listings();
    }
    List<ExpertRequest> requests;
    try {
      requests = route(q, ctx);
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failures.record(LOG, "query " + q.query().queryId(), e);
      ctx.output(DEAD_LETTERS, failures.deadLetter(q.query(), e));
      ctx.output(
          OVERLOADED,
          QueryFailures.failedAnswer(
              q.query(), q.tsInMillis(), q.embedMs(), null, serving.version()));
      release(q, ctx);
      return;
    }
    // Emitted only once all are built: a query is either fanned out whole or answered as failed.
    for (ExpertRequest r : requests) {
      out.collect(r);
    }
  }

  /**
   * The matches of {@code f} per expert: the artifact's, with the applied changes counted. Only
   * once the listings are built (after the first element; for tests).
   */
  int[] liveMatches(Filters f) {
    boolean inStock = Boolean.TRUE.equals(f.inStock());
    int[] counts =
        serving
            .matches()
            .counts(
                f.canonical(),
                () -> FilterQueries.of(f.brands(), f.priceMin(), f.priceMax(), inStock));
    return live.counts(counts, new LiveFilter(f.brands(), f.priceMin(), f.priceMax(), inStock));
  }

  /**
   * Keeps an applied catalogue change: a filtered query's matches are counted with it from now on
   * ({@link LiveMatchCounts}). Each product's newest change is kept until the version served folded
   * the product at its {@code ts} or a newer one ({@link #prune}); one that arrives no newer than
   * that (the compaction read further than this job had applied) is not kept, as the slots ignore
   * it ({@code ExpertRetrieval}). Not by equality with the version's listing: a compaction may fold
   * an older change of a product that the newest one undid, and a later compaction its newer one.
   */
  @Override
  public void processBroadcastElement(CatalogChange c, Context ctx, Collector<ExpertRequest> out)
      throws Exception {
    if (live == null) {
      live = listings();
    }
    BroadcastState<String, ListingChange> listings = ctx.getBroadcastState(LISTINGS);
    ListingChange change =
        new ListingChange(c.patch(), c.upsert() == null ? null : c.upsert().experts(), c.ts());
    if (folded(c.productId(), change)) {
      // Per product, changes come in ts order: none kept is newer. Counted as the version lists it.
      listings.remove(c.productId());
      live.put(c.productId(), null, null);
      return;
    }
    listings.put(c.productId(), change);
    list(c.productId(), change);
  }

  /** Changed products whose live listing differs from the served version's (for tests). */
  int liveChanges() {
    return live == null ? -1 : live.size();
  }

  /**
   * {@link #live} over {@link #LISTINGS}, {@linkplain #prune pruned} for and listed against the
   * version served: built at the first element after {@code open()} (a start or restore) and after
   * each version swap.
   */
  private LiveMatchCounts listings() throws Exception {
    prune();
    live = new LiveMatchCounts();
    for (Map.Entry<String, ListingChange> e : listingState.immutableEntries()) {
      list(e.getKey(), e.getValue());
    }
    return live;
  }

  /**
   * Drops from {@link #LISTINGS} every change the version served {@linkplain #folded folded}: it
   * lists the product as the change left it or newer, so the change counts nothing with it, nor
   * with a version compacted from it (whose folded {@code ts} are never older), and the slots
   * dropped it from their live delta too. What is kept is a function of the changes received and
   * the version served only, so every subtask serving a version holds the same listings, and a
   * restored copy of a subtask still on an older version of the line is pruned to them here.
   */
  private void prune() throws Exception {
    if (serving.folded().isEmpty()) {
      return;
    }
    List<String> dropped = new ArrayList<>();
    for (Map.Entry<String, ListingChange> e : listingState.immutableEntries()) {
      if (folded(e.getKey(), e.getValue())) {
        dropped.add(e.getKey());
      }
    }
    for (String id : dropped) {
      listingState.remove(id);
    }
  }

  /** Whether the version served folded product {@code id} at {@code change}'s ts or a newer one. */
  private boolean folded(String id, ListingChange change) {
    return change.foldedAt(serving.folded().get(id));
  }

  /**
   * Counts {@code id}'s change live; one that cannot be listed (any runtime error of the artifact's
   * lookup) is counted ({@code routingFailures}) and left out: filtered queries then count that
   * product as the artifact lists it.
   */
  private void list(String id, ListingChange change) {
    try {
      FilterListing artifact = serving.matches().listingOf(id);
      FilterListing now = FilterListing.after(artifact, change.patch(), change.experts());
      live.put(id, artifact, now);
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failures.record(LOG, "the catalogue change of product " + id, e);
    }
  }

  /**
   * Emits the {@link #RELEASES release} of {@code q}, answered here, if the cache awaits it, with
   * its embedding when the model computed it ({@link #writingEmbeddings}).
   */
  private void release(EmbeddedQuery q, ReadOnlyContext ctx) {
    if (!q.cacheFill()) {
      return;
    }
    CacheFill release;
    try {
      release = MergePartials.releaseOf(q.query(), serving.version());
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      // The query is answered already; the cache's coalescing timeout frees its waiters.
      failures.record(LOG, "the cache release of query " + q.query().queryId(), e);
      return;
    }
    if (embeddings == null || q.embeddingCached() || q.isOverloaded()) {
      ctx.output(RELEASES, release);
      return;
    }
    try {
      embeddings.send(release, release.text(), q.vector(), f -> ctx.output(RELEASES, f));
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      // The release went without it (CarriedEmbeddings#send): only the embedding is not cached.
      failures.record(LOG, "the embedding fill of query " + q.query().queryId(), e);
    }
  }

  /** The requests of {@code q} (none when it is answered here, overloaded). */
  private List<ExpertRequest> route(EmbeddedQuery q, ReadOnlyContext ctx) {
    DegradationLevel level = level(q, ctx.currentProcessingTime());
    degraded.get(level).inc();
    if (level == DegradationLevel.OVERLOADED) {
      ctx.output(
          OVERLOADED,
          QueryFailures.overloadedAnswer(
              q.query(), q.tsInMillis(), q.embedMs(), serving.version()));
      release(q, ctx);
      return List.of();
    }
    long t0 = System.nanoTime();
    Filters f = q.query().filters();
    LoadAwareRouter router = serving.router();
    // The event time (ParseQueries: the client's ts, else the Kafka record's timestamp), the same
    // when a record is replayed; the wall clock at parsing only for a record without either.
    long eventTime = q.query().ts() > 0 ? q.query().ts() : q.tsInMillis();
    // A filter can be selective enough that the routed experts hold too few matches: a filtered
    // query goes as far as it needs to find top_k matches (each a filtered search, exact when
    // selective), and a filter most products pass costs what an unfiltered query costs. Matches are
    // counted live: the artifact's (brand, price and stock) with the applied catalogue changes on
    // top. An in_stock-only filter routes like an unfiltered query (the searches apply live stock,
    // and the routed experts hold far more than top_k products).
    boolean filtered =
        f != null
            && ((f.brands() != null && f.brands().length > 0)
                || f.priceMin() != null
                || f.priceMax() != null);
    Route route =
        filtered
            ? router.routeFiltered(
                q.vector(), eventTime, liveMatches(f), Math.max(q.query().topK(), 1))
            : router.route(q.vector(), eventTime);
    route = level.apply(route, routing.fastOversample());
    int[] experts = route.experts();
    int[] slots = route.slots();
    // 0 = the retrieval operator's own oversample: only the fast path (or a cut) asks for another.
    int oversample =
        route.fast() || level.compareTo(DegradationLevel.FEWER_CANDIDATES) >= 0
            ? route.oversample()
            : 0;
    if (route.fast()) {
      fastPath.inc();
    }
    activated.update(experts.length);
    if (lexicalBranch) {
      int lexical = ExpertRequest.lexicalShard(lexicalTurn++);
      experts = Arrays.copyOf(experts, experts.length + 1);
      experts[experts.length - 1] = lexical;
      slots = Arrays.copyOf(slots, slots.length + 1);
      slots[slots.length - 1] = lexical;
    }
    double routeMs = (System.nanoTime() - t0) / 1e6;
    List<ExpertRequest> requests = new ArrayList<>(experts.length);
    for (int i = 0; i < experts.length; i++) {
      int e = experts[i];
      requests.add(
          new ExpertRequest(
              q.query(),
              q.vector(),
              e,
              experts,
              q.tsInMillis(),
              q.embedMs(),
              routeMs,
              q.embeddingCached(),
              serving.dir(),
              serving.version(),
              oversample,
              slots[i],
              level,
              q.cacheFill()));
    }
    return requests;
  }

  /** The level {@code q} is served at: its own, or higher by its sojourn (class comment). */
  private DegradationLevel level(EmbeddedQuery q, long now) {
    DegradationLevel level = q.degradation();
    if (bound == null || level == DegradationLevel.OVERLOADED) {
      return level;
    }
    DegradationLevel late = sojourn.admit(bound.standingWait(now, q.tsInMillis(), q.embedMs()));
    if (late.compareTo(level) > 0) {
      sojournDegraded.inc();
      return late;
    }
    return level;
  }

  @Override
  public void close() {
    if (follower != null) {
      follower.close();
    }
    if (serving != null) {
      serving.matches().close();
    }
  }
}
