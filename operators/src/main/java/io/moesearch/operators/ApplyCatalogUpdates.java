package io.moesearch.operators;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.artifact.ServingVersions;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.live.CatalogChanges;
import io.moesearch.core.live.DeltaEntry;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.state.StateDescriptors;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * StateDescriptors#catalogProduct}) and emits its new state to every serving slot ({@link
 * SlotDelta}): an upserted product to the slots of its experts (the index build's assignment with
 * the served artifact's gate and settings, boundary replication included) and the lexical shards,
 * hidden everywhere else. Counts {@code catalogUpdatesApplied}, {@code catalogUpdatesIgnoredStale}
 * (an older {@code ts} than the applied one), {@code catalogUpdatesIgnoredUnknown} (a patch or
 * delete of a product the catalogue does not hold) and {@code catalogUpdatesIgnoredDeleted} (a
 * patch of a deleted product), {@code catalogUpdatesHeldBack} (an update that arrived before an
 * earlier one of its product, see {@link #processElement}) and {@code
 * catalogUpdatesIgnoredDuplicate} (a replayed numbered update). Each applied update also goes to
 * {@link #CHANGES} (product, time, and for an upsert its {@link UpsertSignature}: experts joined,
 * embedding, BM25 terms and their scores under the assigning version's lexical statistics; for a
 * patch its {@link LivePatch}: live price and stock) for the query cache.
 */
public final class ApplyCatalogUpdates
    extends KeyedProcessFunction<String, ProductUpdate, SlotDelta> {
  /** A notice per applied update, for the query cache's coherence. */
  private static final Logger LOG = LoggerFactory.getLogger(ApplyCatalogUpdates.class);

  public static final OutputTag<CatalogChange> CHANGES = new OutputTag<>("catalog-changes") {};

  private final String artifactDir;
  private final String watchRoot;
  private final String modelId;

  private transient CatalogChanges changes;

  /** The assigning version's lexical index, for the BM25 scores in upserts' signatures. */
  private transient ExpertIndex lexical;

  private transient String version;
  private transient ValueState<DeltaEntry> state;

  /** The signature of the product's newest applied upsert ({@link #signed}). */
  private transient ValueState<UpsertSignature> signature;

  private transient ValueState<Long> appliedSeq;
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
    Manifest.GateInfo g = artifact.manifest().gate();
    lexical = artifact.openLexical();
    version = artifact.version();
    Set<String> ids = new HashSet<>(artifact.ids());
    Set<String> outOfStock = artifact.outOfStock();
    changes =
        new CatalogChanges(
            new ExpertAssigner(
                artifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
            artifact.placement(),
            ExpertRequest.LEXICAL_SHARDS,
            ids::contains,
            id -> !outOfStock.contains(id));
    state = getRuntimeContext().getState(StateDescriptors.catalogProduct());
    signature = getRuntimeContext().getState(StateDescriptors.catalogSignature());
    appliedSeq = getRuntimeContext().getState(StateDescriptors.catalogAppliedSeq());
    pending = getRuntimeContext().getMapState(StateDescriptors.catalogPending(ProductUpdate.class));
    var metrics = getRuntimeContext().getMetricGroup();
    applied = metrics.counter("catalogUpdatesApplied");
    stale = metrics.counter("catalogUpdatesIgnoredStale");
    unknown = metrics.counter("catalogUpdatesIgnoredUnknown");
    deleted = metrics.counter("catalogUpdatesIgnoredDeleted");
    duplicates = metrics.counter("catalogUpdatesIgnoredDuplicate");
    heldBack = metrics.counter("catalogUpdatesHeldBack");
    failed = metrics.counter("catalogUpdatesFailed");
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
            u.productId(),
            failed.getCount(),
            e);
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

  private void applyOrThrow(ProductUpdate u, Context ctx, Collector<SlotDelta> out)
      throws Exception {
    DeltaEntry current = state.value();
    CatalogChanges.Result r =
        switch (u.op()) {
          case UPSERT -> changes.upsert(current, u.product(), u.inStock(), u.ts(), u.vector());
          case PATCH -> changes.patch(current, u.productId(), u.price(), u.inStock(), u.ts());
          case DELETE -> changes.delete(current, u.productId(), u.ts());
        };
    switch (r.outcome()) {
      case STALE -> stale.inc();
      case UNKNOWN -> unknown.inc();
      case DELETED -> deleted.inc();
      case APPLIED -> {
        DeltaEntry next = r.next();
        long appliedAt = System.currentTimeMillis();
        // Everything that can fail on the entry (its embedding's dimension) before it is kept: a
        // failed update leaves the product's state as it was.
        UpsertSignature upsert =
            next.kind() == DeltaEntry.Kind.LIVE ? signed(u.op(), next, appliedAt) : null;
        List<CatalogChanges.SlotEntry> slots = changes.fanOut(next);
        state.update(next);
        signature.update(upsert);
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
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()));
        for (CatalogChanges.SlotEntry e : slots) {
          out.collect(new SlotDelta(e.slot(), e.entry(), u.producedAtMillis(), appliedAt));
        }
      }
    }
  }
}
