package io.moesearch.state;

import io.moesearch.core.gate.ExpertLoadTracker;
import io.moesearch.core.live.DeltaEntry;
import io.moesearch.core.live.ListingChange;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.Unapplied;
import io.moesearch.core.live.UpsertSignature;
import java.time.Duration;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * Every state descriptor of the streaming job, with its name and its TTL policy: the one place to
 * look up what the job keeps in state and for how long. The names are part of every checkpoint and
 * savepoint: changing one orphans that state on restore.
 *
 * <p>Where a state's value is a stream record of the operators module (a query waiting for a
 * coalesced result, a partial result waiting for the merge), the operator passes its class in: this
 * module does not depend on the operators.
 */
public final class StateDescriptors {
  private StateDescriptors() {}

  /** Query cache L2: final results per query variant (keyed by normalised query text). */
  public static final String CACHED_RESULTS = "cached-results";

  /** Query cache L3: the query's embedding (keyed by normalised query text). */
  public static final String CACHED_EMBEDDING = "cached-embedding";

  /** Query cache: how often a text was computed lately (the admission doorkeeper). */
  public static final String ASKED = "asked";

  /** Query cache coalescing: per query variant, when its first miss went downstream. */
  public static final String IN_FLIGHT = "in-flight";

  /** Query cache coalescing: how many of a text's variants are in {@link #IN_FLIGHT}. */
  public static final String IN_FLIGHT_COUNT = "in-flight-count";

  /**
   * Query cache coalescing, the layout of builds up to {@code 9d13c10} (before {@code
   * coalesced-waiter-queue}): queries waiting for an identical query's result, keyed by variant,
   * query id and acceptance time; only read (to answer such waiters restored from a savepoint of a
   * build before), never written.
   */
  public static final String COALESCED_WAITERS = "coalesced-waiters";

  /**
   * Query cache coalescing: queries waiting for an identical query's result, by variant and rank.
   */
  public static final String COALESCED_WAITER_QUEUE = "coalesced-waiter-queue";

  /** Query cache coalescing: how many queries wait for each variant's result. */
  public static final String COALESCED_WAITER_COUNTS = "coalesced-waiter-counts";

  /** Merge: the partial results received so far (keyed by merge key). */
  public static final String PARTIALS = "partials";

  /** Merge: experts heard from, pending timer, answered marker (keyed by merge key). */
  public static final String MERGE_STATUS = "merge-status";

  /** Routing: each router subtask's decayed activation counts (operator list state). */
  public static final String ROUTER_LOADS = "router-loads";

  /** Expert retrieval: per-replica load statistics (keyed by serving slot). */
  public static final String REPLICA_LOAD = "replica-load";

  /** Catalogue updates: each changed product's newest applied state (keyed by product id). */
  public static final String CATALOG_PRODUCT = "catalog-product";

  /** Catalogue updates: an upserted product's query-cache signature (keyed by product id). */
  public static final String CATALOG_SIGNATURE = "catalog-signature";

  /**
   * Catalogue updates: what a product's state remembers of updates not applied because it was
   * unknown (a tombstone, newer patched values; keyed by product id, with a TTL). A patch of a
   * deleted product is kept by its {@link #CATALOG_PRODUCT} state.
   */
  public static final String CATALOG_UNAPPLIED = "catalog-unapplied";

  /** Catalogue updates: the serving layout the kept states were fanned out under (operator). */
  public static final String CATALOG_LAYOUT = "catalog-layout";

  /** Query cache: recent catalogue changes (broadcast state). */
  public static final String CATALOG_CHANGES = "catalog-changes";

  /** Query cache: recent patches' live price and stock (broadcast state). */
  public static final String CATALOG_PATCHES = "catalog-patches";

  /** Query cache: recent upserts' signatures (broadcast state). */
  public static final String CATALOG_UPSERTS = "catalog-upserts";

  /** Merge: products deleted lately, the newest change of each (broadcast state). */
  public static final String MERGE_FENCE_REMOVED = "merge-fence-removed";

  /** Merge: recent patches' live price and stock (broadcast state). */
  public static final String MERGE_FENCE_PATCHES = "merge-fence-patches";

  public static final String ROUTE_LISTINGS = "route-listings";

  /** Expert retrieval: the live delta of a serving slot, by product id (keyed by slot). */
  public static final String LIVE_DELTA = "live-delta";

  /**
   * Expert retrieval: the compacted version whose folded entries a slot's live delta has dropped
   * (keyed by slot).
   */
  public static final String LIVE_DELTA_FOLDED_INTO = "live-delta-folded-into";

  /**
   * Expert retrieval: every slot's {@link #LIVE_DELTA_FOLDED_INTO}, as operator union state, so a
   * restarted subtask can check them all before it serves.
   */
  public static final String LIVE_DELTA_FOLDED_SLOTS = "live-delta-folded-slots";

  /**
   * The TTL of the query cache's L2 and L3: counted from creation or last write (a read does not
   * extend it), an expired entry is never returned, and expired entries are dropped by RocksDB
   * compaction and incrementally on access with the heap backend.
   */
  public static StateTtlConfig cacheTtl(long ttlMillis) {
    return StateTtlConfig.newBuilder(Duration.ofMillis(ttlMillis))
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        .cleanupInRocksdbCompactFilter(1000)
        .cleanupIncrementally(5, false)
        .build();
  }

  /** L2 of the query cache: final results by query variant, expiring after {@code ttlMillis}. */
  public static MapStateDescriptor<String, CachedResult> cachedResults(long ttlMillis) {
    MapStateDescriptor<String, CachedResult> d =
        new MapStateDescriptor<>(
            CACHED_RESULTS, Types.STRING, TypeInformation.of(CachedResult.class));
    d.enableTimeToLive(cacheTtl(ttlMillis));
    return d;
  }

  /** L3 of the query cache: the query embedding, expiring after {@code ttlMillis}. */
  public static ValueStateDescriptor<CachedEmbedding> cachedEmbedding(long ttlMillis) {
    ValueStateDescriptor<CachedEmbedding> d =
        new ValueStateDescriptor<>(CACHED_EMBEDDING, TypeInformation.of(CachedEmbedding.class));
    d.enableTimeToLive(cacheTtl(ttlMillis));
    return d;
  }

  /**
   * The query cache's admission doorkeeper: how many times a text was computed, expiring {@code
   * ttlMillis} after the last (so a text asked once long ago starts again).
   */
  public static ValueStateDescriptor<Integer> asked(long ttlMillis) {
    ValueStateDescriptor<Integer> d = new ValueStateDescriptor<>(ASKED, Types.INT);
    d.enableTimeToLive(cacheTtl(ttlMillis));
    return d;
  }

  /**
   * Query variants being computed, with the deadline of their wait. No TTL: the cache operator
   * removes an entry when its result arrives or its wait times out (a processing-time timer).
   */
  public static MapStateDescriptor<String, Long> inFlight() {
    return new MapStateDescriptor<>(IN_FLIGHT, Types.STRING, Types.LONG);
  }

  /**
   * How many of a text's variants are in {@link #inFlight}, so that the bound on them is one read,
   * not a scan. No TTL: kept with the entries it counts, cleared with the last. Absent in a
   * savepoint of a build before {@code in-flight-count}: the variants restored in flight are then
   * not counted (the bound holds from the next ones on).
   */
  public static ValueStateDescriptor<Integer> inFlightCount() {
    return new ValueStateDescriptor<>(IN_FLIGHT_COUNT, Types.INT);
  }

  /**
   * Queries waiting for an in-flight identical query, by query variant, query id and acceptance
   * time: the layout of builds up to {@code 9d13c10}, read only to answer waiters restored from a
   * savepoint of such a build (taking one variant's waiters scanned every waiter of the text). No
   * TTL: emptied as those waits end.
   */
  public static <Q> MapStateDescriptor<String, Q> coalescedWaiters(Class<Q> query) {
    return new MapStateDescriptor<>(COALESCED_WAITERS, Types.STRING, TypeInformation.of(query));
  }

  /**
   * Queries waiting for an in-flight identical query, keyed by query variant and the waiter's rank
   * among that variant's ({@code 0 .. n-1}, {@code n} in {@link #coalescedWaiterCounts}), so that
   * one variant's waiters are taken without reading another's. No TTL: removed once answered, or
   * released to compute on their own when the wait times out.
   */
  public static <Q> MapStateDescriptor<String, Q> coalescedWaiterQueue(Class<Q> query) {
    return new MapStateDescriptor<>(
        COALESCED_WAITER_QUEUE, Types.STRING, TypeInformation.of(query));
  }

  /**
   * How many queries wait for each in-flight query variant ({@link #coalescedWaiterQueue}'s ranks).
   * No TTL: removed with the variant's waiters.
   */
  public static MapStateDescriptor<String, Integer> coalescedWaiterCounts() {
    return new MapStateDescriptor<>(COALESCED_WAITER_COUNTS, Types.STRING, Types.INT);
  }

  /** A query's partial results so far. No TTL: cleared once the query is answered. */
  public static <P> ListStateDescriptor<P> partials(Class<P> partial) {
    return new ListStateDescriptor<>(PARTIALS, TypeInformation.of(partial));
  }

  /**
   * A query's merge bookkeeping. No TTL: a clean-up timer clears it after the answered marker's
   * retention.
   */
  public static ValueStateDescriptor<MergeStatus> mergeStatus() {
    return new ValueStateDescriptor<>(MERGE_STATUS, TypeInformation.of(MergeStatus.class));
  }

  /**
   * The router's load counts, operator (not keyed) list state, one snapshot per subtask. No TTL:
   * replaced on every checkpoint.
   */
  public static ListStateDescriptor<ExpertLoadTracker.Snapshot> routerLoads() {
    return new ListStateDescriptor<>(
        ROUTER_LOADS, TypeInformation.of(ExpertLoadTracker.Snapshot.class));
  }

  /**
   * Per-replica load: keyed by serving slot, one entry per expert the slot has served (without a
   * replicated layout slot = expert, so one entry). No TTL, as the statistics must outlive quiet
   * periods: the key space is bounded by slots × experts, and the retrieval operator removes an
   * entry once its decayed counts are negligible.
   */
  public static MapStateDescriptor<Integer, ExpertLoad> replicaLoad() {
    return new MapStateDescriptor<>(REPLICA_LOAD, Types.INT, TypeInformation.of(ExpertLoad.class));
  }

  /**
   * A changed product's newest applied state ({@code DeltaEntry}: upserted with its embedding,
   * patched, or deleted). No TTL: it orders the product's later updates (an older {@code ts} is
   * ignored), so it must outlive them; one entry per changed product, bounded by the catalogue.
   */
  public static ValueStateDescriptor<DeltaEntry> catalogProduct() {
    return new ValueStateDescriptor<>(CATALOG_PRODUCT, TypeInformation.of(DeltaEntry.class));
  }

  /**
   * What a product's state remembers of the catalogue updates not applied because the product was
   * unknown or deleted ({@code Unapplied}: the newest such delete's {@code ts}, newer patched price
   * and stock), so that an older upsert arriving later is stale or takes them. Expires {@code
   * ttlMillis} after its last write ({@code catalog.tombstone-ttl-ms}; processing time, never
   * returned once expired): a delete or patch of an id nobody serves cannot grow the state for
   * ever, and an older update arriving more than that after the newest unapplied one is no longer
   * recognised as older. Cleared when an update of the product is applied and nothing newer is left
   * to remember.
   */
  public static ValueStateDescriptor<Unapplied> catalogUnapplied(long ttlMillis) {
    ValueStateDescriptor<Unapplied> d =
        new ValueStateDescriptor<>(CATALOG_UNAPPLIED, TypeInformation.of(Unapplied.class));
    d.enableTimeToLive(
        StateTtlConfig.newBuilder(Duration.ofMillis(ttlMillis))
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
            .cleanupInRocksdbCompactFilter(1000)
            .cleanupIncrementally(5, false)
            .build());
    return d;
  }

  /** Catalogue updates: how many updates of the product were numbered (keyed by product id). */
  public static final String CATALOG_NUMBERED = "catalog-numbered";

  /** Catalogue updates: how many numbered updates of the product were applied (keyed by id). */
  public static final String CATALOG_APPLIED_SEQ = "catalog-applied-seq";

  public static final String CATALOG_LIVE_SLOTS = "catalog-live-slots";

  /** Catalogue updates: numbered updates that came before an earlier one (keyed by id). */
  public static final String CATALOG_PENDING = "catalog-pending";

  /**
   * The number of the last update numbered for a product ({@code SequenceCatalogUpdates}); kept as
   * long as the product's applied state ({@link #catalogProduct}), with which it is consistent.
   */
  public static ValueStateDescriptor<Long> catalogNumbered() {
    return new ValueStateDescriptor<>(CATALOG_NUMBERED, Types.LONG);
  }

  /**
   * The signature of a product's newest applied upsert ({@code ApplyCatalogUpdates}), which a patch
   * of it re-sends re-dated rather than analysing its text again (price and stock do not change
   * it). Cleared when the product is deleted; absent in state from before it was kept (a patch then
   * signs the product again). One entry per upserted product, bounded as its signature is.
   */
  public static ValueStateDescriptor<UpsertSignature> catalogSignature() {
    return new ValueStateDescriptor<>(CATALOG_SIGNATURE, TypeInformation.of(UpsertSignature.class));
  }

  /**
   * The fingerprint of the serving layout each {@code apply-catalog-updates} subtask had fanned its
   * kept states out under (union operator state, so a rescaled subtask sees every one): a restore
   * under another layout fans them out again. One value per subtask, replaced at every snapshot.
   */
  public static ListStateDescriptor<String> catalogLayout() {
    return new ListStateDescriptor<>(CATALOG_LAYOUT, Types.STRING);
  }

  /**
   * The expert slots a product's state was last sent upserted to ({@code ApplyCatalogUpdates}): its
   * later updates go there too, wherever the version's experts hold it. Empty when the product is
   * not upserted; absent for a product applied before this state existed (every slot then).
   */
  public static ValueStateDescriptor<int[]> catalogLiveSlots() {
    return new ValueStateDescriptor<>(
        CATALOG_LIVE_SLOTS, PrimitiveArrayTypeInfo.INT_PRIMITIVE_ARRAY_TYPE_INFO);
  }

  /** The number of the last update applied for a product ({@code ApplyCatalogUpdates}). */
  public static ValueStateDescriptor<Long> catalogAppliedSeq() {
    return new ValueStateDescriptor<>(CATALOG_APPLIED_SEQ, Types.LONG);
  }

  /**
   * A product's updates that arrived before an earlier one (a patch overtaking an upsert still
   * being embedded), by number; each leaves once applied.
   */
  public static <T> MapStateDescriptor<Long, T> catalogPending(Class<T> update) {
    return new MapStateDescriptor<>(CATALOG_PENDING, Types.LONG, TypeInformation.of(update));
  }

  /**
   * A serving slot's live delta over the artifact, by product id: the slot's view of every changed
   * product. No TTL: the delta must survive until an artifact includes it; one entry per changed
   * product and slot.
   */
  public static MapStateDescriptor<String, DeltaEntry> liveDelta() {
    return new MapStateDescriptor<>(LIVE_DELTA, Types.STRING, TypeInformation.of(DeltaEntry.class));
  }

  /**
   * The directory of the compacted index version whose folded entries a slot's {@link #liveDelta}
   * no longer holds: requests routed with an older version of its line are served with it. No TTL:
   * one value per slot, replaced by the next compaction.
   */
  public static ValueStateDescriptor<String> liveDeltaFoldedInto() {
    return new ValueStateDescriptor<>(LIVE_DELTA_FOLDED_INTO, Types.STRING);
  }

  /**
   * The {@link #liveDeltaFoldedInto} of every slot a subtask owns, as (slot, directory, a line
   * break and the comma-separated versions it was made from) pairs: operator union state, so after
   * a restore (also at another parallelism) every subtask sees every slot's, which keyed state
   * cannot list. No TTL: one pair per slot, replaced by the next compaction.
   */
  public static ListStateDescriptor<Tuple2<Integer, String>> liveDeltaFoldedSlots() {
    return new ListStateDescriptor<>(LIVE_DELTA_FOLDED_SLOTS, Types.TUPLE(Types.INT, Types.STRING));
  }

  /**
   * The query cache's view of recent catalogue changes, broadcast state: {@code p:<product id>} →
   * when the product was last upserted or deleted (patches: {@link #catalogPatches}), {@code
   * e:<expert>} → when the expert last received a product (epoch millis). No TTL (broadcast state
   * has none): the cache prunes entries older than the L2 TTL, which no cached result can predate.
   */
  public static MapStateDescriptor<String, Long> catalogChanges() {
    return new MapStateDescriptor<>(CATALOG_CHANGES, Types.STRING, Types.LONG);
  }

  /**
   * The merge's fence of recent deletes, broadcast state: product id → when its delete was applied
   * upstream of the serving slots (epoch millis), dropped when it is upserted again. The merge
   * drops such products from answers a slot computed before it applied the delete. Pruned by the
   * merge (older than its fence retention).
   */
  public static MapStateDescriptor<String, Long> mergeFenceRemoved() {
    return new MapStateDescriptor<>(MERGE_FENCE_REMOVED, Types.STRING, Types.LONG);
  }

  /**
   * The merge's fence of recent patches, broadcast state: product id → its live price and stock
   * after its newest change (an upsert's too; dropped when it is deleted). Pruned by the merge
   * (older than its fence retention).
   */
  public static MapStateDescriptor<String, LivePatch> mergeFencePatches() {
    return new MapStateDescriptor<>(
        MERGE_FENCE_PATCHES, Types.STRING, TypeInformation.of(LivePatch.class));
  }

  /**
   * The query cache's recent patches, broadcast state: product id → its live price and stock after
   * its newest change (an upsert's too; dropped when it is deleted), with which cached answers
   * holding it are served. Pruned after the L1/L2 TTL, which no cached result can predate.
   */
  public static MapStateDescriptor<String, LivePatch> catalogPatches() {
    return new MapStateDescriptor<>(
        CATALOG_PATCHES, Types.STRING, TypeInformation.of(LivePatch.class));
  }

  /**
   * The query cache's recent upserts, broadcast state: product id → the signature of its newest
   * upsert (experts joined, embedding, BM25 terms), which decides the cached answers it could
   * enter. Bounded by the cache: pruned after the L2 TTL and capped in number (the oldest go first;
   * the cache then falls back to the per-expert rule for answers older than what it kept).
   */
  public static MapStateDescriptor<String, UpsertSignature> catalogUpserts() {
    return new MapStateDescriptor<>(
        CATALOG_UPSERTS, Types.STRING, TypeInformation.of(UpsertSignature.class));
  }

  /**
   * The router's view of the live catalogue, broadcast state: product id → its newest change (live
   * brand, price and stock; the experts an upsert assigned it to; its {@code ts}), with which a
   * filtered query's matches per expert are counted live. No TTL: a change is kept until the
   * version the router serves folded its product at its {@code ts} or a newer one ({@code index
   * compact}, then the swap), as the slots keep their live delta, so one entry per product changed
   * since the last compaction served. Pruned from the changes received and the version served only,
   * so every subtask serving a version holds the same entries.
   */
  public static MapStateDescriptor<String, ListingChange> routeListings() {
    return new MapStateDescriptor<>(
        ROUTE_LISTINGS, Types.STRING, TypeInformation.of(ListingChange.class));
  }
}
