package io.moesearch.operators;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.artifact.ServingVersions;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.live.CatalogChanges;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.core.live.DeltaEntry;
import io.moesearch.core.live.ExpertMembership;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.Unapplied;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.state.StateDescriptors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies catalogue updates, keyed by product id, in {@code ts} order ({@link CatalogChanges}):
 * keeps each changed product's newest state in keyed state ({@link
 * StateDescriptors#catalogProduct}) and emits its new state to the serving slots that may hold it
 * ({@link SlotDelta}): an upserted product to the slots of its experts (the index build's
 * assignment with the served artifact's gate and settings, boundary replication included) and the
 * lexical shards, hidden in the other expert slots that may hold an older state of it (their
 * artifact index holds it, in this version or the one before, or it was last sent upserted there:
 * {@link StateDescriptors#catalogLiveSlots}); a patch or delete to those slots and the lexical
 * shards. Every other expert slot gets its entry too (a version swapped in later may hold the
 * product there), gathered in bulk by {@link ApplyCatalogUpdatesOperator} (at once, one record
 * each, without it). Counts {@code catalogUpdatesApplied}, {@code catalogUpdatesIgnoredStale} (an
 * upsert or delete older than the applied upsert or delete or not newer than a delete, a patch that
 * sets nothing newer than the applied or remembered price and stock, or a patch of an unknown or
 * deleted product that changes nothing remembered), {@code catalogUpdatesIgnoredUnknown} (a patch
 * or delete of a product the catalogue does not hold; not applied but remembered, {@link
 * StateDescriptors#catalogUnapplied}, for {@code catalog.tombstone-ttl-ms}) and {@code
 * catalogUpdatesIgnoredDeleted} (a patch of a deleted product; not applied, nothing sent to the
 * slots, but kept by the deleted state), so an older upsert arriving after them is stale or takes
 * the newer patch's price and stock; {@code catalogUpdatesHeldBack} (an update that arrived before
 * an earlier one of its product, see {@link #processElement}) and {@code
 * catalogUpdatesIgnoredDuplicate} (a replayed numbered update). Each applied update also goes to
 * {@link #CHANGES} (product, time, and for an upsert its {@link UpsertSignature}: experts joined,
 * embedding, BM25 terms and their scores under the assigning version's lexical statistics; for a
 * patch its {@link LivePatch}: live price and stock) for the query cache.
 *
 * <p>Versions: a (re)started subtask assigns and fans out with the version the router opens, and
 * with a watched root it follows {@code LATEST} as the router does ({@link #follow}): a verified
 * new version is adopted between two updates (its gate, settings, layout, product ids and lexical
 * statistics). The delta is keyed by serving slot, so when the adopted version's serving layout
 * differs from the one the kept states were fanned out under, every kept state must be fanned out
 * again over the new layout ({@link #relayout}, driven over all keys by {@link
 * ApplyCatalogUpdatesOperator}, which must run this function): otherwise a new replica's slot would
 * hold no delta, and serve deleted products. Counts {@code catalogIndexVersionsRejected}.
 */
public final class ApplyCatalogUpdates
    extends KeyedProcessFunction<String, ProductUpdate, SlotDelta> {
  /** A notice per applied update, for the query cache's coherence. */
  private static final Logger LOG = LoggerFactory.getLogger(ApplyCatalogUpdates.class);

  public static final OutputTag<CatalogChange> CHANGES = new OutputTag<>("catalog-changes") {};

  private final String artifactDir;
  private final String watchRoot;
  private final String modelId;
  private final long watchIntervalMillis;
  private final long tombstoneTtlMillis;

  /** Follows the watched root's {@code LATEST} ({@code null}: no watched root). */
  private transient LatestVersionWatcher watcher;

  private transient Counter versionsRejected;

  /**
   * Takes the entries of the expert slots that do not hold a product, to send them in bulk.
   *
   * @see ApplyCatalogUpdatesOperator
   */
  interface Completion {
    void add(int slot, DeltaEntry entry, long appliedAtMillis);
  }

  /** {@code null}: every entry goes out at once, one record each. */
  private transient Completion completion;

  /** Sends the entries of the slots that do not hold a product through {@code c}. */
  void completeThrough(Completion c) {
    this.completion = c;
  }

  private transient CatalogChanges changes;

  /**
   * The version adopted before {@link #changes}' ({@code null}: none since this subtask started):
   * requests routed with it may still be searched, so its slots that hold a product get the
   * product's updates too.
   */
  private transient CatalogChanges previous;

  /** The assigning version's lexical index, for the BM25 scores in upserts' signatures. */
  private transient ExpertIndex lexical;

  private transient String version;

  /**
   * The versions {@link #version} was made from ({@link ServingVersions#ancestors}): compactions
   * and gate updates keep their base's experts, so an upsert signed under one of them keeps its
   * experts at a {@link #relayout}.
   */
  private transient Set<String> versionAncestors;

  private transient ValueState<DeltaEntry> state;

  /**
   * The adopted version's folded products' versions by id (empty unless compacted): a product this
   * subtask holds no state for starts from its folded state ({@link CatalogFold#foldedState}).
   */
  private transient Map<String, Long> folded;

  /** The adopted version, whose folded parts are read when first needed. */
  private transient IndexArtifact adopted;

  /** What the product's state remembers of updates not applied (with a TTL). */
  private transient ValueState<Unapplied> unapplied;

  /** The signature of the product's newest applied upsert ({@link #signed}). */
  private transient ValueState<UpsertSignature> signature;

  private transient ValueState<Long> appliedSeq;

  /**
   * The expert slots the product's state was last sent upserted to ({@link
   * StateDescriptors#catalogLiveSlots}; empty when it is not upserted, {@code null} for a product
   * applied before the state existed: any slot may hold it).
   */
  private transient ValueState<int[]> liveSlots;

  private transient MapState<Long, ProductUpdate> pending;
  private transient Counter duplicates;
  private transient Counter heldBack;
  private transient Counter failed;
  private transient Counter applied;
  private transient Counter stale;
  private transient Counter unknown;
  private transient Counter deleted;

  /**
   * @param artifactDir the served artifact version (its gate, settings, layout and product ids)
   */
  public ApplyCatalogUpdates(String artifactDir) {
    this(artifactDir, null);
  }

  /**
   * @param watchRoot the index root whose {@code LATEST} the job follows ({@code null}: none); a
   *     (re)started subtask assigns with the version the router opens ({@link
   *     ServingVersions#current}), so a removed submitted version does not stop a restart
   */
  public ApplyCatalogUpdates(String artifactDir, String watchRoot) {
    this(artifactDir, watchRoot, DEFAULT_WATCH_INTERVAL_MS);
  }

  /**
   * How often {@code LATEST} is read by default (the job passes {@code index.watch-interval-ms}).
   */
  public static final long DEFAULT_WATCH_INTERVAL_MS = 5_000;

  /**
   * @param watchIntervalMillis how often {@code LATEST} is read, >= 1 (with a watched root)
   */
  public ApplyCatalogUpdates(String artifactDir, String watchRoot, long watchIntervalMillis) {
    this(artifactDir, watchRoot, watchIntervalMillis, DEFAULT_TOMBSTONE_TTL_MS);
  }

  /**
   * How long an unapplied update is remembered by default ({@link RawMessage#MAX_CLOCK_SKEW_MS};
   * the job passes {@code catalog.tombstone-ttl-ms}).
   */
  public static final long DEFAULT_TOMBSTONE_TTL_MS = RawMessage.MAX_CLOCK_SKEW_MS;

  /**
   * @param tombstoneTtlMillis how long a product's state remembers an update not applied because
   *     the product was unknown ({@link StateDescriptors#catalogUnapplied}), >= 1
   */
  public ApplyCatalogUpdates(
      String artifactDir, String watchRoot, long watchIntervalMillis, long tombstoneTtlMillis) {
    if (tombstoneTtlMillis < 1) {
      throw new IllegalArgumentException(
          "tombstoneTtlMillis must be >= 1, got " + tombstoneTtlMillis);
    }
    this.tombstoneTtlMillis = tombstoneTtlMillis;
    if (watchRoot != null && watchIntervalMillis < 1) {
      throw new IllegalArgumentException(
          "watchIntervalMillis must be >= 1, got " + watchIntervalMillis);
    }
    this.watchIntervalMillis = watchIntervalMillis;
    if (artifactDir == null) {
      throw new IllegalArgumentException("artifactDir is required");
    }
    this.artifactDir = artifactDir;
    this.watchRoot = watchRoot;
    this.modelId =
        watchRoot == null
            ? null
            : IndexArtifact.readManifest(IndexArtifact.resolve(Path.of(artifactDir))).modelId();
  }

  @Override
  public void open(OpenContext ctx) {
    IndexArtifact artifact =
        ServingVersions.current(
            Path.of(artifactDir), watchRoot == null ? null : Path.of(watchRoot), modelId);
    adopt(artifact);
    if (watchRoot != null) {
      watcher = new LatestVersionWatcher(Path.of(watchRoot), watchIntervalMillis, artifact.dir());
    }
    state = getRuntimeContext().getState(StateDescriptors.catalogProduct());
    unapplied = getRuntimeContext().getState(StateDescriptors.catalogUnapplied(tombstoneTtlMillis));
    signature = getRuntimeContext().getState(StateDescriptors.catalogSignature());
    appliedSeq = getRuntimeContext().getState(StateDescriptors.catalogAppliedSeq());
    liveSlots = getRuntimeContext().getState(StateDescriptors.catalogLiveSlots());
    pending = getRuntimeContext().getMapState(StateDescriptors.catalogPending(ProductUpdate.class));
    var metrics = getRuntimeContext().getMetricGroup();
    applied = metrics.counter("catalogUpdatesApplied");
    stale = metrics.counter("catalogUpdatesIgnoredStale");
    unknown = metrics.counter("catalogUpdatesIgnoredUnknown");
    deleted = metrics.counter("catalogUpdatesIgnoredDeleted");
    duplicates = metrics.counter("catalogUpdatesIgnoredDuplicate");
    heldBack = metrics.counter("catalogUpdatesHeldBack");
    failed = metrics.counter("catalogUpdatesFailed");
    versionsRejected = metrics.counter("catalogIndexVersionsRejected");
  }

  /** Assigns, fans out and signs with {@code artifact} from now on. */
  private void adopt(IndexArtifact artifact) {
    Manifest.GateInfo g = artifact.manifest().gate();
    ExpertIndex previousLexical = lexical;
    lexical = artifact.openLexical();
    if (previousLexical != null) {
      previousLexical.close();
    }
    version = artifact.version();
    versionAncestors = ServingVersions.ancestors(artifact);
    ExpertMembership membership = membership(artifact);
    // The membership's id map when read: not a second set of every id.
    Predicate<String> inArtifact =
        membership != null ? membership::contains : new HashSet<>(artifact.ids())::contains;
    Set<String> outOfStock = artifact.outOfStock();
    folded = artifact.folded();
    adopted = artifact;
    this.previous = changes;
    changes =
        new CatalogChanges(
            new ExpertAssigner(
                artifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
            artifact.placement(),
            ExpertRequest.LEXICAL_SHARDS,
            inArtifact,
            id -> !outOfStock.contains(id),
            membership);
  }

  /**
   * Which experts hold a product in {@code artifact} ({@code members.bin}); {@code null} (every
   * slot gets every update, as before targeted fan-out) when the file cannot be read.
   */
  private static ExpertMembership membership(IndexArtifact artifact) {
    try {
      return ExpertMembership.of(artifact.ids(), IndexBuilder.readMembers(artifact.dir()));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "expert membership of {} not read: every catalogue update goes to every expert slot",
          artifact.dir(),
          e);
      return null;
    }
  }

  /** The version applied with. */
  String version() {
    return version;
  }

  /** How often {@link #follow} reads {@code LATEST}; 0 without a watched root. */
  long watchIntervalMillis() {
    return watchRoot == null ? 0 : watchIntervalMillis;
  }

  /**
   * Adopts the version the watched root's {@code LATEST} names, if it names another one (read at
   * most once per interval) and it verifies ({@link ServingVersions#verify}, as the router does: a
   * version that fails is adopted by neither; counted {@code catalogIndexVersionsRejected} and
   * logged, and this subtask stays on its version). Loads it synchronously, between two updates.
   *
   * @return whether the serving layout changed, so every kept state must be {@linkplain #relayout
   *     fanned out again}
   */
  boolean follow(long nowMillis) {
    Path next = watcher == null ? null : watcher.poll(nowMillis);
    if (next == null) {
      return false;
    }
    IndexArtifact artifact;
    try {
      artifact = ServingVersions.verify(next, modelId);
    } catch (RuntimeException e) {
      Cancellation.rethrow(e);
      versionsRejected.inc();
      LOG.warn("catalogue updates not applied with index version {}: {}", next, e.getMessage());
      return false;
    }
    String before = layout();
    adopt(artifact);
    boolean moved = !before.equals(layout());
    LOG.info(
        "applying catalogue updates with index version {}{}",
        version,
        moved ? " (a new serving layout: the live delta is fanned out over it again)" : "");
    return moved;
  }

  /**
   * The serving layout the expert slots' entries are fanned out over now, as a fingerprint: equal
   * fingerprints mean the same slots hold the same experts' replicas.
   */
  String layout() {
    return fingerprint(changes.placement());
  }

  static String fingerprint(ExpertPlacement p) {
    StringBuilder b = new StringBuilder().append(p.slots());
    for (int e = 0; e < p.experts(); e++) {
      b.append(';');
      for (int r : p.replicas(e)) {
        b.append(r).append(',');
      }
    }
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return p.experts() + "x" + p.slots() + ":" + HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Fans the current key's kept state out again over the serving layout, to every expert slot at
   * once (the lexical shards do not depend on it), as {@linkplain SlotDelta#relaid re-laid}
   * entries: a slot that already holds the product at a newer {@code ts} keeps it, one that holds
   * the same update under the old layout takes the new layout's kind, a new slot takes it. An
   * upserted product keeps the experts it was assigned when applied (its signature's) while the
   * version keeps them (the one it was signed under, or a compaction or gate update of it), so the
   * query cache's view of it stays right; after a full rebuild (other experts) the new gate assigns
   * it. Must be called with {@code kept} the current key's {@link StateDescriptors#catalogProduct}.
   *
   * @return whether the product had a kept state
   */
  boolean relayout(DeltaEntry kept, long nowMillis, Consumer<SlotDelta> out) throws Exception {
    if (kept == null) {
      return false;
    }
    UpsertSignature s = kept.kind() == DeltaEntry.Kind.LIVE ? signature.value() : null;
    // Its signature's experts while the version keeps the experts it was signed under (the same
    // version, a compaction or a gate update of it); after a rebuild, the new gate's.
    boolean sameExperts =
        s != null
            && s.bm25Version() != null
            && (s.bm25Version().equals(version) || versionAncestors.contains(s.bm25Version()));
    int[] experts =
        kept.kind() != DeltaEntry.Kind.LIVE
            ? null
            : sameExperts ? s.experts() : changes.experts(kept.vector());
    for (CatalogChanges.SlotEntry e : changes.relayout(kept, experts)) {
      out.accept(new SlotDelta(e.slot(), e.entry(), 0, nowMillis, true));
    }
    liveSlots.update(experts == null ? new int[0] : changes.slotsOf(experts));
    return true;
  }

  /**
   * The expert slots that may hold an older state of the current key's product: those whose
   * artifact index holds it in the version applied with and the one before it, and those it was
   * last sent upserted to; every slot of both layouts when that is not recorded (a product applied
   * before {@link #liveSlots} existed).
   *
   * @param current the product's applied state ({@code null}: none, so no slot holds an upserted
   *     copy)
   */
  private BitSet mayHold(String productId, DeltaEntry current) throws Exception {
    BitSet slots = new BitSet();
    for (CatalogChanges c : previous == null ? List.of(changes) : List.of(changes, previous)) {
      c.markArtifactSlots(productId, slots);
    }
    int[] before = current == null ? new int[0] : liveSlots.value();
    if (before == null) {
      slots.set(0, changes.placement().slots());
      if (previous != null) {
        slots.set(0, previous.placement().slots());
      }
    } else {
      for (int s : before) {
        slots.set(s);
      }
    }
    return slots;
  }

  @Override
  public void close() throws Exception {
    if (lexical != null) {
      lexical.close();
    }
    super.close();
  }

  /**
   * Applies {@code u} in its product's order: an update numbered by {@link SequenceCatalogUpdates}
   * waits (in {@link StateDescriptors#catalogPending}) until the one numbered before it was
   * applied, then it and every waiting successor are applied; one numbered at or below the last
   * applied is a replayed duplicate and ignored. An unnumbered update ({@code seq} 0) is applied at
   * once.
   */
  @Override
  public void processElement(ProductUpdate u, Context ctx, Collector<SlotDelta> out)
      throws Exception {
    if (u.seq() == 0) {
      apply(u, ctx, out);
      return;
    }
    Long last = appliedSeq.value();
    long done = last == null ? 0 : last;
    if (u.seq() <= done) {
      duplicates.inc();
      return;
    }
    if (u.seq() > done + 1) {
      pending.put(u.seq(), u); // an earlier update of this product is still being embedded
      heldBack.inc();
      return;
    }
    apply(u, ctx, out);
    long next = u.seq() + 1;
    for (ProductUpdate p = pending.get(next); p != null; p = pending.get(++next)) {
      pending.remove(next);
      apply(p, ctx, out);
    }
    appliedSeq.update(next - 1);
  }

  /**
   * Applies one update; one that fails (an embedding of another dimension, any runtime error of the
   * assignment) is counted ({@code catalogUpdatesFailed}) and logged, and counts as applied in its
   * product's order, so the product's later updates are not held back behind it and a replay does
   * not fail the task again.
   */
  private void apply(ProductUpdate u, Context ctx, Collector<SlotDelta> out) throws Exception {
    try {
      applyOrThrow(u, ctx, out);
    } catch (RuntimeException | StackOverflowError e) {
      Cancellation.rethrow(e);
      failed.inc();
      if (FailureLogging.logs(failed.getCount())) {
        LOG.warn(
            "catalogue update {} of product {} not applied ({} so far)",
            u.op(),
            FailureLogging.printable(u.productId()),
            failed.getCount(),
            FailureLogging.printable(e));
      }
    }
  }

  /**
   * The query-cache signature of a live product as of {@code appliedAt}. A patch of an upserted
   * product changes neither its text nor its embedding, so it re-dates the signature its upsert was
   * given under this subtask's version (its experts and BM25 scores are that version's) rather than
   * analysing the text again (up to a 64 KB product per patch: tens of milliseconds); an upsert, or
   * a patch whose upsert was signed under another version or not kept, signs it.
   */
  private UpsertSignature signed(CatalogUpdate.Op op, DeltaEntry next, long appliedAt)
      throws Exception {
    UpsertSignature kept = op == CatalogUpdate.Op.PATCH ? signature.value() : null;
    if (kept != null && kept.bm25Version() != null && kept.bm25Version().equals(version)) {
      return kept.dated(appliedAt);
    }
    return UpsertSignature.of(
        appliedAt,
        changes.experts(next.vector()),
        next.vector(),
        next.product(),
        lexical.statistics(),
        version);
  }

  /**
   * The filters a patch of a catalogue product may let it newly pass ({@link
   * CatalogChange#widens}): back in stock, or a price other than the one applied before (any price,
   * when none was: the catalogue's is not known here).
   */
  private int widens(DeltaEntry current, DeltaEntry next) {
    int widens = 0;
    if (next.inStock() && !changes.inStockBefore(current, next.productId())) {
      widens |= CatalogChange.WIDENS_STOCK;
    }
    Double before = current == null ? null : current.price();
    if (next.price() != null && !next.price().equals(before)) {
      widens |= CatalogChange.WIDENS_PRICE;
    }
    return widens;
  }

  /** Keeps what the rule remembers of unapplied updates, written only when it changed. */
  private void remember(Unapplied before, Unapplied after) throws Exception {
    if (after == null) {
      if (before != null) {
        unapplied.clear();
      }
    } else if (!after.equals(before)) {
      unapplied.update(after);
    }
  }

  /**
   * The state a product starts from when this subtask holds none: as the adopted version folded it
   * ({@code null}: it folded nothing of it). A job started without state on a compacted version (or
   * lagging behind the compaction) then ignores what is older than the fold, as the compaction did:
   * a late or replayed upsert older than a folded delete, a patch older than a folded patch.
   */
  private DeltaEntry foldedState(String productId) {
    Long version = folded.get(productId);
    return version == null
        ? null
        : CatalogFold.foldedState(
            productId,
            version,
            adopted.foldedParts().get(productId),
            changes.holds(productId),
            changes.inStockBefore(null, productId));
  }

  private void applyOrThrow(ProductUpdate u, Context ctx, Collector<SlotDelta> out)
      throws Exception {
    DeltaEntry kept = state.value();
    // The rule's view: the kept state, else the folded one. Which slots were sent the product
    // upserted is known only from what this subtask kept.
    DeltaEntry current = kept != null ? kept : foldedState(u.productId());
    Unapplied remembered = unapplied.value();
    CatalogChanges.Result r =
        switch (u.op()) {
          case UPSERT ->
              changes.upsert(current, remembered, u.product(), u.inStock(), u.ts(), u.vector());
          case PATCH ->
              changes.patch(current, remembered, u.productId(), u.price(), u.inStock(), u.ts());
          case DELETE -> changes.delete(current, remembered, u.productId(), u.ts());
        };
    switch (r.outcome()) {
      case STALE -> stale.inc();
      // Not applied (no slot gets anything) but remembered, with a TTL: a tombstone of an id
      // nobody serves costs one small entry for catalog.tombstone-ttl-ms.
      case UNKNOWN -> {
        unknown.inc();
        remember(remembered, r.unapplied());
      }
      case DELETED -> {
        deleted.inc();
        if (r.next() != null) {
          // The deleted state keeps the patch for a re-listing older than it; the slots hide the
          // product already, so nothing is sent.
          state.update(r.next());
          if (kept == null) {
            liveSlots.update(new int[0]); // from the folded state: sent upserted to no slot
          }
        }
        remember(remembered, r.unapplied());
      }
      case APPLIED -> {
        DeltaEntry next = r.next();
        long appliedAt = System.currentTimeMillis();
        // Everything that can fail on the entry (its embedding's dimension) before it is kept: a
        // failed update leaves the product's state as it was.
        UpsertSignature upsert =
            next.kind() == DeltaEntry.Kind.LIVE ? signed(u.op(), next, appliedAt) : null;
        // The signature's experts: the gate is scored once per update, not again here.
        int[] live = upsert != null ? changes.slotsOf(upsert.experts()) : new int[0];
        BitSet mayHold = mayHold(u.productId(), kept);
        List<CatalogChanges.SlotEntry> slots = changes.fanOut(next, live, mayHold, true);
        state.update(next);
        liveSlots.update(live);
        signature.update(upsert);
        remember(remembered, r.unapplied());
        applied.inc();
        // Live price and stock with every change but a delete: also an upsert's, and a patch of
        // an upserted product's, which the merge must show before the slots apply them.
        ctx.output(
            CHANGES,
            new CatalogChange(
                u.productId(),
                appliedAt,
                upsert,
                switch (next.kind()) {
                  case HIDDEN -> null;
                  // A patch of a catalogue product: a null price keeps the catalogue's.
                  case PATCHED -> new LivePatch(appliedAt, next.price(), next.inStock());
                  // The whole product: a null price is none (an upsert without one).
                  case LIVE ->
                      LivePatch.ofProduct(appliedAt, next.price(), next.inStock(), next.brand());
                },
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                next.ts(),
                upsert == null && next.kind() == DeltaEntry.Kind.PATCHED
                    ? widens(current, next)
                    : 0));
        for (CatalogChanges.SlotEntry e : slots) {
          out.collect(new SlotDelta(e.slot(), e.entry(), u.producedAtMillis(), appliedAt));
        }
        // Every other expert slot gets the entry too (a version swapped in later may hold the
        // product there), in bulk through the operator: one record per slot and interval.
        BitSet rest = new BitSet();
        rest.set(0, changes.placement().slots());
        rest.andNot(mayHold);
        for (int s : live) {
          rest.clear(s);
        }
        for (CatalogChanges.SlotEntry e : changes.fanOut(next, new int[0], rest, false)) {
          if (completion == null) {
            out.collect(new SlotDelta(e.slot(), e.entry(), u.producedAtMillis(), appliedAt));
          } else {
            completion.add(e.slot(), e.entry(), appliedAt);
          }
        }
      }
    }
  }
}
