package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.core.rank.EntryCut;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.retrieval.QueryExpansion;
import io.moesearch.core.retrieval.Synonyms;
import io.moesearch.state.StateDescriptors;
import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CacheLookupTest {
  private static final String VERSION = "idx-1";
  private static final String MODEL = "model-a";
  private static final long WAIT_MS = 500;
  private static final long L2_TTL_MS = 60_000;
  private static final long L3_TTL_MS = 120_000;
  private static final CacheSettings SETTINGS =
      new CacheSettings(1000, 60_000, L2_TTL_MS, L3_TTL_MS, WAIT_MS);
  private static final RankedItem[] ITEMS = {
    new RankedItem("p1", "Anker USB-C cable", 0.9f), new RankedItem("p2", "Belkin cable", 0.8f)
  };

  private KeyedBroadcastOperatorTestHarness<String, CacheInput, CatalogChange, SearchResult>
      harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = open(VERSION, null);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static KeyedBroadcastOperatorTestHarness<String, CacheInput, CatalogChange, SearchResult>
      open(String version, OperatorSubtaskState restore) throws Exception {
    return open(version, restore, null);
  }

  /** A harness on {@code backend} ({@code null}: the harness's heap backend). */
  private static KeyedBroadcastOperatorTestHarness<String, CacheInput, CatalogChange, SearchResult>
      open(String version, OperatorSubtaskState restore, StateBackend backend) throws Exception {
    return open(new CacheLookup(version, MODEL, SETTINGS), restore, backend);
  }

  private static KeyedBroadcastOperatorTestHarness<String, CacheInput, CatalogChange, SearchResult>
      open(CacheLookup lookup, OperatorSubtaskState restore, StateBackend backend)
          throws Exception {
    var h =
        Harnesses.withoutGenericTypes(
            new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                    lookup, List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
                CacheInput::key,
                Types.STRING,
                128,
                1,
                0));
    if (backend != null) {
      h.setStateBackend(backend);
    }
    h.setup();
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
    return h;
  }

  private static AcceptedQuery query(String id, String text) {
    return query(id, text, null);
  }

  private static AcceptedQuery query(String id, String text, Filters filters) {
    return new AcceptedQuery(new SearchQuery(id, text, 10, filters, 0, null), 1_000L);
  }

  private static CacheFill resultFill(String normalisedText, String version) {
    return new CacheFill(
        CacheFill.Kind.RESULT,
        normalisedText,
        10,
        "",
        version,
        ITEMS,
        new int[] {4},
        null,
        5,
        null,
        null,
        null);
  }

  private void send(AcceptedQuery q) throws Exception {
    harness.processElement(new StreamRecord<>(CacheInput.of(q)));
  }

  private void fill(CacheFill f) throws Exception {
    harness.processElement(new StreamRecord<>(CacheInput.of(f)));
  }

  private int keyedEntries() {
    return ((org.apache.flink.runtime.state.AbstractKeyedStateBackend<?>)
            ((org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>)
                    harness.getOperator())
                .getKeyedStateBackend())
        .numKeyValueStateEntries();
  }

  private void change(CatalogChange c) throws Exception {
    harness.processBroadcastElement(new StreamRecord<>(c));
  }

  private List<AcceptedQuery> misses() {
    var out = harness.getSideOutput(CacheLookup.MISSES);
    return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
  }

  private List<SearchResult> answers() {
    return harness.extractOutputValues();
  }

  @Test
  void aMissIsComputedThenServedFromL1AndAfterARestoreFromL2() throws Exception {
    send(query("q1", "USB-C  Cable"));
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1");
    assertThat(answers()).isEmpty();

    fill(resultFill("usb-c cable", VERSION));
    send(query("q2", "usb-c cable "));
    assertThat(answers())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.queryId()).isEqualTo("q2");
              assertThat(r.text()).isEqualTo("usb-c cable");
              assertThat(r.cache()).isEqualTo(SearchResult.CACHE_L1);
              assertThat(r.items()).containsExactly(ITEMS);
              assertThat(r.indexVersion()).isEqualTo(VERSION);
              assertThat(r.tsIn()).isEqualTo(1_000L);
            });

    OperatorSubtaskState snapshot = harness.snapshot(1, 10);
    harness.close();
    harness = open(VERSION, snapshot);
    send(query("q3", "USB-C cable"));
    assertThat(answers()).singleElement().extracting(SearchResult::cache).isEqualTo("l2");
    send(query("q4", "USB-C cable"));
    assertThat(answers()).extracting(SearchResult::cache).containsExactly("l2", "l1");
    assertThat(misses()).isEmpty();
  }

  /**
   * Behind the hit path ({@link CacheHits} caches the fills), this lookup's L1 keeps only what it
   * served from L2, and each such result goes to the fill topic once so the hit path's L1 gets it
   * (after a restart it is empty); in front of nothing, nothing is promoted.
   */
  @Test
  void behindTheHitPathAnL2HitIsSentToTheHitPathOnce() throws Exception {
    fill(resultFill("usb cable", VERSION));
    send(query("q0", "usb cable"));
    assertThat(harness.getSideOutput(CacheLookup.PROMOTIONS)).isNull();
    harness.close();

    harness = open(new CacheLookup(VERSION, MODEL, SETTINGS).behindHits(), null, null);
    fill(resultFill("usb cable", VERSION));
    send(query("q1", "usb cable"));
    send(query("q2", "usb cable"));
    assertThat(answers())
        .extracting(SearchResult::queryId, SearchResult::cache)
        .containsExactly(Tuple.tuple("q1", "l2"), Tuple.tuple("q2", "l1"));
    var promoted = harness.getSideOutput(CacheLookup.PROMOTIONS);
    assertThat(promoted).hasSize(1);
    CacheFill f = promoted.peek().getValue();
    assertThat(f.kind()).isEqualTo(CacheFill.Kind.RESULT);
    assertThat(f.text()).isEqualTo("usb cable");
    assertThat(f.topK()).isEqualTo(10);
    assertThat(f.version()).isEqualTo(VERSION);
    assertThat(f.items()).containsExactly(ITEMS);
    assertThat(f.experts()).containsExactly(4);
    assertThat(f.ts()).isEqualTo(5);
  }

  /**
   * An older (or as old) fill never replaces the cached answer: a promotion coming back, or a
   * duplicate, would otherwise restart its lifetime, and a hot text would never be recomputed.
   */
  @Test
  void anOlderFillNeverReplacesTheCachedAnswer() throws Exception {
    harness.close();
    harness = open(new CacheLookup(VERSION, MODEL, SETTINGS).behindHits(), null, null);
    fill(resultFillAt("usb cable", T, 4));
    RankedItem[] other = {new RankedItem("p9", "Other cable", 0.5f)};
    fill(CacheFill.result("usb cable", 10, "", VERSION, other, new int[] {4}, T - 1));
    send(query("q1", "usb cable"));
    assertThat(answers())
        .singleElement()
        .satisfies(r -> assertThat(r.items()).containsExactly(ITEMS));
    fill(CacheFill.result("usb cable", 10, "", VERSION, other, new int[] {4}, T + 1));
    send(query("q2", "usb cable"));
    assertThat(answers().get(1).items()).containsExactly(other);
  }

  @Test
  void variantsOfOneTextAreCachedApart() throws Exception {
    fill(resultFill("usb cable", VERSION));
    send(query("q1", "usb cable", new Filters(new String[] {"Anker"}, null, null)));
    send(new AcceptedQuery(new SearchQuery("q2", "usb cable", 5, null, 0, null), 1_000L));
    assertThat(answers()).isEmpty();
    assertThat(misses()).hasSize(2);
  }

  @Test
  void anExplainedQueryIsAlwaysComputedAndNeverCoalesced() throws Exception {
    fill(resultFill("toner", VERSION));
    send(new AcceptedQuery(new SearchQuery("q1", "toner", 10, null, 0, null, true), 1_000L));
    send(new AcceptedQuery(new SearchQuery("q2", "toner", 10, null, 0, null, true), 1_000L));
    assertThat(answers()).as("a cached answer has no explanations").isEmpty();
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1", "q2");
    send(query("q3", "toner"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q3");
    send(new AcceptedQuery(new SearchQuery("q4", "  TONER", 10, null, 0, null, true), 1_000L));
    assertThat(misses().get(2).query().explain()).as("kept through normalisation").isTrue();
  }

  @Test
  void withAdmitAfterTwoAOneOffTextWritesNoFillsAndIsNotCoalesced() throws Exception {
    harness.close();
    var h =
        Harnesses.withoutGenericTypes(
            new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                    new CacheLookup(
                        VERSION,
                        MODEL,
                        new CacheSettings(
                            SETTINGS.l1MaxEntries(),
                            SETTINGS.l1MaxBytes(),
                            SETTINGS.l1TtlMillis(),
                            SETTINGS.l2TtlMillis(),
                            SETTINGS.l3TtlMillis(),
                            SETTINGS.coalesceWaitMillis(),
                            2,
                            0)),
                    List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
                CacheInput::key,
                Types.STRING,
                128,
                1,
                0));
    h.setup();
    h.open();
    harness = h;
    send(query("q1", "toner"));
    send(query("q2", "toner"));
    send(query("q3", "toner"));
    assertThat(misses())
        .as("the first is not admitted, the second is (and computed), the third waits for it")
        .extracting(a -> a.query().queryId() + ":" + a.cacheFill())
        .containsExactly("q1:false", "q2:true");
    fill(resultFill("toner", VERSION));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q3");
    send(query("q4", "ink"));
    assertThat(misses()).last().extracting(AcceptedQuery::cacheFill).isEqualTo(false);
  }

  /** Replaces the harness with one of {@link #doorkeeperSettings}, processing time at 0. */
  private void reopenWithDoorkeeper(long doorkeeperMillis) throws Exception {
    harness.close();
    harness =
        open(new CacheLookup(VERSION, MODEL, doorkeeperSettings(doorkeeperMillis)), null, null);
  }

  /** Reopens the lookup judging coherence by the terms {@code expansion} searches. */
  private void reopenExpanding(QueryExpansion expansion) throws Exception {
    harness.close();
    harness =
        open(new CacheLookup(VERSION, MODEL, SETTINGS).expandingQueries(expansion), null, null);
  }

  /** Each miss sent on so far, as "query id:whether its answer is to be cached". */
  private List<String> admissions() {
    return misses().stream().map(a -> a.query().queryId() + ":" + a.cacheFill()).toList();
  }

  /** Settings with a coalescing wait of 5 s (no timer fires in between) and {@code doorkeeper}. */
  private static CacheSettings doorkeeperSettings(long doorkeeperMillis) {
    return new CacheSettings(
        SETTINGS.l1MaxEntries(),
        SETTINGS.l1MaxBytes(),
        SETTINGS.l1TtlMillis(),
        SETTINGS.l2TtlMillis(),
        SETTINGS.l3TtlMillis(),
        5_000,
        1,
        doorkeeperMillis);
  }

  /**
   * Round trips of 400 and 600 ms over the interval from 400 ms (processing time), then queries,
   * then a fast round trip (50 ms) and a query after its interval.
   */
  private void roundTripsSlowThenFast() throws Exception {
    harness.setProcessingTime(0);
    send(query("q1", "toner"));
    harness.setProcessingTime(300);
    send(query("q2", "ink"));
    harness.setProcessingTime(400);
    fill(resultFill("toner", VERSION)); // 400 ms
    harness.setProcessingTime(900);
    fill(resultFill("ink", VERSION)); // 600 ms: the least of the interval from 400 is 400 ms
    harness.setProcessingTime(1_400);
    send(query("q3", "paper"));
    send(query("q4", "stapler"));
    send(query("q5", "stapler"));
    harness.setProcessingTime(1_450);
    fill(resultFill("paper", VERSION)); // 50 ms
    harness.setProcessingTime(2_500);
    send(query("q6", "cable"));
  }

  /**
   * With cache.doorkeeper-ms, every answer is cached while the miss path keeps up; once the
   * computed answers' round trips stood above the bound for an interval, a text computed for the
   * first time writes no fills (a probe excepted) and its second computation does; once an
   * interval's round trips are back under the bound, every answer is cached again.
   */
  @Test
  void underPressureOnlyRepeatedTextsAndAProbeWriteFills() throws Exception {
    reopenWithDoorkeeper(200);
    roundTripsSlowThenFast();
    assertThat(admissions())
        .containsExactly("q1:true", "q2:true", "q3:true", "q4:false", "q5:true", "q6:true");
  }

  /**
   * A computation released under overload (degraded or turned away at once) is pressure, although
   * it came back fast; so is one the lookup gave up waiting for.
   */
  @Test
  void aShedOrAbandonedComputationIsPressure() throws Exception {
    reopenWithDoorkeeper(200);
    harness.setProcessingTime(0);
    send(query("q1", "monitor"));
    harness.setProcessingTime(100);
    fill(CacheFill.release("monitor", 10, "", VERSION, 100)); // answered "overloaded" at once
    harness.setProcessingTime(1_100);
    send(query("q2", "keyboard"));
    send(query("q3", "mouse"));
    assertThat(admissions()).containsExactly("q1:true", "q2:true", "q3:false");

    reopenWithDoorkeeper(200);
    harness.setProcessingTime(0);
    send(query("q1", "lamp"));
    harness.setProcessingTime(5_000); // the coalescing wait: given up on, 5 s
    harness.setProcessingTime(6_000);
    send(query("q2", "desk"));
    send(query("q3", "chair"));
    assertThat(admissions()).containsExactly("q1:true", "q2:true", "q3:false");
  }

  /**
   * The late fill of a computation the lookup gave up on is not taken for the round trip of a newer
   * computation of the same text (it would look fast and lift the pressure).
   */
  @Test
  void aLateFillOfAComputationGivenUpOnIsNotTakenForANewerOnes() throws Exception {
    reopenWithDoorkeeper(200);
    harness.setProcessingTime(0);
    send(query("q1", "lamp"));
    harness.setProcessingTime(5_000); // given up on after 5 s
    send(query("q2", "lamp")); // computed again
    harness.setProcessingTime(5_010);
    fill(resultFill("lamp", VERSION)); // q1's answer, late: not a 10 ms round trip of q2's
    harness.setProcessingTime(6_000);
    send(query("q3", "desk"));
    send(query("q4", "chair"));
    assertThat(admissions()).containsExactly("q1:true", "q2:true", "q3:true", "q4:false");
  }

  @Test
  void withoutTheDoorkeeperSlowRoundTripsChangeNothing() throws Exception {
    reopenWithDoorkeeper(0);
    roundTripsSlowThenFast();
    assertThat(admissions()).containsExactly("q1:true", "q2:true", "q3:true", "q4:true", "q6:true");
  }

  @Test
  void entriesOfAnotherIndexVersionAreNeverServed() throws Exception {
    fill(resultFill("toner", "idx-0"));
    send(query("q1", "toner"));
    assertThat(answers()).isEmpty();
    assertThat(misses()).hasSize(1);

    fill(resultFill("toner", VERSION));
    OperatorSubtaskState snapshot = harness.snapshot(1, 10);
    harness.close();
    // The index moved on: the restored L2 entry is stale, so the query is computed again.
    harness = open("idx-2", snapshot);
    send(query("q2", "toner"));
    assertThat(answers()).isEmpty();
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
  }

  /**
   * A job restarted with other ranking settings (weights, synonyms, routing) restores answers its
   * old settings ranked; the fingerprint beside the index version keeps them from being served.
   */
  @Test
  void answersRankedWithOtherSettingsAreNeverServed() throws Exception {
    harness.close();
    harness = open(new CacheLookup(VERSION, MODEL, SETTINGS).rankedBy("rAAAA"), null, null);
    fill(resultFill("toner", VERSION)); // a fill without a fingerprint
    fill(resultFill("ink", CacheFill.resultVersion(VERSION, "rBBBB")));
    send(query("q1", "toner"));
    send(query("q2", "ink"));
    assertThat(answers()).isEmpty();
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1", "q2");

    fill(resultFill("cable", CacheFill.resultVersion(VERSION, "rAAAA")));
    send(query("q3", "cable"));
    assertThat(answers())
        .as("served, naming the index version alone")
        .extracting(SearchResult::queryId, SearchResult::indexVersion)
        .containsExactly(Tuple.tuple("q3", VERSION));

    OperatorSubtaskState snapshot = harness.snapshot(1, 10);
    harness.close();
    // Restarted with changed settings: the restored L2 answer of the old ones is computed again.
    harness = open(new CacheLookup(VERSION, MODEL, SETTINGS).rankedBy("rBBBB"), snapshot, null);
    send(query("q4", "cable"));
    assertThat(answers()).isEmpty();
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q4");
  }

  @Test
  void resultsExpireAfterTheirTtl() throws Exception {
    harness.setStateTtlProcessingTime(0);
    fill(resultFill("toner", VERSION));
    OperatorSubtaskState snapshot = harness.snapshot(1, 10);
    harness.close();
    harness = open(VERSION, snapshot); // an empty L1, so L2 answers
    harness.setStateTtlProcessingTime(L2_TTL_MS - 1);
    send(query("q1", "toner"));
    assertThat(answers()).extracting(SearchResult::cache).containsExactly("l2");

    snapshot = harness.snapshot(2, 20);
    harness.close();
    harness = open(VERSION, snapshot);
    harness.setStateTtlProcessingTime(L2_TTL_MS + 1);
    send(query("q2", "toner"));
    assertThat(answers()).isEmpty();
    assertThat(misses()).hasSize(1);
  }

  /**
   * On RocksDB (the job's backend) the L2/L3 TTL is enforced by RocksDB's compaction filter: an
   * expired entry stays on disk (unserved) until its column family is compacted, and compaction
   * then drops it while keeping the entries still alive.
   */
  @Test
  void rocksDbCompactionDropsExpiredCacheEntriesAndKeepsLiveOnes() throws Exception {
    harness.close();
    harness = open(VERSION, null, new EmbeddedRocksDBStateBackend());
    var rocks = (RocksDBKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend();
    harness.setStateTtlProcessingTime(0);
    fill(resultFill("toner", VERSION)); // L2, expires at L2_TTL_MS
    fill(CacheFill.embedding("toner", MODEL, new float[] {0.6f, 0.8f})); // L3, expires at L3_TTL_MS
    harness.setStateTtlProcessingTime(L2_TTL_MS / 2);
    fill(resultFill("mouse", VERSION)); // L2, expires at 1.5 × L2_TTL_MS
    assertThat(rocks.numKeyValueStateEntries()).isEqualTo(3);

    harness.setStateTtlProcessingTime(L2_TTL_MS + 1);
    assertThat(rocks.numKeyValueStateEntries()).as("expired, not yet compacted").isEqualTo(3);
    compact(rocks);
    assertThat(rocks.numKeyValueStateEntries()).as("toner's result dropped").isEqualTo(2);

    harness.setStateTtlProcessingTime(L3_TTL_MS + 1);
    compact(rocks);
    assertThat(rocks.numKeyValueStateEntries()).as("everything expired and dropped").isZero();
  }

  private static void compact(RocksDBKeyedStateBackend<?> rocks) throws Exception {
    rocks.compactState(
        new MapStateDescriptor<>(StateDescriptors.CACHED_RESULTS, Types.STRING, Types.INT));
    rocks.compactState(new ValueStateDescriptor<>(StateDescriptors.CACHED_EMBEDDING, Types.INT));
  }

  @Test
  void duplicatesInFlightWaitForTheFirstAndLeaveNothingBehind() throws Exception {
    harness.setProcessingTime(100);
    send(query("q1", "hp toner"));
    send(query("q2", "HP toner"));
    send(query("q3", "hp  toner"));
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1");
    assertThat(answers()).isEmpty();
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    fill(resultFill("hp toner", VERSION));
    assertThat(answers())
        .extracting(SearchResult::queryId, SearchResult::cache)
        .containsExactly(Tuple.tuple("q2", "coalesced"), Tuple.tuple("q3", "coalesced"));

    harness.setProcessingTime(100 + WAIT_MS);
    assertThat(harness.numProcessingTimeTimers()).isZero();
    // What remains is the cached result alone: no waiter, no in-flight marker.
    assertThat(keyedEntries()).isEqualTo(1);
  }

  /**
   * A client may send one query several times under the same id (a producer's retries): each record
   * is answered, even when they arrive in the same millisecond while the text is in flight.
   */
  @Test
  void recordsRepeatingOneIdInOneMillisecondAreEachAnswered() throws Exception {
    harness.setProcessingTime(100);
    for (int i = 0; i < 4; i++) {
      send(query("same", "usb hub"));
    }
    assertThat(misses()).hasSize(1);

    fill(resultFill("usb hub", VERSION));
    assertThat(answers())
        .extracting(SearchResult::queryId, SearchResult::cache)
        .containsExactly(
            Tuple.tuple("same", "coalesced"),
            Tuple.tuple("same", "coalesced"),
            Tuple.tuple("same", "coalesced"));
    harness.setProcessingTime(100 + WAIT_MS);
    assertThat(keyedEntries()).isEqualTo(1);
  }

  /**
   * One text under more top_k variants at once than {@link CacheLookup#MAX_VARIANTS_IN_FLIGHT}: the
   * variants past the bound are computed and cached but do not coalesce, so a timer or fill of the
   * text reads a bounded number of in-flight entries; the variants within it still coalesce, and
   * every record is answered or computed once.
   */
  @Test
  void variantsPastTheBoundAreComputedWithoutCoalescing() throws Exception {
    harness.setProcessingTime(100);
    int bound = CacheLookup.MAX_VARIANTS_IN_FLIGHT;
    for (int k = 1; k <= bound + 1; k++) {
      send(new AcceptedQuery(new SearchQuery("v" + k, "usb hub", k, null, 0, null), 1_000L));
    }
    send(new AcceptedQuery(new SearchQuery("again-1", "usb hub", 1, null, 0, null), 1_000L));
    send(
        new AcceptedQuery(
            new SearchQuery("again-" + (bound + 1), "usb hub", bound + 1, null, 0, null), 1_000L));
    assertThat(misses())
        .as("the first variant's repeat waits; the variant past the bound is computed again")
        .extracting(a -> a.query().queryId())
        .hasSize(bound + 2)
        .endsWith("v" + (bound + 1), "again-" + (bound + 1))
        .doesNotContain("again-1");
    assertThat(harness.numProcessingTimeTimers()).as("one wait timer per text and time").isOne();

    harness.setProcessingTime(100 + WAIT_MS);
    assertThat(misses())
        .as("the waiter is computed when its variant's computation never comes back")
        .hasSize(bound + 3)
        .last()
        .extracting(a -> a.query().queryId())
        .isEqualTo("again-1");
    assertThat(keyedEntries()).isZero();

    harness.setProcessingTime(200 + WAIT_MS);
    for (String id : List.of("later-1", "later-2")) {
      send(new AcceptedQuery(new SearchQuery(id, "usb hub", bound + 1, null, 0, null), 1_000L));
    }
    assertThat(misses())
        .as("the waits ended, so the bound counts none of them: the repeat coalesces again")
        .hasSize(bound + 4)
        .last()
        .extracting(a -> a.query().queryId())
        .isEqualTo("later-1");
  }

  /**
   * Waiters restored from a savepoint of a build that keyed them by query id and accept time (state
   * {@code coalesced-waiters}) are still answered, and taken from that state.
   */
  @Test
  void waitersInTheEarlierLayoutAreAnswered() throws Exception {
    harness.setProcessingTime(100);
    send(query("q1", "monitor"));
    var operator = (AbstractStreamOperator<?>) harness.getOperator();
    operator.setCurrentKey("monitor");
    var restored =
        operator.getPartitionedState(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            StateDescriptors.coalescedWaiters(AcceptedQuery.class));
    // The earlier layout: variant, NUL, id '#' accept time; the variant as CacheLookup makes it.
    String key =
        CacheLookup.variant("monitor", query("q0", "monitor").query()) + '\u0000' + "q0#900";
    restored.put(key, new AcceptedQuery(new SearchQuery("q0", "monitor", 10, null, 0, null), 900L));
    send(query("q2", "monitor"));

    fill(resultFill("monitor", VERSION));
    assertThat(answers())
        .as("oldest first: the restored waiter, then the one added since")
        .extracting(SearchResult::queryId, SearchResult::cache)
        .containsExactly(Tuple.tuple("q0", "coalesced"), Tuple.tuple("q2", "coalesced"));
    assertThat(restored.isEmpty()).isTrue();
  }

  @Test
  void aWaiterComputesItselfWhenTheFirstNeverComesBack() throws Exception {
    harness.setProcessingTime(100);
    send(query("q1", "monitor"));
    send(query("q2", "monitor"));
    assertThat(misses()).hasSize(1);

    harness.setProcessingTime(100 + WAIT_MS);
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1", "q2");
    assertThat(answers()).isEmpty();
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(keyedEntries()).isZero();
  }

  /**
   * A computation that ends without a result to cache (degraded, turned away, cut short) is
   * released: its waiters are computed at once, not after the coalescing wait, and nothing stays.
   */
  @Test
  void aReleaseComputesTheWaitersAtOnce() throws Exception {
    harness.setProcessingTime(100);
    send(query("q1", "monitor"));
    send(query("q2", "Monitor"));
    send(query("q3", "monitor", new Filters(new String[] {"dell"}, null, null)));
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1", "q3");

    fill(CacheFill.release("monitor", 10, "", VERSION, 150));
    assertThat(misses())
        .as("q2 is computed on the release, with no time passing; q3 waits for nothing")
        .extracting(a -> a.query().queryId())
        .containsExactly("q1", "q3", "q2");
    assertThat(answers()).isEmpty();
    fill(CacheFill.release("monitor", 10, "", VERSION, 160));
    assertThat(misses()).as("a second release finds nothing waiting").hasSize(3);

    fill(resultFill("monitor", VERSION));
    send(query("q4", "monitor"));
    assertThat(answers())
        .as("a release caches nothing: the next result fill does")
        .extracting(SearchResult::queryId)
        .containsExactly("q4");
  }

  /**
   * A release that shares a degraded answer answers the waiters with it, flagged with its level,
   * and caches nothing.
   */
  @Test
  void aDegradedAnswerIsSharedWithTheWaitersAndNotCached() throws Exception {
    harness.setProcessingTime(100);
    send(query("q1", "monitor"));
    send(query("q2", "monitor"));
    fill(
        CacheFill.sharedRelease(
            "monitor", 10, "", VERSION, ITEMS, new int[] {4}, 1_000L, null, null, "fewer_experts"));
    assertThat(answers())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.queryId()).isEqualTo("q2");
              assertThat(r.cache()).isEqualTo(SearchResult.CACHE_COALESCED);
              assertThat(r.degraded()).isEqualTo("fewer_experts");
              assertThat(r.items()).containsExactly(ITEMS);
            });
    send(query("q3", "monitor"));
    assertThat(misses())
        .as("never cached: the next one is computed")
        .extracting(a -> a.query().queryId())
        .containsExactly("q1", "q3");
    assertThat(harness.numProcessingTimeTimers()).as("the wait timer is all that is left").isOne();
  }

  /** A result fill the cache rejects (another index version) releases its waiters too. */
  @Test
  void aRejectedFillReleasesTheWaiters() throws Exception {
    harness.setProcessingTime(100);
    send(query("q1", "keyboard"));
    send(query("q2", "keyboard"));
    fill(resultFill("keyboard", "idx-0"));
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1", "q2");
    assertThat(answers()).isEmpty();
  }

  @Test
  void aSeenTextSkipsTheModelThroughTheEmbeddingCache() throws Exception {
    float[] v = {0.6f, 0.8f};
    fill(CacheFill.embedding("mouse", MODEL, v));
    fill(CacheFill.embedding("keyboard", "another-model", v));
    send(query("q1", "Mouse"));
    send(query("q2", "keyboard"));
    List<EmbeddedQuery> embedded =
        harness.getSideOutput(CacheLookup.EMBEDDED).stream().map(StreamRecord::getValue).toList();
    assertThat(embedded)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.query().queryId()).isEqualTo("q1");
              assertThat(e.vector()).containsExactly(v);
              assertThat(e.embeddingCached()).isTrue();
              assertThat(e.tsInMillis()).isEqualTo(1_000L);
            });
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
  }

  /**
   * The job writes one fill per computed query: its result carrying the query embedding. It fills
   * both caches: an identical query is answered from the result cache, and a query with the same
   * text but another {@code top_k} or filter is computed from the cached embedding (never sent to
   * the model); after a restore, from L2 and L3 alike.
   */
  @Test
  void oneResultFillCarryingItsEmbeddingServesTheTextAndSkipsTheModelForItsOtherVariants()
      throws Exception {
    float[] v = {0.6f, 0.8f};
    fill(resultFill("usb cable", VERSION).withEmbedding(MODEL, v));
    send(query("q1", "USB  cable"));
    send(new AcceptedQuery(new SearchQuery("q2", "usb cable", 5, null, 0, null), 1_000L));
    send(query("q3", "usb cable", new Filters(new String[] {"anker"}, null, null)));
    assertThat(answers())
        .extracting(SearchResult::queryId, SearchResult::cache)
        .containsExactly(Tuple.tuple("q1", SearchResult.CACHE_L1));
    assertThat(harness.getSideOutput(CacheLookup.EMBEDDED))
        .extracting(r -> r.getValue().query().queryId(), r -> r.getValue().embeddingCached())
        .containsExactly(Tuple.tuple("q2", true), Tuple.tuple("q3", true));
    assertThat(harness.getSideOutput(CacheLookup.EMBEDDED))
        .allSatisfy(r -> assertThat(r.getValue().vector()).containsExactly(v));
    assertThat(misses()).as("nothing sent to the model").isEmpty();

    OperatorSubtaskState snapshot = harness.snapshot(1, 10);
    harness.close();
    harness = open(new CacheLookup(VERSION, MODEL, SETTINGS).behindHits(), snapshot, null);
    send(query("q4", "usb cable"));
    send(new AcceptedQuery(new SearchQuery("q5", "usb cable", 3, null, 0, null), 1_000L));
    assertThat(answers())
        .extracting(SearchResult::queryId, SearchResult::cache)
        .containsExactly(Tuple.tuple("q4", SearchResult.CACHE_L2));
    assertThat(embedded()).containsExactly("q5");
    assertThat(misses()).isEmpty();
  }

  /**
   * The embedding a result fill carries is cached whatever becomes of the result (here one of
   * another index version, not served), and only when the serving model computed it.
   */
  @Test
  void theEmbeddingAResultFillCarriesIsCachedWhateverBecomesOfTheResult() throws Exception {
    float[] v = {0.6f, 0.8f};
    fill(resultFill("keyboard", "idx-0").withEmbedding(MODEL, v));
    fill(resultFill("mouse", VERSION).withEmbedding("another-model", v));
    send(query("q1", "keyboard"));
    send(query("q2", "mouse"));
    send(new AcceptedQuery(new SearchQuery("q3", "mouse", 5, null, 0, null), 1_000L));
    assertThat(embedded()).as("computed from the cached embedding").containsExactly("q1");
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q2");
    assertThat(misses())
        .as("another model's embedding is not used")
        .extracting(a -> a.query().queryId())
        .containsExactly("q3");
  }

  /**
   * A release carrying the computation's query embedding (a query turned away or cut short after
   * the model embedded it) caches the embedding before it releases the waiters: they are computed
   * from it, never sent to the model again.
   */
  @Test
  void aReleaseCarryingTheEmbeddingComputesTheWaitersFromIt() throws Exception {
    harness.setProcessingTime(100);
    send(query("q1", "monitor"));
    send(query("q2", "monitor"));
    fill(CacheFill.release("monitor", 10, "", VERSION, 150).withEmbedding(MODEL, new float[] {1f}));
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1");
    assertThat(embedded()).containsExactly("q2");
    assertThat(answers()).isEmpty();
  }

  /** A wall-clock base: the cache prunes changes older than its TTLs by the wall clock. */
  private static final long T = System.currentTimeMillis();

  private static CacheFill resultFillAt(String text, long computedAt, int... experts) {
    return resultFillAt(text, computedAt, null, experts);
  }

  private static CacheFill resultFillAt(
      String text, long computedAt, Float denseFloor, int... experts) {
    return resultFillAt(text, computedAt, denseFloor, null, experts);
  }

  private static CacheFill resultFillAt(
      String text, long computedAt, Float denseFloor, Float lexicalFloor, int... experts) {
    return resultFillAt(text, computedAt, VERSION, denseFloor, lexicalFloor, experts);
  }

  private static CacheFill resultFillAt(
      String text,
      long computedAt,
      String version,
      Float denseFloor,
      Float lexicalFloor,
      int... experts) {
    return new CacheFill(
        CacheFill.Kind.RESULT,
        text,
        10,
        "",
        version,
        ITEMS,
        experts,
        null,
        computedAt,
        denseFloor,
        lexicalFloor,
        null);
  }

  /** An upsert of a product titled {@code title} with {@code vector}, joining {@code experts}. */
  private static CatalogChange upsert(
      String id, long at, String title, float[] vector, int... experts) {
    return new CatalogChange(
        id,
        at,
        UpsertSignature.of(at, experts, vector, new Product(id, title, "", "", "", 1.0, null)),
        null);
  }

  private static CatalogChange removal(String id, long at) {
    return new CatalogChange(id, at, null, null);
  }

  /**
   * A fill computed before a delete but read only after a restore long after it (the job was down
   * longer than the cache's TTLs): the restored record of the delete is pruned by the next change,
   * so the fill cannot be checked against it and is not cached; a fill computed now is.
   */
  @Test
  void aFillOlderThanTheChangesKeptIsNotCached() throws Exception {
    long old = System.currentTimeMillis() - L2_TTL_MS - 10_000;
    change(upsertWeighing("u1", old - 5_000, "garden hose", 1f, VERSION, 9)); // before both
    change(removal("p1", old));
    OperatorSubtaskState snapshot = harness.snapshot(1, 10);
    harness.close();
    harness = open(VERSION, snapshot);
    change(removal("p9", System.currentTimeMillis())); // prunes the record of p1's delete
    fill(resultFillAt("usb cable", old - 1_000, 4));
    fill(resultFillAt("hdmi cable", System.currentTimeMillis(), 4));
    send(query("q1", "usb cable"));
    send(query("q2", "hdmi cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q2");
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1");
  }

  /** A cached result one of whose items changed (deleted, re-priced) after it was computed. */
  @Test
  void anEntryWithAChangedItemIsNotServed() throws Exception {
    fill(resultFillAt("usb cable", T, 4));
    send(query("q1", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    change(removal("p2", T + 500)); // p2 deleted after it was computed
    send(query("q2", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
  }

  /**
   * An upsert of an item of a cached answer, as the apply operator sends it (its signature and its
   * live price and stock): its text may have changed, so the answer is recomputed, not served with
   * the live values as a patch's would be; even when the upsert joins no expert the answer searched
   * and shares none of its terms.
   */
  @Test
  void anUpsertOfAnItemIsNotServedWithItsLiveValuesButRecomputed() throws Exception {
    fill(resultFillAt("usb cable", T, 0.5f, 4));
    CatalogChange upsert = upsert("p2", T + 500, "garden hose", new float[] {0, 0, 1}, 9);
    change(
        new CatalogChange("p2", T + 500, upsert.upsert(), LivePatch.ofProduct(T + 500, 2.0, true)));
    send(query("q1", "usb cable"));
    assertThat(answers()).isEmpty();
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1");
  }

  /**
   * Without a dense floor (a fill from before it was recorded), a new product in one of the experts
   * a cached result searched invalidates it; others not.
   */
  @Test
  void aNewProductInOneOfItsExpertsInvalidatesAnEntryOfUnknownFloor() throws Exception {
    fill(resultFillAt("usb cable", T, 4));
    fill(resultFillAt("hdmi cable", T, 6));
    change(upsert("new-1", T + 500, "garden hose", new float[] {0, 1, 0}, 4));
    send(query("q1", "usb cable"));
    send(query("q2", "hdmi cable"));
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1");
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q2");
  }

  /** Changes older than the entry (beyond the margin) leave it served; a stale fill is not kept. */
  @Test
  void olderChangesKeepAnEntryAndAFillThatPredatesAChangeIsNotCached() throws Exception {
    change(upsert("p1", T - CacheLookup.COHERENCE_MARGIN_MS - 1, "usb", new float[] {1, 0, 0}, 4));
    fill(resultFillAt("usb cable", T, 4));
    send(query("q1", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");

    change(removal("p1", T + 100_000));
    fill(resultFillAt("mouse", T + 99_000, 1)); // computed before the change it does not reflect
    send(query("q2", "mouse"));
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
  }

  /**
   * With a dense floor and the query's cached embedding, a new product in a searched expert
   * invalidates a cached answer only when its dense branch would return it (a score at least the
   * floor); one scoring below leaves the answer served.
   */
  @Test
  void aNewProductInvalidatesAnAnswerItsDenseBranchWouldReturn() throws Exception {
    fill(CacheFill.embedding("usb cable", MODEL, new float[] {1, 0, 0}));
    fill(resultFillAt("usb cable", T, 0.5f, 4));
    fill(resultFillAt("mouse pad", T, 0.5f, 6));
    // In expert 4, cosine 0 with "usb cable", no shared term: it cannot show in either answer.
    change(upsert("hose", T + 500, "garden hose", new float[] {0, 1, 0}, 4));
    send(query("q1", "usb cable"));
    send(query("q2", "mouse pad"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1", "q2");
    // In expert 4 scoring 0.8 >= 0.5 for "usb cable": it would be among its candidates.
    change(upsert("hub", T + 700, "docking station", new float[] {0.8f, 0.6f, 0}, 4));
    send(query("q3", "usb cable"));
    send(query("q4", "mouse pad"));
    // q3 is recomputed from its cached embedding, not answered from the result cache.
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1", "q2", "q4");
    assertThat(embedded()).containsExactly("q3");
  }

  /**
   * An upsert whose terms each add {@code score} to a BM25 score in the index of {@code version}.
   */
  private static CatalogChange upsertWeighing(
      String id, long at, String title, float score, String version, int... experts) {
    UpsertSignature ranked = upsertRanked(id, at, title, score, experts).upsert();
    return new CatalogChange(
        id,
        at,
        new UpsertSignature(
            at, experts, ranked.vector(), ranked.terms(), ranked.bm25(), version), // no title
        null);
  }

  /**
   * A new product the BM25 branch would find, in experts the answer did not search, has a BM25
   * score for the query known from its signature: when it reaches the answer's lexical floor the
   * answer is recomputed at once (no lexical delay); below the floor it is served. Scores under
   * another index version decide nothing: the lexical delay applies.
   */
  @Test
  void aNewProductWhoseBm25BoundReachesTheLexicalFloorInvalidatesTheAnswerAtOnce()
      throws Exception {
    fill(resultFillAt("hdmi cable", T, 0.5f, 3.0f, 6));
    fill(resultFillAt("vga cable", T, 0.5f, 9.0f, 6));
    fill(resultFillAt("dvi cable", T, 0.5f, 3.0f, 6));
    // Each shares one term with its query, weighing 4.
    change(upsertWeighing("a1", T + 500, "HDMI adapters", 4f, VERSION, 9));
    change(upsertWeighing("a2", T + 500, "VGA adapters", 4f, VERSION, 9));
    change(upsertWeighing("a3", T + 500, "DVI adapters", 4f, "another-version", 9));
    send(query("q1", "hdmi cable"));
    send(query("q2", "vga cable"));
    send(query("q3", "dvi cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q2", "q3");
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1");
  }

  /**
   * The same rule in a job that ranks with a settings fingerprint, as the streaming job always
   * does: its answers' version is {@code index version#fingerprint} and upserts are scored with the
   * index version's statistics, so the score still decides (before, the versions never matched and
   * a new product reaching the floor waited out the lexical delay).
   */
  @Test
  void theBm25RuleDecidesForAnswersRankedWithASettingsFingerprint() throws Exception {
    harness.close();
    harness = open(new CacheLookup(VERSION, MODEL, SETTINGS).rankedBy("rAAAA"), null, null);
    String ranked = CacheFill.resultVersion(VERSION, "rAAAA");
    fill(resultFillAt("hdmi cable", T, ranked, 0.5f, 3.0f, 6));
    fill(resultFillAt("vga cable", T, ranked, 0.5f, 9.0f, 6));
    change(upsertWeighing("a1", T + 500, "HDMI adapters", 4f, VERSION, 9));
    change(upsertWeighing("a2", T + 500, "VGA adapters", 4f, VERSION, 9));
    send(query("q1", "hdmi cable"));
    send(query("q2", "vga cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q2");
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q1");
  }

  /** A result fill of {@code text} computed at {@code at} in expert 6, with lexical floor 3. */
  private static CacheFill cutFill(String text, long at, EntryCut cut) {
    return new CacheFill(
        CacheFill.Kind.RESULT,
        text,
        10,
        "",
        VERSION,
        ITEMS,
        new int[] {6},
        null,
        at,
        0.5f,
        3.0f,
        null,
        cut);
  }

  /**
   * An upsert into {@code experts} whose terms each add {@code score} to a BM25 score in the index
   * of {@link #VERSION}, with its title kept for the ranking features; its embedding is orthogonal
   * to the queries' here.
   */
  private static CatalogChange upsertRanked(
      String id, long at, String title, float score, int... experts) {
    return upsertRanked(id, at, title, score, new float[] {0, 0, 1}, experts);
  }

  /** {@link #upsertRanked} with the embedding {@code vector}. */
  private static CatalogChange upsertRanked(
      String id, long at, String title, float score, float[] vector, int... experts) {
    int[] terms = UpsertSignature.productTerms(new Product(id, title, "", "", "", 1.0, null));
    float[] scores = new float[terms.length];
    java.util.Arrays.fill(scores, score);
    return new CatalogChange(
        id,
        at,
        new UpsertSignature(at, experts, vector, terms, scores, VERSION, title, "", ""),
        null);
  }

  /**
   * With the fusion that ranked the answers ({@link CacheLookup#fusedWith}), a new product whose
   * BM25 score for the query reaches an answer's lexical floor (it would enter the BM25 candidates)
   * invalidates the answer only if it could reach its top k ({@link EntryCut}). Under RRF a new hit
   * ranked below the 10th scores at most 1/71 plus its dense part (weight 0.1 × cosine 0 ± 0.02):
   * 0.016. Below a last item's fused score of 0.02 the answer is served; at 0.015 it is recomputed,
   * as it is when the product's BM25 score reaches the bar, and without the fusion. The same holds
   * for a product its dense branch would take.
   */
  @Test
  void aNewCandidateInvalidatesAnAnswerOnlyIfItCouldReachItsTopK() throws Exception {
    harness.close();
    harness =
        open(new CacheLookup(VERSION, MODEL, SETTINGS).fusedWith(LinearFusion.rrf()), null, null);
    for (String text : List.of("hdmi cable", "vga cable", "dvi cable")) {
      fill(CacheFill.embedding(text, MODEL, new float[] {1, 0, 0}));
    }
    fill(cutFill("hdmi cable", T, new EntryCut(0.1f, 20f, 10f, 9, 0.02f, 0.8f, 9)));
    fill(cutFill("vga cable", T, new EntryCut(0.1f, 20f, 10f, 9, 0.015f, 0.8f, 9)));
    fill(cutFill("dvi cable", T, new EntryCut(0.1f, 20f, 3.5f, 9, 0.02f, 0.8f, 9)));
    // Each shares one term with its query, weighing 4: above the floor (3).
    change(upsertRanked("a1", T + 500, "HDMI adapters", 4f, 9));
    change(upsertRanked("a2", T + 500, "VGA adapters", 4f, 9));
    change(upsertRanked("a3", T + 500, "DVI adapters", 4f, 9));
    send(query("q1", "hdmi cable"));
    send(query("q2", "vga cable"));
    send(query("q3", "dvi cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(embedded()).containsExactly("q2", "q3");

    // A product in the answer's expert whose cosine (0.6) reaches the dense floor (0.5) but not the
    // dense bar (0.8): at most 1/71 + 0.1 × 0.62 = 0.076, below 0.1: kept. At 0.9, past the bar.
    for (String text : List.of("usb hub", "usb port")) {
      fill(CacheFill.embedding(text, MODEL, new float[] {1, 0, 0}));
      fill(cutFill(text, T, new EntryCut(0.1f, 20f, 10f, 9, 0.1f, 0.8f, 9)));
    }
    change(upsertRanked("h1", T + 500, "garden hose", 4f, new float[] {0.6f, 0.8f, 0}, 6));
    send(query("q5", "usb hub"));
    change(upsertRanked("h2", T + 600, "garden rake", 4f, new float[] {0.9f, 0.436f, 0}, 6));
    send(query("q6", "usb port"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1", "q5");
    assertThat(embedded()).containsExactly("q2", "q3", "q6");

    harness.close();
    harness = open(VERSION, null); // without the fusion
    fill(CacheFill.embedding("hdmi cable", MODEL, new float[] {1, 0, 0}));
    fill(cutFill("hdmi cable", T, new EntryCut(0.1f, 20f, 10f, 9, 0.02f, 0.8f, 9)));
    change(upsertRanked("a1", T + 500, "HDMI adapters", 4f, 9));
    send(query("q4", "hdmi cable"));
    assertThat(answers()).isEmpty();
    assertThat(embedded()).containsExactly("q4");
  }

  /**
   * With query-time synonyms ({@code ranking.synonyms-path}) the BM25 branch of "laptop bag" also
   * searches "notebook", so a new "Notebook sleeve" whose BM25 score reaches the answer's lexical
   * floor would enter it: the answer is recomputed. Without the rule, the product shares no term
   * with the query and the answer is served.
   */
  @Test
  void aNewProductMatchingAQuerysSynonymInvalidatesTheAnswer() throws Exception {
    fill(resultFillAt("laptop bag", T, 0.5f, 3.0f, 6));
    change(upsertWeighing("n1", T + 500, "Notebook sleeve", 4f, VERSION, 9));
    send(query("q1", "laptop bag"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");

    reopenExpanding(QueryExpansion.of(Synonyms.parse("laptop, notebook")));
    fill(resultFillAt("laptop bag", T, 0.5f, 3.0f, 6));
    change(upsertWeighing("n1", T + 500, "Notebook sleeve", 4f, VERSION, 9));
    send(query("q2", "laptop bag"));
    assertThat(answers()).isEmpty();
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
  }

  /**
   * With typo tolerance ({@code ranking.typo-min-chars}) the BM25 branch of "keybaord" also matches
   * a new "keyboard", which term hashes cannot tell: any new product counts as a lexical match of
   * unknown score, so the answer is recomputed once the upsert is {@link
   * CacheLookup#LEXICAL_ENTRY_DELAY_MS} old (served before). Without typo tolerance a new
   * "headphones" shares no term with "headphnes" and the answer is served.
   */
  @Test
  void withTypoToleranceAnyNewProductMayEnterAnAnswerAfterTheLexicalDelay() throws Exception {
    // The lexical delay is 30 s: k1 and h1 are due, m1 is not (answers live longer than 50 s).
    assertThat(CacheLookup.LEXICAL_ENTRY_DELAY_MS).isEqualTo(30_000);
    fill(resultFillAt("headphnes", T - 50_000, 0.5f, 3.0f, 6));
    change(upsertWeighing("h1", T - 40_000, "Sony headphones", 4f, VERSION, 9));
    send(query("q1", "headphnes"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");

    reopenExpanding(new QueryExpansion(Synonyms.NONE, 5));
    // The changes first, as they arrive in the job: a change stamped before an answer the cache
    // has already taken in counts as late (applied when that answer's window begins).
    change(upsertWeighing("k1", T - 40_000, "Logitech keyboard", 4f, VERSION, 9));
    change(upsertWeighing("m1", T - 10_000, "Logitech trackball", 4f, VERSION, 9));
    fill(resultFillAt("keybaord", T - 50_000, 0.5f, 3.0f, 6));
    fill(resultFillAt("usb hub", T - 50_000, 0.5f, 3.0f, 6));
    fill(resultFillAt("mouse", T - 35_000, 0.5f, 3.0f, 6)); // computed after k1
    send(query("q2", "keybaord"));
    send(query("q3", "usb hub")); // no typo-tolerant word (all under 5 letters): exact terms
    send(query("q4", "mouse")); // typo-tolerant; the one upsert since it is not yet due
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q3", "q4");
  }

  /**
   * With the answer's lexical floor or the product's BM25 scores unknown (fills and state from
   * before they were recorded), a new product the BM25 branch would find (a shared analysed term)
   * in experts the answer did not search shows in cached answers within {@link
   * CacheLookup#LEXICAL_ENTRY_DELAY_MS}: before, the answer is served; once the upsert is that old,
   * it is recomputed.
   */
  @Test
  void aNewProductSharingAQueryTermInvalidatesTheAnswerAfterTheLexicalDelay() throws Exception {
    long delay = CacheLookup.LEXICAL_ENTRY_DELAY_MS;
    fill(resultFillAt("hdmi cable", T - 3 * delay, 0.5f, 6));
    fill(resultFillAt("vga cable", T - 3 * delay, 0.5f, 6));
    change(upsert("a1", T - delay / 3, "HDMI adapters", new float[] {0, 0, 1}, 9));
    change(upsert("a2", T - 2 * delay, "VGA adapters", new float[] {0, 0, 1}, 9));
    send(query("q1", "hdmi cable"));
    send(query("q2", "vga cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
  }

  /**
   * The cache keeps a bounded number of upserts; an answer older than what it kept falls back to
   * the per-expert rule, unless a check re-dated it (a hit that passed a check is as good as
   * computed then, so a hot answer is only checked against what changed since).
   */
  @Test
  void beyondTheKeptUpsertsTheExpertRuleAppliesToAnswersNotCheckedSince() throws Exception {
    fill(CacheFill.embedding("usb cable", MODEL, new float[] {1, 0, 0}));
    fill(CacheFill.embedding("mouse pad", MODEL, new float[] {1, 0, 0}));
    fill(resultFillAt("usb cable", T - 60_000, 0.5f, 4));
    fill(resultFillAt("mouse pad", T - 60_000, 0.5f, 4));
    change(upsert("hose", T - 30_000, "garden hose", new float[] {0, 1, 0}, 4));
    change(removal("unrelated", T)); // the newest change received: checked answers are dated so
    send(query("q1", "usb cable")); // checked: "hose" cannot enter it
    // More unrelated upserts than the cache keeps: "hose" is dropped.
    for (int i = 0; i < CacheLookup.UPSERTS_KEPT * 3 / 2; i++) {
      change(upsert("f" + i, T - 20_000 + i, "filler", new float[] {0, 1, 0}, 7));
    }
    send(query("q2", "usb cable"));
    send(query("q3", "mouse pad"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1", "q2");
    assertThat(embedded()).containsExactly("q3");
  }

  /**
   * A product with more terms than a signature keeps (a hostile text) keeps its experts, its
   * embedding, that many terms and the rest folded into a bit set: an answer whose query names none
   * of its words is served whatever its age, and other upserts are judged as before.
   */
  @Test
  void anUpsertWithMoreTermsThanASignatureKeepsIsFoldedByTheCache() throws Exception {
    for (String text : List.of("usb cable", "mouse pad", "hdmi cable")) {
      fill(CacheFill.embedding(text, MODEL, new float[] {1, 0, 0}));
      fill(resultFillAt(text, T - 60_000, 0.5f, 4));
    }
    change(upsert("small", T - 50_000, "garden hose", new float[] {0, 1, 0}, 9));
    change(removal("unrelated", T));
    send(query("q1", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");

    StringBuilder words = new StringBuilder();
    for (int i = 0; i <= UpsertSignature.MAX_TERMS; i++) {
      words.append(" word").append(Integer.toString(i, 26).replace('0', 'z'));
    }
    // A signature of all its terms (as no signer sends it: the cache bounds it itself) ...
    long at = T - 5_000;
    int[] all =
        UpsertSignature.productTerms(new Product("huge1", words.toString(), "", "", "", 1.0, null));
    CatalogChange recent =
        new CatalogChange(
            "huge1", at, new UpsertSignature(at, new int[] {9}, new float[] {0, 1, 0}, all), null);
    assertThat(recent.upsert().terms()).hasSizeGreaterThan(UpsertSignature.MAX_TERMS);
    change(recent);
    send(query("q2", "mouse pad")); // computed before "huge1", which names neither word: served
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1", "q2");
  }

  /**
   * The same product as signed (its terms beyond {@link UpsertSignature#MAX_TERMS} folded) shares
   * no term with a query naming none of its words: an answer computed before it is served even once
   * it is {@code LEXICAL_ENTRY_DELAY_MS} old (before, it counted as sharing a term with every
   * query, and every cached answer was recomputed), while one naming its last word is recomputed.
   * Its own test: an upsert stamped 40 s ago arriving after the other test's answers were re-dated
   * past it would count as late (applied when it arrived), as in the job a subtask's changes arrive
   * in their order.
   */
  @Test
  void anUpsertSignedWithFoldedTermsSharesNoTermWithAQueryNamingNoneOfItsWords() throws Exception {
    String last = "word" + Integer.toString(UpsertSignature.MAX_TERMS, 26).replace('0', 'z');
    for (String text : List.of("hdmi cable", last + " cable")) {
      fill(CacheFill.embedding(text, MODEL, new float[] {1, 0, 0}));
      fill(resultFillAt(text, T - 60_000, 0.5f, 4));
    }
    StringBuilder words = new StringBuilder();
    for (int i = 0; i <= UpsertSignature.MAX_TERMS; i++) {
      words.append(" word").append(Integer.toString(i, 26).replace('0', 'z'));
    }
    CatalogChange signed = upsert("huge2", T - 40_000, words.toString(), new float[] {0, 1, 0}, 9);
    assertThat(signed.upsert().terms()).hasSize(UpsertSignature.MAX_TERMS);
    assertThat(signed.upsert().folded()).isNotNull();
    change(signed);
    send(query("q3", "hdmi cable")); // computed before "huge2", which is 40 s old: served
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q3");
    send(query("q4", last + " cable")); // it names one of its words: recomputed
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q3");
    assertThat(embedded()).containsExactly("q4");
  }

  /** Queries sent on to be computed from their cached embedding. */
  private List<String> embedded() {
    var out = harness.getSideOutput(CacheLookup.EMBEDDED);
    return out == null ? List.of() : out.stream().map(r -> r.getValue().query().queryId()).toList();
  }

  private static CatalogChange pricePatch(String id, long at, Double price, boolean inStock) {
    return new CatalogChange(id, at, null, new LivePatch(at, price, inStock));
  }

  private static Filters inStockOnly() {
    return new Filters(null, null, null, true);
  }

  /**
   * Price and stock do not rank: a cached answer whose item was patched is served, with the item's
   * live price and stock, unless the query's filter now rejects the item.
   */
  @Test
  void aPatchedItemIsServedWithItsLivePriceUnlessItsFilterNowRejectsIt() throws Exception {
    fill(resultFillAt("usb cable", T, 0.5f, 4));
    change(pricePatch("p1", T + 500, 3.5, false));
    send(query("q1", "usb cable"));
    assertThat(answers())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.cache()).isEqualTo(SearchResult.CACHE_L1);
              assertThat(r.items()[0].productId()).isEqualTo("p1");
              assertThat(r.items()[0].price()).isEqualTo(3.5);
              assertThat(r.items()[0].inStock()).isFalse();
            });
    // The same text under in_stock: its cached answer held p1, now out of stock.
    fill(
        new CacheFill(
            CacheFill.Kind.RESULT,
            "usb cable",
            10,
            inStockOnly().canonical(),
            VERSION,
            ITEMS,
            new int[] {4},
            null,
            T,
            0.5f,
            null,
            null));
    send(query("q2", "usb cable", inStockOnly()));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
  }

  private static CacheFill filteredFillAt(String text, long computedAt, Filters filters) {
    return new CacheFill(
        CacheFill.Kind.RESULT,
        text,
        10,
        filters.canonical(),
        VERSION,
        ITEMS,
        new int[] {4},
        null,
        computedAt,
        0.5f,
        null,
        null);
  }

  /**
   * A catalogue product back in stock may now pass the in_stock filter of answers computed before
   * (which product, and whether it would rank, the cache cannot tell): such an answer is recomputed
   * once it is {@link CacheLookup#WIDENING_DELAY_MS} old (it was served until its TTL, an hour in
   * L2); a younger one is still served, and so are the answers the patch cannot change (no filter,
   * a price range, computed after it). A new price bounds the price ranges' answers alike.
   */
  @Test
  void aPatchThatMayLetAProductIntoAFilterBoundsTheAgeOfItsCachedAnswers() throws Exception {
    long now = System.currentTimeMillis();
    long old = now - CacheLookup.WIDENING_DELAY_MS - 10_000;
    long young = now - 10_000;
    Filters cheap = new Filters(null, null, 50.0);
    change(pricePatch("p-first", old - 5_000, 3.0, true)); // the state's first change
    fill(filteredFillAt("usb cable", old, inStockOnly()));
    fill(filteredFillAt("hdmi cable", young, inStockOnly()));
    fill(filteredFillAt("usb cable", old, cheap));
    fill(resultFillAt("usb cable", old, 0.5f, 4));
    change(
        new CatalogChange(
            "p-back",
            now - 5_000,
            null,
            new LivePatch(now - 5_000, null, true),
            0,
            0,
            CatalogChange.WIDENS_STOCK));

    send(query("q-old", "usb cable", inStockOnly()));
    send(query("q-young", "hdmi cable", inStockOnly()));
    send(query("q-range", "usb cable", cheap));
    send(query("q-plain", "usb cable"));
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q-old");
    assertThat(answers())
        .extracting(SearchResult::queryId)
        .containsExactly("q-young", "q-range", "q-plain");

    change(
        new CatalogChange(
            "p-cheaper",
            now - 4_000,
            null,
            new LivePatch(now - 4_000, 19.0, true),
            0,
            0,
            CatalogChange.WIDENS_PRICE));
    send(query("q-range-2", "usb cable", cheap));
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q-old", "q-range-2");
  }

  /**
   * A catalogue fed only patches and deletes (prices and stock change all day, nothing is added):
   * nothing new can enter a cached answer, so one older than the lexical delay is still served (it
   * was dropped 30 s after it was computed, as if an upsert might have been lost).
   */
  @Test
  void withOnlyPatchesAndDeletesAnOldAnswerIsStillServed() throws Exception {
    long now = System.currentTimeMillis();
    long old = now - CacheLookup.LEXICAL_ENTRY_DELAY_MS - 20_000;
    change(pricePatch("p-other", old - 5_000, 3.0, true)); // the state's first change
    fill(resultFillAt("usb cable", old, 0.5f, 4));
    change(removal("p-gone", now - 1_000));
    change(pricePatch("p-else", now - 500, 4.0, true));
    send(query("q1", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(misses()).isEmpty();
  }

  /**
   * Two apply subtasks, one backlogged: a result checked once the other's newer changes arrived is
   * re-dated only to what the backlogged one had delivered, so a delete it applied earlier but
   * delivers later still drops the answer holding the product (re-dated past it, the deleted
   * product was served from the cache until the TTL).
   */
  @Test
  void aDeleteDeliveredLateByABackloggedApplySubtaskStillDropsTheAnswer() throws Exception {
    long t0 = System.currentTimeMillis() - 60_000;
    change(
        new CatalogChange(
            "u1",
            t0 - 10_000,
            upsert("u1", t0 - 10_000, "garden hose", new float[] {0, 0, 1}, 9).upsert(),
            null,
            0));
    fill(resultFillAt("usb cable", t0, 0.5f, 4));
    change(new CatalogChange("p-x", t0 + 1, null, new LivePatch(t0 + 1, 1.0, true), 0));
    change(new CatalogChange("p-y", t0 + 10_000, null, new LivePatch(t0 + 10_000, 1.0, true), 1));
    send(query("q1", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    change(new CatalogChange("p2", t0 + 5_000, null, null, 0)); // applied before p-y, late
    send(query("q2", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
  }

  /**
   * The same in state restored from a build that did not record when it began tracking upserts:
   * tracking starts at the first change after the restore (it never did: the answer was dropped 30
   * s after it was computed for as long as the state lived).
   */
  @Test
  void withOnlyPatchesAndDeletesSinceARestoreFromAnOlderBuildAnOldAnswerIsStillServed()
      throws Exception {
    long now = System.currentTimeMillis();
    long old = now - CacheLookup.LEXICAL_ENTRY_DELAY_MS - 20_000;
    // What the older build kept: the newest change, no record of when tracking began.
    harness.getBroadcastState(CacheLookup.CHANGES).put("u:any", old - 60_000);
    change(pricePatch("p-other", old - 5_000, 3.0, true)); // the first change after the restore
    fill(resultFillAt("usb cable", old, 0.5f, 4));
    fill(resultFillAt("hdmi cable", old - 10_000, 0.5f, 4)); // before tracking began
    change(pricePatch("p-else", now - 500, 4.0, true));
    send(query("q1", "usb cable"));
    send(query("q2", "hdmi cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(misses()).extracting(a -> a.query().queryId()).containsExactly("q2");
  }

  /** A fill computed before a patch of one of its items is cached with the live values. */
  @Test
  void aFillThatPredatesAPatchIsCachedWithTheLivePrice() throws Exception {
    change(pricePatch("p2", T + 500, 9.0, true));
    fill(resultFillAt("usb cable", T, 0.5f, 4));
    send(query("q1", "usb cable"));
    assertThat(answers())
        .singleElement()
        .satisfies(r -> assertThat(r.items()[1].price()).isEqualTo(9.0));
  }

  /**
   * Analyses query texts as the cache does, but fails on any containing "evil", and overflows the
   * stack (as a backtracking regular expression can on a hostile text) on any containing "deep".
   */
  private static int[] failingAnalysis(String text) {
    if (text.contains("evil")) {
      throw new IllegalStateException("cannot analyse " + text);
    }
    if (text.contains("deep")) {
      throw new StackOverflowError();
    }
    return UpsertSignature.queryTerms(text);
  }

  /**
   * A query or fill the lookup throws on (here: in the coherence check's analysis of its text) must
   * not fail the task, which would fail again on every replay: the query is sent on to be computed
   * without the cache (no fill written back for it), the fill is not cached, both are counted, and
   * the other texts are served from the cache as before.
   */
  @Test
  void aQueryOrFillTheLookupFailsOnIsComputedWithoutTheCacheOrNotCached() throws Exception {
    harness.close();
    CacheLookup lookup =
        new CacheLookup(VERSION, MODEL, SETTINGS)
            .analysingQueriesWith(CacheLookupTest::failingAnalysis);
    harness = open(lookup, null, null);
    fill(resultFillAt("evil cable", T, 0.5f, 6));
    fill(resultFillAt("good cable", T, 0.5f, 6));
    fill(resultFillAt("deep cable", T, 0.5f, 6));
    // Not in the answers' experts: whether it could enter them is decided by their terms.
    change(upsert("a1", T + 500, "garden hose", new float[] {0, 0, 1}, 9));

    send(query("q1", "evil cable"));
    send(query("q2", "good cable"));
    send(query("q3", "deep cable"));
    fill(resultFillAt("evil cable", T + 1_000, 0.5f, 6));

    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q2");
    assertThat(misses())
        .extracting(a -> a.query().queryId(), AcceptedQuery::cacheFill)
        .as("computed, not written back")
        .containsExactly(Tuple.tuple("q1", false), Tuple.tuple("q3", false));
    assertThat(harness.getSideOutput(CacheLookup.DEAD_LETTERS)).isNullOrEmpty();
    assertThat(lookup.failures()).isEqualTo(3);
    assertThat(harness.numProcessingTimeTimers()).as("no coalescing wait left").isZero();
  }
}
