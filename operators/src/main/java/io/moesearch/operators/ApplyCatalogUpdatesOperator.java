package io.moesearch.operators;

import io.moesearch.core.live.DeltaEntry;
import io.moesearch.state.StateDescriptors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ApplyCatalogUpdates} and keeps the live delta on the serving layout: when the version
 * it applies with has another layout than the one every product's kept state was fanned out under,
 * it fans each of them out again over the new one ({@link ApplyCatalogUpdates#relayout}, over all
 * keys of this subtask), so the slots of new replicas get their delta and a deleted product stays
 * deleted on them. That happens
 *
 * <ul>
 *   <li>at a version swap while running: {@code LATEST} is read before each update and every watch
 *       interval without one ({@link ApplyCatalogUpdates#follow});
 *   <li>at a restore: the layout the kept states were fanned out under is recorded in operator
 *       state ({@link StateDescriptors#catalogLayout}); a restore under another layout, or from
 *       state without the record, fans them out again before any update is applied.
 * </ul>
 *
 * Re-sent entries keep their update's {@code ts}, so a slot holding a newer entry ignores them and
 * one holding the same update takes the new layout's kind. Counts {@code catalogLayoutChanges},
 * {@code catalogProductsRelaid} and {@code catalogProductsRelayFailed} (logged; the others go on).
 *
 * <p>Bulk entries: an update goes at once to the expert slots that may hold its product and to the
 * lexical shards (the few records a query waits for); every other expert slot gets its entry too,
 * since a version swapped in later may hold the product there, but gathered per slot and sent as
 * one record per slot every {@value #BULK_INTERVAL_MS} ms (a timer on the task's thread, so later
 * while the task is busy; {@link SlotDelta#bulk}; at most {@value #BULK_MAX} entries each), at
 * every version swap, and before every checkpoint barrier, so a checkpoint never holds an applied
 * update whose entries were not sent. The retrieval task reads its two inputs in turn, one record
 * each, so under a backlog of requests this is what keeps the delta from queueing: about 20 records
 * per update instead of one per expert slot (144 with the shipped index).
 */
public final class ApplyCatalogUpdatesOperator
    extends KeyedProcessOperator<String, ProductUpdate, SlotDelta> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ApplyCatalogUpdatesOperator.class);

  private transient ListState<String> layoutState;

  /** The layouts restored from state ({@code null}: a fresh start). */
  private transient List<String> restoredLayouts;

  /** The layout every kept state has been fanned out under. */
  private transient String laidOut;

  private transient Counter layoutChanges;
  private transient Counter relaid;
  private transient Counter relayFailures;

  /** How often the gathered bulk entries are sent (and before every checkpoint barrier). */
  static final long BULK_INTERVAL_MS = 1_000;

  /** A slot's gathered entries are sent at once when they reach this many. */
  static final int BULK_MAX = 512;

  /** Per expert slot, the entries gathered since the last send (ascending slots). */
  private transient TreeMap<Integer, List<DeltaEntry>> bulk;

  /** Per slot, when its oldest gathered entry was applied. */
  private transient Map<Integer, Long> bulkSince;

  /** The function run (the same object as {@code userFunction}, typed). */
  private final ApplyCatalogUpdates function;

  public ApplyCatalogUpdatesOperator(ApplyCatalogUpdates function) {
    super(function);
    this.function = function;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    layoutState =
        context.getOperatorStateStore().getUnionListState(StateDescriptors.catalogLayout());
    restoredLayouts = null;
    if (context.isRestored()) {
      restoredLayouts = new ArrayList<>();
      layoutState.get().forEach(restoredLayouts::add);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    var metrics = getRuntimeContext().getMetricGroup();
    layoutChanges = metrics.counter("catalogLayoutChanges");
    relaid = metrics.counter("catalogProductsRelaid");
    relayFailures = metrics.counter("catalogProductsRelayFailed");
    bulk = new TreeMap<>();
    bulkSince = new HashMap<>();
    function.completeThrough(this::gather);
    getProcessingTimeService()
        .scheduleWithFixedDelay(t -> sendBulk(), BULK_INTERVAL_MS, BULK_INTERVAL_MS);
    String now = function.layout();
    if (restoredLayouts != null
        && (restoredLayouts.isEmpty() || restoredLayouts.stream().anyMatch(l -> !l.equals(now)))) {
      relayAll("restored under serving layout " + now + ", fanned out under " + restoredLayouts);
    }
    laidOut = now;
    long interval = function.watchIntervalMillis();
    if (interval > 0) {
      getProcessingTimeService().scheduleWithFixedDelay(t -> follow(), interval, interval);
    }
  }

  @Override
  public void processElement(StreamRecord<ProductUpdate> element) throws Exception {
    follow();
    super.processElement(element);
  }

  /** Follows {@code LATEST} and, at a new serving layout, fans every kept state out over it. */
  private void follow() throws Exception {
    String before = function.version();
    boolean moved = function.follow(getProcessingTimeService().getCurrentProcessingTime());
    if (!function.version().equals(before)) {
      // Entries gathered for slots that may hold their products only in the version swapped in:
      // out now, not a timer tick later (and before a relay's newer ones).
      sendBulk();
    }
    if (moved) {
      relayAll("a version swap to serving layout " + function.layout());
    }
  }

  private void relayAll(String why) throws Exception {
    Object key = getCurrentKey();
    long now = System.currentTimeMillis();
    long[] products = {0};
    long[] failed = {0};
    getKeyedStateBackend()
        .applyToAllKeys(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            StateDescriptors.catalogProduct(),
            (k, s) -> {
              try {
                if (function.relayout(s.value(), now, d -> output.collect(new StreamRecord<>(d)))) {
                  products[0]++;
                }
              } catch (RuntimeException e) {
                // As an update that cannot be applied: counted, logged, the others go on.
                Cancellation.rethrow(e);
                failed[0]++;
                LOG.warn(
                    "product {} not fanned out over the new serving layout",
                    FailureLogging.printable(String.valueOf(k)),
                    FailureLogging.printable(e));
              }
            });
    if (key != null) {
      setCurrentKey(key);
    }
    laidOut = function.layout();
    layoutChanges.inc();
    relaid.inc(products[0]);
    relayFailures.inc(failed[0]);
    LOG.info("{} products' live delta fanned out again: {}", products[0], why);
  }

  private void gather(int slot, DeltaEntry entry, long appliedAtMillis) {
    List<DeltaEntry> entries = bulk.computeIfAbsent(slot, s -> new ArrayList<>());
    entries.add(entry);
    bulkSince.putIfAbsent(slot, appliedAtMillis);
    if (entries.size() >= BULK_MAX) {
      output.collect(new StreamRecord<>(SlotDelta.bulk(slot, entries, bulkSince.remove(slot))));
      bulk.remove(slot);
    }
  }

  /** Sends every slot's gathered entries, one record per slot. */
  private void sendBulk() {
    for (var e : bulk.entrySet()) {
      output.collect(
          new StreamRecord<>(SlotDelta.bulk(e.getKey(), e.getValue(), bulkSince.get(e.getKey()))));
    }
    bulk.clear();
    bulkSince.clear();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    sendBulk();
  }

  @Override
  public void finish() throws Exception {
    sendBulk();
    super.finish();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    layoutState.update(List.of(laidOut));
  }
}
