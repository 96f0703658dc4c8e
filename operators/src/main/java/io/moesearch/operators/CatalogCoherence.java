package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.rank.RankingFeatures;
import io.moesearch.state.CachedResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The cache's coherence with the live catalogue, shared by the operators that serve cached results
 * ({@link CacheHits} from L1, {@link CacheLookup} from L1 and L2): records each applied {@link
 * CatalogChange} in broadcast state (pruned once no cached result can predate it) and decides
 * whether a cached result may still be served, as described on {@link CacheLookup}. One instance
 * per subtask, made in {@code open()}; not thread-safe.
 */
final class CatalogCoherence {
  /** {@link CacheLookup#CHANGES} key: when the newest change received was applied. */
  private static final String LAST_CHANGE = "u:any";

  /** {@link CacheLookup#CHANGES} key: when the newest upsert was applied. */
  private static final String LAST_UPSERT = "u:last";

  /**
   * {@link CacheLookup#CHANGES} key: the signatures of every upsert applied at or after this time
   * are kept (older ones were dropped by the cap).
   */
  private static final String UPSERTS_COMPLETE_SINCE = "u:complete-since";

  /**
   * {@link CacheLookup#CHANGES} key: the newest change pruned (by age); a result computed before it
   * cannot be checked against every change since.
   */
  private static final String PRUNED_UNTIL = "u:pruned-until";

  /**
   * {@link CacheLookup#CHANGES} key: when this state recorded its first change (restored from a
   * build that did not keep this key: its first change since), every upsert since recorded under
   * {@link #LAST_UPSERT}; without it an absent {@link #LAST_UPSERT} proves nothing.
   */
  private static final String TRACKED_SINCE = "u:tracked-since";

  /**
   * {@link CacheLookup#CHANGES} key: when the newest patch was applied that brought a catalogue
   * product back in stock ({@link CatalogChange#WIDENS_STOCK}).
   */
  private static final String WIDENED_STOCK = "w:stock";

  /**
   * {@link CacheLookup#CHANGES} key: when the newest patch was applied that changed a catalogue
   * product's price ({@link CatalogChange#WIDENS_PRICE}).
   */
  private static final String WIDENED_PRICE = "w:price";

  /** {@link #coherentAsOf}'s answer for a result the catalogue changed under. */
  static final long INCOHERENT = Long.MIN_VALUE;

  /**
   * {@link #coherentAsOf}'s answer when only the query's embedding could decide (a product was
   * upserted into one of the result's experts) and it is {@link #UNAVAILABLE}.
   */
  static final long UNDECIDED = Long.MIN_VALUE + 1;

  /**
   * Most kept upserts one check ranks against an answer's {@link io.moesearch.core.rank.EntryCut}
   * (the ranking features of each, ~2 us): past that the answer counts as stale and is recomputed
   * ({@code staleByRankingBudget}), never served on a partial check. A shop re-sending its whole
   * catalogue can leave all {@value CacheLookup#UPSERTS_KEPT} kept upserts in a hot answer's
   * candidate lists: ranked all, one check took ~8 ms (measured 2026-12-06, 4,096 Icecat upserts),
   * past the hit path's budget; a realistic answer ranks some 40-130 of them.
   */
  static final int MAX_RANKED_PER_CHECK = 256;

  /** Where a cache operator's writable broadcast state is (its {@code Context}). */
  interface WritableStates {
    <K, V> BroadcastState<K, V> getBroadcastState(MapStateDescriptor<K, V> descriptor);
  }

  /** Where a cache operator's broadcast state is, read-only (its {@code ReadOnlyContext}). */
  interface ReadOnlyStates {
    <K, V> ReadOnlyBroadcastState<K, V> getBroadcastState(MapStateDescriptor<K, V> descriptor);
  }

  /** The broadcast state a check reads, from {@code states}. */
  static Views views(ReadOnlyStates states) {
    return new Views(
        states.getBroadcastState(CacheLookup.CHANGES),
        states.getBroadcastState(CacheLookup.PATCHES),
        states.getBroadcastState(CacheLookup.UPSERTS));
  }

  /**
   * A result fill as a cache entry (not yet checked against the catalogue), dated no later than
   * now: an entry dated ahead would be checked against no change applied until then.
   */
  static CachedResult cached(CacheFill fill) {
    return new CachedResult(
        fill.version(),
        fill.items(),
        fill.experts(),
        Math.min(fill.ts(), System.currentTimeMillis()),
        fill.denseFloor() == null ? Float.NaN : fill.denseFloor(),
        fill.lexicalFloor() == null ? Float.NaN : fill.lexicalFloor(),
        fill.entryCut());
  }

  /** The broadcast state a check reads. */
  record Views(
      ReadOnlyBroadcastState<String, Long> changes,
      ReadOnlyBroadcastState<String, LivePatch> patches,
      ReadOnlyBroadcastState<String, UpsertSignature> upserts) {}

  /**
   * {@link QueryVector#vector}'s answer when this operator cannot read the query's embedding (the
   * check is then {@link #UNDECIDED}); compared by identity.
   */
  static final float[] UNAVAILABLE = new float[0];

  /** The query's embedding, read only when a check needs it. */
  @FunctionalInterface
  interface QueryVector {
    /**
     * The vector, {@code null} when none of the serving model is cached, or {@link #UNAVAILABLE}
     * when this operator cannot read it.
     */
    float[] vector() throws Exception;
  }

  /** No embedding at hand: checks that would need one are {@link #UNDECIDED}. */
  static final QueryVector NO_VECTOR = () -> UNAVAILABLE;

  private final CacheSettings settings;
  private final CacheLookup.QueryTerms queryTermsOf;

  /** The fusion that ranked the cached answers ({@code null}: their entry cuts are not used). */
  private final LinearFusion fusion;

  final Counter staleByCatalog;
  final Counter coherenceRechecked;
  final Counter staleChangedItem;
  final Counter staleNewDense;
  final Counter staleNewLexical;
  final Counter staleExpertRule;
  final Counter fillsStale;
  final Counter stalePatchedItem;
  final Counter servedLivePrices;
  final Counter upsertTermsFolded;
  final Counter staleBeyondHorizon;
  final Counter keptBelowCut;
  final Counter lateChanges;
  final Counter staleWidenedFilter;
  final Counter staleByRankingBudget;
  private long lastPrune;

  /**
   * The latest date of a result served or cached here, re-dated here ({@link
   * CachedResult#checkedAt}) or elsewhere (a promoted L2 answer); {@link Long#MIN_VALUE}: none
   * since this instance was made. Results re-dated before a restore are not covered: with aligned
   * checkpoints (the default) every change applied before the checkpoint was received before it;
   * with unaligned ones, a change restored from the channel state keeps its stamp.
   */
  private long redatedUntil = Long.MIN_VALUE;

  private int upsertsSincePrune;

  /**
   * When each apply subtask ({@link CatalogChange#source}) was last heard from (wall time here;
   * since this instance was made: after a restore the sources count as idle until heard again).
   */
  private final Map<Integer, Long> heardFrom = new HashMap<>();

  /**
   * {@link CacheLookup#CHANGES} key prefix: the newest change applied by each apply subtask. Its
   * changes arrive in order, so every change it applied until then has been received.
   */
  private static final String SOURCE_NEWEST = "u:source:";

  /**
   * A source not heard from for this long no longer holds back the time results are re-dated to (as
   * an idle input does not hold back a Flink watermark): with nothing in its channel, its next
   * change arrives at once.
   */
  static final long SOURCE_IDLE_MS = 10_000;

  /**
   * Registers its counters in {@code metrics} (the operator's {@code cache} group); {@code fusion}
   * is the fusion that ranked the answers ({@code null}: a new product that could enter an answer's
   * BM25 candidates makes it stale, whether or not it could reach its top k).
   */
  CatalogCoherence(
      CacheSettings settings,
      CacheLookup.QueryTerms queryTermsOf,
      LinearFusion fusion,
      MetricGroup metrics) {
    this.settings = settings;
    this.queryTermsOf = queryTermsOf;
    this.fusion = fusion;
    staleByCatalog = metrics.counter("staleByCatalog");
    coherenceRechecked = metrics.counter("coherenceRechecked");
    staleChangedItem = metrics.counter("staleByChangedItem");
    staleNewDense = metrics.counter("staleByNewProductDense");
    staleNewLexical = metrics.counter("staleByNewProductLexical");
    staleExpertRule = metrics.counter("staleByExpertRule");
    fillsStale = metrics.counter("fillsStaleByCatalog");
    stalePatchedItem = metrics.counter("staleByPatchedItemFilter");
    servedLivePrices = metrics.counter("servedWithLivePrices");
    upsertTermsFolded = metrics.counter("upsertTermsFolded");
    staleBeyondHorizon = metrics.counter("staleBeyondChangeHorizon");
    keptBelowCut = metrics.counter("keptNewProductBelowCut");
    lateChanges = metrics.counter("catalogChangesAfterRedating");
    staleWidenedFilter = metrics.counter("staleByWidenedFilter");
    staleByRankingBudget = metrics.counter("staleByRankingBudget");
  }

  /** A one-line account of what the counters saw, or {@code null} when nothing was stale. */
  String summary() {
    if (staleByCatalog.getCount() == 0) {
      return null;
    }
    return String.format(
        "cache coherence: %d entries not served or fills not cached after catalogue changes"
            + " (%d of them fills): %d changed item, %d new product its dense branch would"
            + " return, %d its BM25 branch would find, %d the per-expert rule, %d a patched item"
            + " failing its filter, %d older than the changes kept, %d a filter a patch may"
            + " have widened, %d more new candidates than a check ranks; %d re-dated, %d served"
            + " with live prices; %d times a new product a candidate list would take could not"
            + " reach the top k",
        staleByCatalog.getCount(),
        fillsStale.getCount(),
        staleChangedItem.getCount(),
        staleNewDense.getCount(),
        staleNewLexical.getCount(),
        staleExpertRule.getCount(),
        stalePatchedItem.getCount(),
        staleBeyondHorizon.getCount(),
        staleWidenedFilter.getCount(),
        staleByRankingBudget.getCount(),
        coherenceRechecked.getCount(),
        servedLivePrices.getCount(),
        keptBelowCut.getCount());
  }

  /** Sets {@code key} to {@code time} unless it holds a later one. */
  private static void putNewest(BroadcastState<String, Long> changes, String key, long time)
      throws Exception {
    Long before = changes.get(key);
    if (before == null || before < time) {
      changes.put(key, time);
    }
  }

  /**
   * Records an applied catalogue change; prunes changes no cached result can predate. A change
   * stamped before a result this instance re-dated could have been checked against it (before
   * {@link #redatedUntil} less {@link CacheLookup#COHERENCE_MARGIN_MS}) counts as applied then: its
   * subtask was idle, so it did not hold back the re-dating ({@link #receivedUntil}), and the
   * change was held up on its way longer than the margin (queued behind a backlog). Recorded at its
   * stamp, no re-dated result would ever see it: a deleted product served from the cache until the
   * entry expires. Its subtask's progress ({@link #SOURCE_NEWEST}) keeps the stamp.
   */
  void record(CatalogChange c, WritableStates states) throws Exception {
    long stamp = c.appliedAtMillis();
    if (redatedUntil != Long.MIN_VALUE && stamp < redatedUntil - CacheLookup.COHERENCE_MARGIN_MS) {
      lateChanges.inc();
      c = late(c, redatedUntil - CacheLookup.COHERENCE_MARGIN_MS);
    }
    BroadcastState<String, Long> changes = states.getBroadcastState(CacheLookup.CHANGES);
    BroadcastState<String, LivePatch> patches = states.getBroadcastState(CacheLookup.PATCHES);
    BroadcastState<String, UpsertSignature> upserts = states.getBroadcastState(CacheLookup.UPSERTS);
    if (c.upsert() != null) {
      // First: whatever fails below, no upsert goes unrecorded in LAST_UPSERT.
      putNewest(changes, LAST_UPSERT, c.appliedAtMillis());
    }
    if (changes.get(TRACKED_SINCE) == null) {
      // Also in state restored from a build that did not keep it: every upsert from now on is.
      changes.put(TRACKED_SINCE, c.appliedAtMillis());
    }
    putNewest(changes, LAST_CHANGE, c.appliedAtMillis());
    putNewest(changes, SOURCE_NEWEST + c.source(), stamp);
    heardFrom.put(c.source(), System.currentTimeMillis());
    if (c.patch() != null) {
      // Price and stock do not rank: cached answers holding it are served with the live values.
      patches.put(c.productId(), c.patch());
    } else {
      patches.remove(c.productId());
    }
    if ((c.widens() & CatalogChange.WIDENS_STOCK) != 0) {
      putNewest(changes, WIDENED_STOCK, c.appliedAtMillis());
    }
    if ((c.widens() & CatalogChange.WIDENS_PRICE) != 0) {
      putNewest(changes, WIDENED_PRICE, c.appliedAtMillis());
    }
    if (c.upsert() != null || c.patch() == null) {
      // An upsert (its text may have changed) or a delete: answers holding it are stale.
      changes.put("p:" + c.productId(), c.appliedAtMillis());
    }
    for (int e : c.experts()) {
      // The newest: changes of other apply subtasks may arrive out of order.
      putNewest(changes, "e:" + e, c.appliedAtMillis());
    }
    if (c.upsert() != null) {
      // As UpsertSignature.of signs one: never kept in full here either.
      UpsertSignature u = c.upsert().bounded();
      if (u.folded() != null) {
        upsertTermsFolded.inc();
      }
      upserts.put(c.productId(), u);
      upsertsSincePrune++;
    } else {
      // A patch or delete: the product's earlier upsert no longer describes it (and a delete
      // cannot enter anything).
      upserts.remove(c.productId());
    }
    long now = System.currentTimeMillis();
    if (now - lastPrune > 10_000 || upsertsSincePrune >= CacheLookup.UPSERTS_KEPT / 4) {
      lastPrune = now;
      upsertsSincePrune = 0;
      long horizon =
          now
              - Math.max(settings.l1TtlMillis(), settings.l2TtlMillis())
              - CacheLookup.COHERENCE_MARGIN_MS;
      long pruned = Long.MIN_VALUE;
      List<String> old = new ArrayList<>();
      for (Map.Entry<String, Long> e : changes.entries()) {
        if (e.getValue() < horizon && !e.getKey().startsWith("u:")) {
          old.add(e.getKey());
          pruned = Math.max(pruned, e.getValue());
        }
      }
      for (String k : old) {
        changes.remove(k);
      }
      List<String> oldPatches = new ArrayList<>();
      for (Map.Entry<String, LivePatch> e : patches.entries()) {
        if (e.getValue().appliedAtMillis() < horizon) {
          oldPatches.add(e.getKey());
          pruned = Math.max(pruned, e.getValue().appliedAtMillis());
        }
      }
      for (String k : oldPatches) {
        patches.remove(k);
      }
      pruned = Math.max(pruned, pruneUpserts(upserts, changes, horizon));
      if (pruned != Long.MIN_VALUE) {
        putNewest(changes, PRUNED_UNTIL, pruned);
      }
    }
  }

  /** {@code c} as applied at {@code at}, its signature and live values dated alike. */
  private static CatalogChange late(CatalogChange c, long at) {
    LivePatch p = c.patch();
    return new CatalogChange(
        c.productId(),
        at,
        c.upsert() == null ? null : c.upsert().dated(at),
        p == null ? null : new LivePatch(at, p.price(), p.inStock(), p.unpriced(), p.brand()),
        c.source(),
        c.ts(),
        c.widens());
  }

  /**
   * Drops signatures older than {@code horizon} (no cached result predates it), then the oldest
   * beyond {@link CacheLookup#UPSERTS_KEPT}, recording from when on the kept ones are complete.
   *
   * @return the newest signature dropped for its age, {@link Long#MIN_VALUE} when none was
   */
  private static long pruneUpserts(
      BroadcastState<String, UpsertSignature> upserts,
      BroadcastState<String, Long> changes,
      long horizon)
      throws Exception {
    long pruned = Long.MIN_VALUE;
    List<Map.Entry<String, Long>> kept = new ArrayList<>();
    List<String> old = new ArrayList<>();
    for (Map.Entry<String, UpsertSignature> e : upserts.entries()) {
      if (e.getValue().appliedAtMillis() < horizon) {
        old.add(e.getKey());
        pruned = Math.max(pruned, e.getValue().appliedAtMillis());
      } else {
        kept.add(Map.entry(e.getKey(), e.getValue().appliedAtMillis()));
      }
    }
    if (kept.size() > CacheLookup.UPSERTS_KEPT) {
      kept.sort(Map.Entry.comparingByValue());
      int drop = kept.size() - CacheLookup.UPSERTS_KEPT;
      long completeSince = kept.get(drop - 1).getValue() + 1;
      for (int i = 0; i < drop; i++) {
        old.add(kept.get(i).getKey());
      }
      putNewest(changes, UPSERTS_COMPLETE_SINCE, completeSince);
    }
    for (String k : old) {
      upserts.remove(k);
    }
    return pruned;
  }

  /**
   * Whether a cached result still reflects the catalogue: {@link #INCOHERENT} when, since {@link
   * CacheLookup#COHERENCE_MARGIN_MS} before it was computed, one of its items changed, or a product
   * was upserted that its dense branch would return, or whose BM25 score for its query reaches its
   * lexical floor ({@link UpsertSignature#mayEnterLexically}; with the floor or the product's BM25
   * scores unknown: that shares a BM25 term with its query, at least {@link
   * CacheLookup#LEXICAL_ENTRY_DELAY_MS} ago, as any new product counts for a query with a
   * typo-tolerant term, {@link CacheLookup.QueryTerms#inexact}), unless the result's {@link
   * io.moesearch.core.rank.EntryCut} shows that product cannot reach its top k (with this
   * operator's fusion and the product's BM25 scores known); {@link #UNDECIDED} when only the
   * query's embedding could tell and {@code query} cannot give it; else the time it can be re-dated
   * to (every change before it was checked). {@code text} is the result's normalised query text.
   */
  long coherentAsOf(CachedResult r, String text, Views v, QueryVector query, long now)
      throws Exception {
    var changes = v.changes();
    Long lastChange = changes == null ? null : changes.get(LAST_CHANGE);
    if (lastChange == null) {
      return r.createdAt(); // no change received (or state from before this key): nothing to do
    }
    long checked =
        Math.min(now, receivedUntil(changes, lastChange, now)) - CacheLookup.COHERENCE_MARGIN_MS;
    long since = r.createdAt() - CacheLookup.COHERENCE_MARGIN_MS;
    Long prunedUntil = changes.get(PRUNED_UNTIL);
    if (prunedUntil != null && since <= prunedUntil) {
      // Older than the changes kept (a fill re-read long after it was computed, as after a restore
      // following an outage longer than the TTLs): one it would be checked against may be pruned.
      staleBeyondHorizon.inc();
      return INCOHERENT;
    }
    for (var item : r.items()) {
      Long t = changes.get("p:" + item.productId());
      if (t != null && t >= since) {
        staleChangedItem.inc();
        return INCOHERENT;
      }
    }
    Long lastUpsert = changes.get(LAST_UPSERT);
    if (lastUpsert != null && lastUpsert < since) {
      return checked; // no upsert since: nothing new can have come in
    }
    Long trackedSince = changes.get(TRACKED_SINCE);
    if (lastUpsert == null && trackedSince != null && trackedSince <= since) {
      // Only patches and deletes since this state began (a shop changing prices and stock, adding
      // nothing): nothing new can have come in. Before, such a result was dropped 30 s after it
      // was computed, as if an upsert might have been lost. Not re-dated: an upsert of another
      // apply subtask, applied before the newest change received, may still be on its way.
      return r.createdAt();
    }
    boolean expertReceived = false;
    for (int e : r.experts()) {
      Long t = changes.get("e:" + e);
      if (t != null && t >= since) {
        expertReceived = true;
        break;
      }
    }
    Long completeSince = changes.get(UPSERTS_COMPLETE_SINCE);
    if (lastUpsert == null || (completeSince != null && since < completeSince)) {
      // Some upserts since are not kept (dropped by the cap, or state from before signatures):
      // the per-expert rule, and the lexical delay for any upsert at all; not re-dated.
      if (expertReceived || now - since >= CacheLookup.LEXICAL_ENTRY_DELAY_MS) {
        staleExpertRule.inc();
        return INCOHERENT;
      }
      return r.createdAt();
    }
    float[] queryVector = null;
    if (expertReceived) {
      queryVector = query.vector();
      if (queryVector == UNAVAILABLE) {
        return UNDECIDED;
      }
    }
    int[] queryTerms = null;
    boolean inexact = false;
    boolean vectorRead = expertReceived;
    RankingFeatures.QueryTerms analysed = null;
    // Upserts are scored with an index version's BM25 statistics; a result's version also names
    // the settings that ranked it (index version#fingerprint).
    String indexVersion = CacheFill.indexVersionOf(r.version());
    int ranked = 0;
    for (Map.Entry<String, UpsertSignature> e : v.upserts().immutableEntries()) {
      UpsertSignature u = e.getValue();
      if (u.appliedAtMillis() < since) {
        continue;
      }
      boolean dense = u.mayEnterDensely(r.experts(), r.denseFloor(), queryVector);
      if (queryTerms == null) {
        queryTerms = queryTermsOf.of(text);
        inexact = queryTermsOf.inexact(text);
      }
      // A typo-tolerant query may match any product's near spelling: shared, its score unknown.
      boolean lexical = inexact || u.mayEnterLexically(queryTerms, r.lexicalFloor(), indexVersion);
      if (!dense && !lexical) {
        continue; // no shared term, or its BM25 score stays below the answer's last lexical hit
      }
      boolean scored = !inexact && u.scoredFor(r.lexicalFloor(), indexVersion);
      if (scored && r.entryCut() != null && fusion != null) {
        // It may enter a candidate list: it changes the answer only if it can reach its top k.
        if (!vectorRead) {
          queryVector = query.vector();
          vectorRead = true;
        }
        if (queryVector == UNAVAILABLE) {
          return UNDECIDED;
        }
        if (analysed == null) {
          analysed = HybridRanker.features().query(text);
        }
        if (++ranked > MAX_RANKED_PER_CHECK) {
          // Too many to rank within a lookup's budget: stale, as if this one could reach.
          staleByRankingBudget.inc();
          return INCOHERENT;
        }
        if (!u.mayReach(
            e.getKey(), r.entryCut(), fusion, analysed, queryTerms, queryVector, dense, lexical)) {
          keptBelowCut.inc();
          continue;
        }
      }
      if (dense) {
        staleNewDense.inc();
        return INCOHERENT;
      }
      if (scored || now - u.appliedAtMillis() >= CacheLookup.LEXICAL_ENTRY_DELAY_MS) {
        staleNewLexical.inc();
        return INCOHERENT;
      }
      // Not scored (an answer or upsert from before floors and scores were recorded, or scores
      // of another version) and not yet due: keep it in the window of the next check.
      checked = Math.min(checked, u.appliedAtMillis() + CacheLookup.COHERENCE_MARGIN_MS);
    }
    return checked;
  }

  /**
   * The time until which every change has been received: the newest change of the apply subtask
   * furthest behind among those heard from in the last {@link #SOURCE_IDLE_MS} ({@code lastChange}
   * when none was). Re-dating a result past the newest change of all would skip a change a
   * backlogged subtask applied earlier but delivers later: a deleted product served from the cache.
   */
  private long receivedUntil(
      ReadOnlyBroadcastState<String, Long> changes, long lastChange, long now) throws Exception {
    long until = lastChange;
    for (Map.Entry<Integer, Long> h : heardFrom.entrySet()) {
      if (now - h.getValue() <= SOURCE_IDLE_MS) {
        Long newest = changes.get(SOURCE_NEWEST + h.getKey());
        if (newest != null) {
          until = Math.min(until, newest);
        }
      }
    }
    return until;
  }

  /**
   * {@code r} with the live price and stock of its items patched since {@link
   * CacheLookup#COHERENCE_MARGIN_MS} before it was computed ({@code r} itself when none was), or
   * {@code null} when a patched item now fails {@code filters} (out of stock under {@code
   * in_stock}, or out of the price range): that answer must be recomputed. {@code filters}: the
   * query's or a fill's ({@code null}: none); {@code filtersKnown} false (a fill whose key cannot
   * be read back) treats any filter as possibly failed.
   */
  static CachedResult livened(CachedResult r, Filters filters, boolean filtersKnown, Views v)
      throws Exception {
    var patches = v.patches();
    long since = r.createdAt() - CacheLookup.COHERENCE_MARGIN_MS;
    RankedItem[] items = null;
    for (int i = 0; i < r.items().length; i++) {
      RankedItem item = r.items()[i];
      LivePatch lp = patches.get(item.productId());
      if (lp == null || lp.appliedAtMillis() < since) {
        continue;
      }
      Double price = lp.priceOver(item.price());
      if (!filtersKnown) {
        return null;
      }
      if (!LiveValues.pass(filters, price, lp.inStock())) {
        return null;
      }
      if (items == null) {
        items = r.items().clone();
      }
      items[i] = item.withLive(price, lp.inStock());
    }
    return items == null ? r : r.withItems(items);
  }

  /**
   * Whether a patch was applied, at or after {@link CacheLookup#COHERENCE_MARGIN_MS} before {@code
   * r} was computed, that may have let a catalogue product newly pass {@code filters} (back in
   * stock under {@code in_stock}, a new price under a price range; {@code filtersKnown} false: a
   * fill whose key cannot be read back, any filter). Which product and whether it would rank are
   * not known here: the answer is bounded in time instead ({@link CacheLookup#WIDENING_DELAY_MS}).
   */
  private static boolean mayHaveWidened(
      CachedResult r, Filters filters, boolean filtersKnown, Views v) throws Exception {
    var changes = v.changes();
    if (changes == null) {
      return false;
    }
    boolean stock = !filtersKnown || (filters != null && Boolean.TRUE.equals(filters.inStock()));
    boolean price =
        !filtersKnown
            || (filters != null && (filters.priceMin() != null || filters.priceMax() != null));
    long since = r.createdAt() - CacheLookup.COHERENCE_MARGIN_MS;
    return (stock && atOrAfter(changes.get(WIDENED_STOCK), since))
        || (price && atOrAfter(changes.get(WIDENED_PRICE), since));
  }

  private static boolean atOrAfter(Long time, long since) {
    return time != null && time >= since;
  }

  /**
   * {@code fill}'s answer as it may be cached now ({@link #current}), its filters read back from
   * its key ({@link Filters#ofCanonical}; a key that cannot be read counts as any filter).
   */
  CachedResult current(CacheFill fill, Views v, QueryVector query, long now) throws Exception {
    Filters filters = null;
    boolean known = true;
    try {
      filters = Filters.ofCanonical(fill.filters());
    } catch (IllegalArgumentException e) {
      known = false;
    }
    return current(cached(fill), fill.text(), filters, known, v, query, now);
  }

  /** {@link #current}'s answer when only the query's embedding could decide. */
  static final CachedResult UNDECIDED_RESULT =
      new CachedResult("-", new RankedItem[0], new int[0], 0, Float.NaN, Float.NaN);

  /**
   * {@code r} as it may be served now ({@link #coherentAsOf}, {@link #livened}, re-dated when
   * checked past its date), {@code null} when the catalogue changed under it, or {@link
   * #UNDECIDED_RESULT} (compare by identity) when only the query's embedding could tell.
   */
  CachedResult current(
      CachedResult r,
      String text,
      Filters filters,
      boolean filtersKnown,
      Views v,
      QueryVector query,
      long now)
      throws Exception {
    long asOf = coherentAsOf(r, text, v, query, now);
    if (asOf == INCOHERENT) {
      return null;
    }
    if (asOf == UNDECIDED) {
      return UNDECIDED_RESULT;
    }
    if (mayHaveWidened(r, filters, filtersKnown, v)) {
      // A product may have come into its filter since: recomputed once the answer is
      // WIDENING_DELAY_MS old, and not re-dated past its computation meanwhile (which would hide
      // the patch from the next check).
      if (now - r.createdAt() >= CacheLookup.WIDENING_DELAY_MS) {
        staleWidenedFilter.inc();
        return null;
      }
      asOf = Math.min(asOf, r.createdAt());
    }
    CachedResult live = livened(r, filters, filtersKnown, v);
    if (live == null) {
      stalePatchedItem.inc();
      return null;
    }
    if (live != r) {
      servedLivePrices.inc();
    }
    if (live.createdAt() < asOf) {
      // Checked against every change received until then: as good as computed then.
      coherenceRechecked.inc();
      live = live.checkedAt(asOf);
    }
    // Also an entry dated elsewhere: the lookup's re-dated L2 answers reach the hit path's L1 as
    // fills (promotions) dated so, past changes this instance may not have received yet.
    redatedUntil = Math.max(redatedUntil, live.createdAt());
    return live;
  }
}
