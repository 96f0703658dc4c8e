package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.overload.DegradationLevel;
import io.moesearch.core.rank.EntryCut;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.rank.RankingFeatures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Merging of partial results per query: completion, dedup and ranking, timeout, replays, restore.
 */
class MergePartialsTest {
  private static final String VERSION = "idx-test-v1";
  private static final long TIMEOUT_MS = 1_000;
  private static final long RETENTION_MS = MergePartials.defaultAnsweredRetention(TIMEOUT_MS);
  private static final long T0 = 10_000;
  private static final long TS_IN = 1_234L;

  private static final SearchQuery QUERY = new SearchQuery("q-1", "usb c cable", 4, null, 0, null);
  private static final int[] EXPERTS = {2, 0, 5};

  private KeyedBroadcastOperatorTestHarness<String, PartialResult, CatalogChange, SearchResult>
      harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = newHarness();
    harness.open();
    harness.setProcessingTime(T0);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static KeyedBroadcastOperatorTestHarness<
          String, PartialResult, CatalogChange, SearchResult>
      newHarness() throws Exception {
    return newHarness(new MergePartials(VERSION, TIMEOUT_MS));
  }

  private static KeyedBroadcastOperatorTestHarness<
          String, PartialResult, CatalogChange, SearchResult>
      newHarness(MergePartials merge) throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                merge, List.of(MergePartials.FENCE_REMOVED, MergePartials.FENCE_PATCHES)),
            MergePartials::key,
            Types.STRING,
            128,
            1,
            0));
  }

  /** Replaces the harness by one whose merge emits cache fills, open, at {@code T0}. */
  private void reopenWithFills() throws Exception {
    harness.close();
    harness = newHarness(new MergePartials(VERSION, TIMEOUT_MS, RankingSettings.denseOnly(), true));
    harness.open();
    harness.setProcessingTime(T0);
  }

  private static RankedItem item(String id, float score) {
    return new RankedItem(id, "title of " + id, score);
  }

  private static PartialResult partial(
      SearchQuery q, int expert, int[] experts, double retrieveMs, RankedItem... items) {
    return new PartialResult(q, expert, experts, items, TS_IN, 2.5, 0.25, retrieveMs);
  }

  // Experts 2 and 0 both return p-b, experts 2 and 5 both return p-d; p-a and p-d tie at 0.7.
  private static PartialResult fromExpert2() {
    return partial(QUERY, 2, EXPERTS, 1.0, item("p-b", 0.9f), item("p-d", 0.7f), item("p-x", 0.3f));
  }

  private static PartialResult fromExpert0() {
    return partial(QUERY, 0, EXPERTS, 3.0, item("p-b", 0.9f), item("p-a", 0.7f), item("p-y", 0.2f));
  }

  private static PartialResult fromExpert5() {
    return partial(QUERY, 5, EXPERTS, 2.0, item("p-c", 0.8f), item("p-d", 0.7f), item("p-z", 0.1f));
  }

  private static final List<RankedItem> EXPECTED_TOP4 =
      List.of(item("p-b", 0.9f), item("p-c", 0.8f), item("p-a", 0.7f), item("p-d", 0.7f));

  private void process(PartialResult p) throws Exception {
    harness.processElement(new StreamRecord<>(p));
  }

  /**
   * After a query is answered an "answered" marker lingers for the retention (to drop stragglers);
   * once that has passed, nothing may be left and nothing more may be emitted.
   */
  private void assertNoStateOrTimersLeft() throws Exception {
    int emitted = harness.extractOutputValues().size();
    harness.setProcessingTime(harness.getProcessingTime() + RETENTION_MS);
    assertThat(keyedStateEntries(harness)).as("keyed state entries").isZero();
    assertThat(harness.numProcessingTimeTimers()).as("processing-time timers").isZero();
    assertThat(harness.extractOutputValues()).as("no further answers").hasSize(emitted);
  }

  @Test
  void allPartialsGiveOneDeduplicatedRankingCutToTopK() throws Exception {
    process(fromExpert2());
    process(fromExpert0());
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(keyedStateEntries(harness)).isPositive();
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    process(fromExpert5());

    List<SearchResult> out = harness.extractOutputValues();
    assertThat(out).hasSize(1);
    SearchResult r = out.get(0);
    assertThat(r.queryId()).isEqualTo("q-1");
    assertThat(r.text()).isEqualTo("usb c cable");
    assertThat(r.items()).containsExactlyElementsOf(EXPECTED_TOP4);
    assertThat(r.experts()).containsExactly(2, 0, 5);
    assertThat(r.indexVersion()).isEqualTo(VERSION);
    assertThat(r.cache()).isEqualTo(SearchResult.CACHE_MISS).isEqualTo("miss");
    assertThat(r.tsIn()).isEqualTo(TS_IN);
    assertThat(r.tsOut()).isGreaterThanOrEqualTo(TS_IN);
    assertThat(r.latency().embedMs()).isEqualTo(2.5);
    assertThat(r.latency().routeMs()).isEqualTo(0.25);
    assertThat(r.latency().retrieveMs()).as("slowest expert").isEqualTo(3.0);
    assertThat(r.partial()).isFalse();
    assertThat(r.answeredExperts()).containsExactly(2, 0, 5);
    assertThat(r.latency().totalMs()).isEqualTo((double) (r.tsOut() - TS_IN));
    assertNoStateOrTimersLeft();

    // The deleted timeout timer must not fire a second answer later.
    harness.setProcessingTime(T0 + 10 * TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).hasSize(1);
  }

  @Test
  void duplicateProductsKeepTheirBestScore() throws Exception {
    int[] experts = {0, 1};
    SearchQuery q = new SearchQuery("q-dup", "toner", 2, null, 0, null);
    process(partial(q, 0, experts, 1, item("p-1", 0.50f), item("p-2", 0.40f)));
    process(partial(q, 1, experts, 1, item("p-2", 0.60f), item("p-3", 0.10f)));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> assertThat(r.items()).containsExactly(item("p-2", 0.60f), item("p-1", 0.50f)));
    assertNoStateOrTimersLeft();
  }

  @Test
  void missingPartialIsAnsweredWithWhatArrivedOnceTheTimeoutPasses() throws Exception {
    process(fromExpert2());
    harness.setProcessingTime(T0 + TIMEOUT_MS / 2);
    process(fromExpert5());
    assertThat(harness.numProcessingTimeTimers()).as("one timer per query").isEqualTo(1);

    harness.setProcessingTime(T0 + TIMEOUT_MS - 1);
    assertThat(harness.extractOutputValues()).as("nothing before the timeout").isEmpty();

    harness.setProcessingTime(T0 + TIMEOUT_MS);
    List<SearchResult> out = harness.extractOutputValues();
    assertThat(out).hasSize(1);
    SearchResult r = out.get(0);
    // Union of experts 2 and 5 only: p-a (expert 0) is absent.
    assertThat(r.items())
        .containsExactly(
            item("p-b", 0.9f), item("p-c", 0.8f), item("p-d", 0.7f), item("p-x", 0.3f));
    assertThat(r.experts()).containsExactly(2, 0, 5);
    assertThat(r.indexVersion()).isEqualTo(VERSION);
    assertThat(r.cache()).isEqualTo(SearchResult.CACHE_MISS);
    assertThat(r.latency().retrieveMs()).isEqualTo(2.0);
    assertThat(r.partial()).as("cut short by the timeout").isTrue();
    assertThat(r.answeredExperts()).containsExactly(2, 5);
    assertNoStateOrTimersLeft();

    harness.setProcessingTime(T0 + 10 * TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).hasSize(1);
  }

  /**
   * A failed request's partial ({@link PartialResult#failed}) completes the query at once, without
   * waiting for the timeout: the answer is flagged partial, names only the experts that searched,
   * takes no latency from the failed one, and writes no result fill (the cache's waiters get a
   * release).
   */
  @Test
  void aFailedRequestAnswersTheQueryPartialAtOnceAndCachesNothing() throws Exception {
    reopenWithFills();
    process(fromExpert2());
    process(fromExpert5());
    ExpertRequest failedRequest =
        new ExpertRequest(
            QUERY,
            new float[] {1f, 0f, 0f},
            0,
            EXPERTS,
            TS_IN,
            2.5,
            0.25,
            false,
            null,
            null,
            0,
            0,
            DegradationLevel.NONE,
            true);
    process(PartialResult.failed(failedRequest));
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.partial()).isTrue();
              assertThat(r.answeredExperts()).containsExactly(2, 5);
              assertThat(r.latency().retrieveMs()).isEqualTo(2.0);
              assertThat(r.items()).extracting(RankedItem::productId).doesNotContain("p-a");
            });
    assertThat(harness.getSideOutput(MergePartials.FILLS))
        .as("no result fill: the cache's waiters are released")
        .singleElement()
        .satisfies(f -> assertThat(f.getValue().kind()).isEqualTo(CacheFill.Kind.RELEASE));
    assertNoStateOrTimersLeft();
  }

  @Test
  void replayedPartialFromTheSameExpertDoesNotCompleteTheQueryEarly() throws Exception {
    process(fromExpert2());
    process(fromExpert2()); // at-least-once replay
    process(fromExpert0());
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    process(fromExpert5());

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(r -> assertThat(r.items()).containsExactlyElementsOf(EXPECTED_TOP4));
    assertNoStateOrTimersLeft();
  }

  @Test
  void queriesAreMergedIndependently() throws Exception {
    SearchQuery other = new SearchQuery("q-2", "wireless mouse", 1, null, 0, null);
    int[] otherExperts = {1, 3};
    process(fromExpert2());
    process(partial(other, 3, otherExperts, 1, item("m-1", 0.5f)));
    process(fromExpert0());
    process(partial(other, 1, otherExperts, 1, item("m-2", 0.6f), item("m-1", 0.5f)));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.queryId()).isEqualTo("q-2");
              assertThat(r.items()).containsExactly(item("m-2", 0.6f));
              assertThat(r.experts()).containsExactly(1, 3);
            });
    assertThat(harness.numProcessingTimeTimers())
        .as("q-1's wait timer and q-2's clean-up timer")
        .isEqualTo(2);

    process(fromExpert5());
    assertThat(harness.extractOutputValues())
        .extracting(SearchResult::queryId)
        .containsExactly("q-2", "q-1");
    assertNoStateOrTimersLeft();
  }

  @Test
  void partialsSurviveACheckpointAndTheQueryCompletesAfterRestore() throws Exception {
    process(fromExpert0());
    OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
    harness.close();

    harness = newHarness();
    harness.setup();
    harness.initializeState(snapshot);
    harness.open();
    harness.setProcessingTime(T0 + 10);
    assertThat(keyedStateEntries(harness)).as("restored partial").isPositive();
    assertThat(harness.numProcessingTimeTimers()).as("restored timer").isEqualTo(1);

    process(fromExpert5());
    assertThat(harness.extractOutputValues()).isEmpty();
    process(fromExpert2());

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.items()).containsExactlyElementsOf(EXPECTED_TOP4);
              assertThat(r.experts()).containsExactly(2, 0, 5);
            });
    assertNoStateOrTimersLeft();
  }

  /**
   * Under at-least-once, for the replay window after a restore the merge waits up to the
   * answered-query retention (not the timeout) for every query's partials, so an answer published
   * before and after a failure is complete both times; a merge started afresh, or restored with the
   * window off, answers partial at the timeout as usual.
   */
  @Test
  void inTheWindowAfterARestoreAQueryWaitsForAllItsPartials() throws Exception {
    SearchQuery q =
        new SearchQuery("q-r", "usb c cable", 4, null, System.currentTimeMillis(), null);
    harness.close();
    harness = restoredMerge(60_000);
    process(partial(q, 0, EXPERTS, 1.0, item("p-b", 0.9f)));
    harness.setProcessingTime(T0 + TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).as("no partial answer at the timeout").isEmpty();

    process(partial(q, 2, EXPERTS, 1.0, item("p-c", 0.8f)));
    process(partial(q, 5, EXPERTS, 1.0, item("p-d", 0.7f)));
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.partial()).isFalse();
              assertThat(r.items()).hasSize(3);
            });
    assertNoStateOrTimersLeft();

    harness.close();
    harness = restoredMerge(0);
    process(partial(q, 0, EXPERTS, 1.0, item("p-b", 0.9f)));
    harness.setProcessingTime(T0 + TIMEOUT_MS);
    assertThat(harness.extractOutputValues())
        .as("window off")
        .singleElement()
        .matches(r -> r.partial());

    harness.close();
    harness =
        newHarness(
            new MergePartials(
                VERSION, TIMEOUT_MS, RankingSettings.denseOnly(), false, RETENTION_MS, 60_000));
    harness.open();
    harness.setProcessingTime(T0);
    process(partial(q, 0, EXPERTS, 1.0, item("p-b", 0.9f)));
    harness.setProcessingTime(T0 + TIMEOUT_MS);
    assertThat(harness.extractOutputValues())
        .as("not restored")
        .singleElement()
        .matches(r -> r.partial());
  }

  /**
   * A query that was waiting at the checkpoint has a wait timer set before the failure with the
   * plain timeout; restored in the replay window, that timer does not answer it partial: the
   * partials still to come (in flight at an unaligned checkpoint, or recomputed) complete it.
   */
  @Test
  void inTheWindowARestoredWaitTimerDoesNotCutTheQueryShort() throws Exception {
    process(fromExpert0());
    OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
    harness.close();

    harness =
        newHarness(
            new MergePartials(
                VERSION, TIMEOUT_MS, RankingSettings.denseOnly(), false, RETENTION_MS, 60_000));
    harness.setup();
    harness.initializeState(snapshot);
    harness.open();
    harness.setProcessingTime(T0 + TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).as("no partial answer at the old timer").isEmpty();
    assertThat(harness.numProcessingTimeTimers()).as("the wait re-armed").isEqualTo(1);

    process(fromExpert5());
    process(fromExpert2());
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.partial()).isFalse();
              assertThat(r.items()).containsExactlyElementsOf(EXPECTED_TOP4);
            });
    assertNoStateOrTimersLeft();
  }

  private void change(CatalogChange c) throws Exception {
    harness.processBroadcastElement(new StreamRecord<>(c));
  }

  private static CatalogChange deleted(String id) {
    return new CatalogChange(id, System.currentTimeMillis(), null, null);
  }

  @Test
  void aProductDeletedBeforeItsSlotAppliedTheDeleteIsNotServedAndThePageRefills() throws Exception {
    // Expert 2's slot had not applied the delete of p-b when it searched; expert 0's had (its list
    // lacks p-b). The merge heard of the delete as it was applied upstream of the slots.
    change(deleted("p-b"));
    process(fromExpert2());
    process(partial(QUERY, 0, EXPERTS, 3.0, item("p-a", 0.7f), item("p-y", 0.2f)));
    process(fromExpert5());

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.items())
                    .containsExactly(
                        item("p-c", 0.8f),
                        item("p-a", 0.7f),
                        item("p-d", 0.7f),
                        item("p-x", 0.3f)));
    assertNoStateOrTimersLeft();
  }

  @Test
  void aProductUpsertedAgainAfterItsDeleteIsServed() throws Exception {
    change(deleted("p-b"));
    change(
        new CatalogChange(
            "p-b",
            System.currentTimeMillis(),
            new io.moesearch.core.live.UpsertSignature(
                System.currentTimeMillis(), new int[] {2}, new float[] {1f}, new int[0]),
            null));
    process(fromExpert2());
    process(fromExpert0());
    process(fromExpert5());

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(r -> assertThat(r.items()).containsExactlyElementsOf(EXPECTED_TOP4));
  }

  @Test
  void aPatchedProductIsServedWithItsLivePriceAndStockOrDroppedWhenItNowFailsTheFilters()
      throws Exception {
    long now = System.currentTimeMillis();
    change(new CatalogChange("p-c", now, null, new LivePatch(now, 19.5, false)));
    change(new CatalogChange("p-a", now, null, new LivePatch(now, 7.0, true)));
    process(fromExpert2());
    process(fromExpert0());
    process(fromExpert5());
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.items()).extracting(RankedItem::productId).contains("p-c", "p-a");
              assertThat(Arrays.stream(r.items()).filter(i -> i.productId().equals("p-c")))
                  .singleElement()
                  .satisfies(
                      i -> {
                        assertThat(i.price()).isEqualTo(19.5);
                        assertThat(i.inStock()).isFalse();
                      });
            });

    // The same candidates for a query that wants products in stock and at most 10.
    SearchQuery inStock =
        new SearchQuery("q-2", "usb c cable", 4, new Filters(null, null, 10.0, true), 0, null);
    process(partial(inStock, 2, EXPERTS, 1.0, item("p-b", 0.9f).withLive(5.0, true)));
    process(partial(inStock, 0, EXPERTS, 1.0, item("p-a", 0.7f).withLive(50.0, true)));
    process(partial(inStock, 5, EXPERTS, 1.0, item("p-c", 0.8f).withLive(5.0, true)));
    assertThat(harness.extractOutputValues())
        .last()
        .satisfies(
            r ->
                assertThat(r.items())
                    .extracting(RankedItem::productId)
                    .as("p-c now out of stock; p-a now 7.0, within the range")
                    .containsExactly("p-b", "p-a"));
  }

  /** The signature of an upsert of a product joining expert 2. */
  private static io.moesearch.core.live.UpsertSignature upsertedInto2(long now) {
    return new io.moesearch.core.live.UpsertSignature(
        now, new int[] {2}, new float[] {1f}, new int[0]);
  }

  /**
   * Merges {@code q} from three slots, slot 2 not yet having applied the changes of p-b (it returns
   * it in stock at 100.0); returns the merged result.
   */
  private SearchResult mergeWithPbStaleInSlot2(SearchQuery q) throws Exception {
    process(partial(q, 2, EXPERTS, 1.0, item("p-b", 0.9f).withLive(100.0, true)));
    process(partial(q, 0, EXPERTS, 1.0, item("p-a", 0.7f)));
    process(partial(q, 5, EXPERTS, 1.0, item("p-c", 0.8f)));
    List<SearchResult> out = harness.extractOutputValues();
    return out.get(out.size() - 1);
  }

  private static RankedItem theItem(SearchResult r, String productId) {
    RankedItem[] found =
        Arrays.stream(r.items())
            .filter(i -> i.productId().equals(productId))
            .toArray(RankedItem[]::new);
    assertThat(found).hasSize(1);
    return found[0];
  }

  /**
   * A product upserted live and then patched out of stock, as the apply operator announces it (an
   * upsert signature and the live values): a slot that has not applied the patch still returns it
   * in stock, and the merge drops it under {@code in_stock} and shows the live price otherwise.
   */
  @Test
  void aPatchOfAnUpsertedProductIsFencedLikeAPatchOfACatalogueProduct() throws Exception {
    long now = System.currentTimeMillis();
    change(new CatalogChange("p-b", now, upsertedInto2(now), new LivePatch(now, 100.0, true)));
    change(
        new CatalogChange("p-b", now + 1, upsertedInto2(now), new LivePatch(now + 1, 80.0, false)));
    SearchQuery inStock =
        new SearchQuery("q-2", "usb c cable", 4, new Filters(null, null, null, true), 0, null);
    assertThat(mergeWithPbStaleInSlot2(inStock).items())
        .extracting(RankedItem::productId)
        .doesNotContain("p-b");

    RankedItem pb = theItem(mergeWithPbStaleInSlot2(QUERY), "p-b");
    assertThat(pb.price()).isEqualTo(80.0);
    assertThat(pb.inStock()).isFalse();
  }

  /**
   * An upsert that re-brands a product reaches the merge before a slot that still returns it under
   * its old brand: a query filtering on the old brand does not get it, one on the new brand does.
   */
  @Test
  void anUpsertThatChangesTheBrandIsFencedUnderABrandFilter() throws Exception {
    long now = System.currentTimeMillis();
    change(
        new CatalogChange(
            "p-b", now, upsertedInto2(now), LivePatch.ofProduct(now, 100.0, true, "Other Co")));
    SearchQuery oldBrand =
        new SearchQuery(
            "q-4", "usb c cable", 4, new Filters(new String[] {"acme"}, null, null, null), 0, null);
    assertThat(mergeWithPbStaleInSlot2(oldBrand).items())
        .extracting(RankedItem::productId)
        .doesNotContain("p-b");
    SearchQuery newBrand =
        new SearchQuery(
            "q-5",
            "usb c cable",
            4,
            new Filters(new String[] {"OTHER CO"}, null, null, null),
            0,
            null);
    assertThat(mergeWithPbStaleInSlot2(newBrand).items())
        .extracting(RankedItem::productId)
        .contains("p-b");
  }

  /**
   * An upsert without a price (the product has none now) reaches the merge before a slot that still
   * returns the product at its old price: the merge serves it without a price, and a price filter
   * drops it (the old price was kept: a null live price meant "the catalogue's").
   */
  @Test
  void anUpsertWithoutAPriceIsServedWithoutTheOldPrice() throws Exception {
    long now = System.currentTimeMillis();
    change(new CatalogChange("p-b", now, upsertedInto2(now), LivePatch.ofProduct(now, null, true)));
    SearchQuery underHundred =
        new SearchQuery("q-3", "usb c cable", 4, new Filters(null, null, 150.0, null), 0, null);
    assertThat(mergeWithPbStaleInSlot2(underHundred).items())
        .extracting(RankedItem::productId)
        .doesNotContain("p-b");

    assertThat(theItem(mergeWithPbStaleInSlot2(QUERY), "p-b").price()).isNull();
  }

  @Test
  void theFenceForgetsChangesOlderThanItsRetention() throws Exception {
    change(
        new CatalogChange(
            "p-old",
            System.currentTimeMillis() - MergePartials.FENCE_MIN_RETENTION_MS - 60_000,
            null,
            null));
    assertThat(harness.getBroadcastState(MergePartials.FENCE_REMOVED).contains("p-old")).isFalse();
    change(deleted("p-new"));
    assertThat(harness.getBroadcastState(MergePartials.FENCE_REMOVED).contains("p-new")).isTrue();

    assertThat(MergePartials.fenceRetention(0)).isEqualTo(MergePartials.FENCE_MIN_RETENTION_MS);
    assertThat(MergePartials.fenceRetention(100_000)).isEqualTo(200_000);
    assertThat(MergePartials.fenceRetention(Long.MAX_VALUE / 4))
        .isEqualTo(MergePartials.FENCE_MAX_RETENTION_MS);
  }

  /** The entries of the merge's keyed state (the heap backend of the harness). */
  private static int keyedStateEntries(AbstractStreamOperatorTestHarness<?> h) {
    return ((HeapKeyedStateBackend<?>)
            ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend())
        .numKeyValueStateEntries();
  }

  /** A merge restored from an empty snapshot with the given replay window, its clock at T0. */
  private static KeyedBroadcastOperatorTestHarness<
          String, PartialResult, CatalogChange, SearchResult>
      restoredMerge(long window) throws Exception {
    OperatorSubtaskState snapshot;
    try (var before = newHarness()) {
      before.open();
      snapshot = before.snapshot(1L, T0);
    }
    var h =
        newHarness(
            new MergePartials(
                VERSION, TIMEOUT_MS, RankingSettings.denseOnly(), false, RETENTION_MS, window));
    h.setup();
    h.initializeState(snapshot);
    h.open();
    h.setProcessingTime(T0);
    return h;
  }

  @Test
  void restoredTimerStillAnswersAQueryWhosePartialsNeverArrive() throws Exception {
    process(fromExpert0());
    OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
    harness.close();

    harness = newHarness();
    harness.setup();
    harness.initializeState(snapshot);
    harness.open();
    harness.setProcessingTime(T0 + TIMEOUT_MS);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.items())
                    .containsExactly(item("p-b", 0.9f), item("p-a", 0.7f), item("p-y", 0.2f)));
    assertNoStateOrTimersLeft();
  }

  @Test
  void aPartialArrivingAfterTheTimeoutLeavesNoStateBehind() throws Exception {
    process(fromExpert2());
    harness.setProcessingTime(T0 + TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).hasSize(1);

    process(fromExpert0()); // straggler
    harness.setProcessingTime(T0 + 3 * TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).as("the straggler gives no second answer").hasSize(1);
    assertNoStateOrTimersLeft();
  }

  @Test
  void latePartialsLongAfterATimedOutAnswerGiveNoFurtherAnswerAndAreCounted() throws Exception {
    process(fromExpert2());
    harness.setProcessingTime(T0 + TIMEOUT_MS);
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.partial()).isTrue();
              assertThat(r.answeredExperts()).containsExactly(2);
            });
    // Well past a few timeouts, as with a slow expert or backpressure: each would have started a
    // new merge and answered again from one expert.
    harness.setProcessingTime(T0 + 5 * TIMEOUT_MS);
    process(fromExpert0());
    harness.setProcessingTime(T0 + 9 * TIMEOUT_MS);
    process(fromExpert5());
    harness.setProcessingTime(T0 + 20 * TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).as("one answer per query").hasSize(1);
    MergePartials merge =
        (MergePartials)
            ((CoBroadcastWithKeyedOperator<String, PartialResult, CatalogChange, SearchResult>)
                    harness.getOperator())
                .getUserFunction();
    assertThat(merge.latePartialsDropped()).isEqualTo(2);
    assertNoStateOrTimersLeft();
  }

  @Test
  void aRetentionShorterThanTheTimeoutIsRejected() {
    assertThatThrownBy(
            () -> new MergePartials(VERSION, TIMEOUT_MS, RankingSettings.denseOnly(), false, 999))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("merge.timeout-ms");
    assertThat(MergePartials.defaultAnsweredRetention(10)).isEqualTo(60_000);
    assertThat(MergePartials.defaultAnsweredRetention(600_000)).isEqualTo(6_000_000);
  }

  /** The partial of {@link #QUERY}'s request to {@code expert}, shed under overload. */
  private static PartialResult shed(int expert) {
    return new PartialResult(
        QUERY,
        expert,
        EXPERTS,
        new RankedItem[0],
        TS_IN,
        2.5,
        0.25,
        0,
        null,
        false,
        VERSION,
        DegradationLevel.OVERLOADED,
        true,
        0,
        Float.POSITIVE_INFINITY);
  }

  @Test
  void aShedPartialAnswersItsQueryOverloadedAtOnceAndTheOthersAreLate() throws Exception {
    process(fromExpert2());
    process(shed(0));
    assertThat(harness.extractOutputValues())
        .as("answered before the timeout and before expert 5 answered")
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.degraded()).isEqualTo(SearchResult.OVERLOADED);
              assertThat(r.items()).isEmpty();
              assertThat(r.partial()).isFalse();
            });
    process(fromExpert5());
    harness.setProcessingTime(T0 + 5 * TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).as("one answer per query").hasSize(1);
    assertNoStateOrTimersLeft();
  }

  @Test
  void aShedPartialArrivingFirstIsAnsweredOverloadedAndNeverCached() throws Exception {
    reopenWithFills();
    process(shed(5));
    process(fromExpert2());
    process(fromExpert0());
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(r -> assertThat(r.degraded()).isEqualTo(SearchResult.OVERLOADED));
    assertThat(harness.getSideOutput(MergePartials.FILLS))
        .as("no cache fill: a release, so identical queries the cache holds back are computed now")
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getValue().kind()).isEqualTo(CacheFill.Kind.RELEASE);
              assertThat(r.getValue().text()).isEqualTo("usb c cable");
              assertThat(r.getValue().topK()).isEqualTo(QUERY.topK());
              assertThat(r.getValue().items()).isEmpty();
            });
    assertNoStateOrTimersLeft();
  }

  @Test
  void aDegradedAnswerIsSharedWithTheWaitersNotCached() throws Exception {
    reopenWithFills();
    process(
        new PartialResult(
            QUERY,
            2,
            new int[] {2},
            new RankedItem[] {item("p-b", 0.9f)},
            TS_IN,
            2.5,
            0.25,
            1,
            null,
            false,
            VERSION,
            DegradationLevel.FEWER_EXPERTS,
            true,
            0,
            Float.POSITIVE_INFINITY));
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(r -> assertThat(r.items()).isNotEmpty());
    assertThat(harness.getSideOutput(MergePartials.FILLS))
        .singleElement()
        .satisfies(
            r -> {
              CacheFill f = r.getValue();
              assertThat(f.kind()).isEqualTo(CacheFill.Kind.RELEASE);
              assertThat(f.degraded()).isEqualTo("fewer_experts");
              assertThat(f.items()).extracting(RankedItem::productId).containsExactly("p-b");
            });
  }

  // ---- The query's embedding goes to the cache in the record of its answer ----

  private static final String MODEL = "model-a";
  private static final float[] V = {0.6f, 0.8f};

  /** Replaces the harness by one whose merge writes fills with the embeddings, open, at T0. */
  private void reopenWritingEmbeddings(long fillMaxBytes) throws Exception {
    harness.close();
    harness =
        newHarness(
            new MergePartials(VERSION, TIMEOUT_MS, RankingSettings.denseOnly(), true)
                .writingEmbeddings(MODEL, fillMaxBytes));
    harness.open();
    harness.setProcessingTime(T0);
  }

  private List<CacheFill> fills() {
    var out = harness.getSideOutput(MergePartials.FILLS);
    return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
  }

  /**
   * A computed query whose answer is cached writes one record: the result, carrying the query
   * embedding one of its partials brought (held in state until the last partial arrived) and the
   * model's id. Before, the embedding went as a second record of its own.
   */
  @Test
  void aComputedQueryWritesOneFillCarryingItsResultAndItsEmbedding() throws Exception {
    reopenWritingEmbeddings(1 << 20);
    process(fromExpert2().carrying(V)); // the first of the fan-out: held until the last arrives
    process(fromExpert0());
    process(fromExpert5());
    SearchResult answered = harness.extractOutputValues().get(0);
    assertThat(fills())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(CacheFill.Kind.RESULT);
              assertThat(f.text()).isEqualTo("usb c cable");
              assertThat(f.version()).isEqualTo(VERSION);
              assertThat(f.items()).containsExactly(answered.items());
              assertThat(f.embedding()).containsExactly(V);
              assertThat(f.embeddingModelId()).isEqualTo(MODEL);
            });
    assertNoStateOrTimersLeft();
  }

  /**
   * A query embedded from the cache brings no vector (its partials carry none): its result fill
   * carries no embedding, and nothing else is written.
   */
  @Test
  void aQueryEmbeddedFromTheCacheWritesItsResultWithoutAnEmbedding() throws Exception {
    reopenWritingEmbeddings(1 << 20);
    process(fromExpert2());
    process(fromExpert0());
    process(fromExpert5());
    assertThat(fills())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(CacheFill.Kind.RESULT);
              assertThat(f.carriesEmbedding()).isFalse();
            });
  }

  /**
   * A computed query whose answer is not cached still caches its embedding, as every computed
   * embedding was: in the release its answer writes (cut short by the timeout, a failed request,
   * degraded and shared), so one record still; an explained query, never coalesced and never
   * cached, writes its embedding alone.
   */
  @Test
  void aComputedQueryWhoseAnswerIsNotCachedCarriesItsEmbeddingInItsRelease() throws Exception {
    reopenWritingEmbeddings(1 << 20);
    // Timed out: expert 5 never answers.
    process(fromExpert2().carrying(V));
    process(fromExpert0());
    harness.setProcessingTime(T0 + TIMEOUT_MS);
    // A failed request.
    SearchQuery failing = new SearchQuery("q-f", "toner", 4, null, 0, null);
    process(partial(failing, 2, new int[] {2, 0}, 1.0, item("p-t", 0.5f)).carrying(V));
    process(
        PartialResult.failed(new ExpertRequest(failing, V, 0, new int[] {2, 0}, TS_IN, 2.5, 0.25)));
    // Degraded under overload: its answer is shared with the waiters, not cached.
    SearchQuery degraded = new SearchQuery("q-d", "mouse", 4, null, 0, null);
    process(
        new PartialResult(
                degraded,
                2,
                new int[] {2},
                new RankedItem[] {item("p-b", 0.9f)},
                TS_IN,
                2.5,
                0.25,
                1,
                null,
                false,
                VERSION,
                DegradationLevel.FEWER_EXPERTS,
                true,
                0,
                Float.POSITIVE_INFINITY)
            .carrying(V));
    // Explained.
    SearchQuery explained = new SearchQuery("q-x", "HDMI  cable", 4, null, 0, null, true);
    process(partial(explained, 2, new int[] {2}, 1.0, item("p-h", 0.5f)).carrying(V));

    assertThat(harness.extractOutputValues()).hasSize(4);
    assertThat(fills())
        .extracting(CacheFill::kind, CacheFill::text, CacheFill::degraded)
        .containsExactly(
            Tuple.tuple(CacheFill.Kind.RELEASE, "usb c cable", null),
            Tuple.tuple(CacheFill.Kind.RELEASE, "toner", null),
            Tuple.tuple(CacheFill.Kind.RELEASE, "mouse", "fewer_experts"),
            Tuple.tuple(CacheFill.Kind.EMBEDDING, "hdmi cable", null));
    assertThat(fills())
        .allSatisfy(
            f -> {
              assertThat(f.embedding()).containsExactly(V);
              assertThat(f.embeddingModelId()).isEqualTo(MODEL);
            });
  }

  /**
   * A shed partial answers its query at once. The embedding rides with the release when a partial
   * already held carries it; when the partial carrying it arrives after the answer (late), it is
   * written alone then, so the embedding cache learns it either way, once.
   */
  @Test
  void aShedQueryWritesItsEmbeddingWithItsReleaseOrAloneWhenItArrivesLate() throws Exception {
    reopenWritingEmbeddings(1 << 20);
    process(fromExpert2().carrying(V));
    process(shed(0));
    assertThat(fills())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(CacheFill.Kind.RELEASE);
              assertThat(f.embedding()).containsExactly(V);
            });
    process(fromExpert5());
    assertThat(fills()).as("a late partial without the vector writes nothing").hasSize(1);

    SearchQuery other = new SearchQuery("q-2", "toner", 4, null, 0, null);
    process(
        new PartialResult(
            other,
            5,
            EXPERTS,
            new RankedItem[0],
            TS_IN,
            2.5,
            0.25,
            0,
            null,
            false,
            VERSION,
            DegradationLevel.OVERLOADED,
            true,
            0,
            Float.POSITIVE_INFINITY));
    process(partial(other, 0, EXPERTS, 1.0, item("p-t", 0.5f)));
    process(partial(other, 2, EXPERTS, 1.0, item("p-t", 0.5f)).carrying(V));
    assertThat(fills().subList(1, fills().size()))
        .extracting(CacheFill::kind, CacheFill::carriesEmbedding)
        .containsExactly(
            Tuple.tuple(CacheFill.Kind.RELEASE, false),
            Tuple.tuple(CacheFill.Kind.EMBEDDING, true));
    assertThat(fills().get(2).text()).isEqualTo("toner");
    assertThat(mergeFunction().latePartialsDropped()).isEqualTo(3);
    assertNoStateOrTimersLeft();
  }

  private MergePartials mergeFunction() {
    return (MergePartials)
        ((CoBroadcastWithKeyedOperator<String, PartialResult, CatalogChange, SearchResult>)
                harness.getOperator())
            .getUserFunction();
  }

  /**
   * A result and its embedding that would not fit in one record of {@code cache.fill-max-bytes}
   * (here set very low) go as two: the embedding first, then the result, which the readers take as
   * before.
   */
  @Test
  void aResultAndEmbeddingTooLargeForOneRecordGoAsTwo() throws Exception {
    reopenWritingEmbeddings(700);
    process(fromExpert2().carrying(V));
    process(fromExpert0());
    process(fromExpert5());
    assertThat(fills())
        .extracting(CacheFill::kind, CacheFill::carriesEmbedding)
        .containsExactly(
            Tuple.tuple(CacheFill.Kind.EMBEDDING, true), Tuple.tuple(CacheFill.Kind.RESULT, false));
    assertThat(fills().get(1).withEmbedding(MODEL, V).encodedSizeBound()).isGreaterThan(700);
    assertThat(fills().get(0).embedding()).containsExactly(V);
  }

  /**
   * An embedding no fill can carry (a value that is not finite) is not cached and is counted; the
   * result is written without it, and the task goes on.
   */
  @Test
  void anEmbeddingNoFillCanCarryIsNotCachedAndFailsNothing() throws Exception {
    reopenWritingEmbeddings(1 << 20);
    process(fromExpert2().carrying(new float[] {Float.NaN, 1f}));
    process(fromExpert0());
    process(fromExpert5());
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(fills())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(CacheFill.Kind.RESULT);
              assertThat(f.carriesEmbedding()).isFalse();
            });
    assertThat(mergeFunction().failures()).isOne();
  }

  /** A query the cache did not admit writes nothing, its embedding neither. */
  @Test
  void aQueryTheCacheDidNotAdmitWritesNoEmbedding() throws Exception {
    reopenWritingEmbeddings(1 << 20);
    process(single(3, new RankedItem[] {item("p-a", 0.9f)}, false, 0, Float.NaN).carrying(V));
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(fills()).isEmpty();
  }

  @Test
  void aReplayedPartialAfterCompletionGivesNoSecondAnswer() throws Exception {
    process(fromExpert2());
    process(fromExpert0());
    process(fromExpert5());
    process(fromExpert0()); // replayed after the answer
    harness.setProcessingTime(T0 + 5 * TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertNoStateOrTimersLeft();
  }

  @Test
  void twoSubmissionsOfOneQueryIdAreMergedSeparately() throws Exception {
    process(partial(QUERY, 2, new int[] {2}, 1, item("p-1", 0.5f)));
    PartialResult later =
        new PartialResult(
            QUERY, 2, new int[] {2}, new RankedItem[] {item("p-9", 0.9f)}, TS_IN + 7, 1, 1, 1);
    process(later);
    assertThat(harness.extractOutputValues()).hasSize(2);
    assertNoStateOrTimersLeft();
  }

  @Test
  void fillsCarryTheRankingFingerprintBesideTheIndexVersion() throws Exception {
    harness.close();
    harness =
        newHarness(
            new MergePartials(VERSION, TIMEOUT_MS, RankingSettings.denseOnly(), true)
                .rankedBy("r0123abcd"));
    harness.open();
    harness.setProcessingTime(T0);
    harness.processElement(new StreamRecord<>(fromExpert2()));
    harness.processElement(new StreamRecord<>(fromExpert0()));
    harness.processElement(new StreamRecord<>(fromExpert5()));
    SearchQuery other = new SearchQuery("q-2", "toner", 4, null, 0, null);
    harness.processElement(new StreamRecord<>(partial(other, 2, EXPERTS, 1.0, item("p-t", 0.5f))));
    harness.setProcessingTime(T0 + TIMEOUT_MS);

    assertThat(harness.extractOutputValues())
        .as("the answers name the index version alone")
        .extracting(SearchResult::indexVersion)
        .containsOnly(VERSION);
    assertThat(harness.getSideOutput(MergePartials.FILLS))
        .extracting(r -> r.getValue().kind(), r -> r.getValue().version())
        .containsExactly(
            Tuple.tuple(CacheFill.Kind.RESULT, VERSION + "#r0123abcd"),
            Tuple.tuple(CacheFill.Kind.RELEASE, VERSION + "#r0123abcd"));
  }

  @Test
  void completeResultsBecomeCacheFillsButTimedOutOnesDoNot() throws Exception {
    reopenWithFills();
    harness.processElement(new StreamRecord<>(fromExpert2()));
    harness.processElement(new StreamRecord<>(fromExpert0()));
    harness.processElement(new StreamRecord<>(fromExpert5()));
    SearchResult answered = harness.extractOutputValues().get(0);
    assertThat(answered.cache()).isEqualTo(SearchResult.CACHE_MISS);
    var fills = harness.getSideOutput(MergePartials.FILLS);
    assertThat(fills)
        .singleElement()
        .satisfies(
            r -> {
              CacheFill f = r.getValue();
              assertThat(f.kind()).isEqualTo(CacheFill.Kind.RESULT);
              assertThat(f.text()).isEqualTo("usb c cable");
              assertThat(f.topK()).isEqualTo(4);
              assertThat(f.filters()).isEmpty();
              assertThat(f.version()).isEqualTo(VERSION);
              assertThat(f.items()).containsExactly(answered.items());
              assertThat(f.experts()).containsExactly(answered.experts());
            });

    SearchQuery other = new SearchQuery("q-2", "toner", 4, null, 0, null);
    harness.processElement(new StreamRecord<>(partial(other, 2, EXPERTS, 1.0, item("p-t", 0.5f))));
    harness.setProcessingTime(T0 + TIMEOUT_MS);
    assertThat(harness.extractOutputValues()).hasSize(2);
    assertThat(harness.getSideOutput(MergePartials.FILLS))
        .as("the timed-out answer is released, not cached")
        .extracting(r -> r.getValue().kind(), r -> r.getValue().text())
        .containsExactly(
            Tuple.tuple(CacheFill.Kind.RESULT, "usb c cable"),
            Tuple.tuple(CacheFill.Kind.RELEASE, "toner"));
  }

  @Test
  void aFillIsDatedBackByTheLongestDeltaLagOfItsSlots() throws Exception {
    reopenWithFills();
    int[] both = {3, 4};
    for (int expert : both) {
      process(
          new PartialResult(
              QUERY,
              expert,
              both,
              new RankedItem[] {item("p-" + expert, 0.9f)},
              TS_IN,
              1,
              1,
              1,
              null,
              false,
              null,
              io.moesearch.core.overload.DegradationLevel.NONE,
              true,
              expert == 3 ? 200 : 900,
              expert == 3 ? 0.4f : 0.6f));
    }
    assertThat(harness.getSideOutput(MergePartials.FILLS))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getValue().ts()).isEqualTo(TS_IN - 900);
              // The lowest of its experts' dense floors: the weakest candidate any of them took.
              assertThat(f.getValue().denseFloor()).isEqualTo(0.4f);
              assertThat(f.getValue().lexicalFloor())
                  .as("no lexical branch searched: nothing can enter through it")
                  .isEqualTo(Float.MAX_VALUE);
            });
    assertThat(MergePartials.asOf(100, List.of())).isEqualTo(100);
  }

  /**
   * Slots that searched after the query waited longer than their delta lag report a negative lag:
   * the answer reflects the updates applied after its acceptance up to the least such time.
   */
  @Test
  void anAnswerSearchedAfterItsQueryWaitedIsDatedAfterItsAcceptance() {
    PartialResult waited = lagged(-15_000);
    PartialResult lessSo = lagged(-12_000);
    assertThat(MergePartials.asOf(TS_IN, List.of(waited, lessSo))).isEqualTo(TS_IN + 12_000);
    assertThat(MergePartials.asOf(TS_IN, List.of(waited, lagged(900)))).isEqualTo(TS_IN - 900);
  }

  private static PartialResult lagged(long lagMs) {
    return single(3, new RankedItem[] {item("p-3", 0.9f)}, true, lagMs, 0.5f);
  }

  /** The partial of one expert of a query routed to that expert alone, served undegraded. */
  private static PartialResult single(
      int expert, RankedItem[] items, boolean cacheFill, long lagMs, float denseFloor) {
    return new PartialResult(
        QUERY,
        expert,
        new int[] {expert},
        items,
        TS_IN,
        1,
        1,
        1,
        null,
        false,
        null,
        io.moesearch.core.overload.DegradationLevel.NONE,
        cacheFill,
        lagMs,
        denseFloor);
  }

  /**
   * A dense floor is unknown when one expert's is, clamped to [-1, 1]; the lexical branch's floor
   * (a BM25 score) sets none.
   */
  @Test
  void theDenseFloorIsTheLowestKnownOneOfTheExperts() {
    PartialResult lexical = single(-3, new RankedItem[0], true, 0, 7.5f);
    assertThat(MergePartials.denseFloor(List.of(lexical))).isEqualTo(1f);
    assertThat(MergePartials.denseFloor(List.of(lexical, floored(0.3f), floored(-1f))))
        .isEqualTo(-1f);
    assertThat(MergePartials.denseFloor(List.of(floored(0.3f), floored(Float.NaN)))).isNull();
  }

  /**
   * The lexical floor is the lexical branch's BM25 floor, unknown when its is, and the largest
   * float when no lexical branch was searched; the experts' cosines set none.
   */
  @Test
  void theLexicalFloorIsTheLexicalBranchs() {
    PartialResult lexical = single(-3, new RankedItem[0], true, 0, 7.5f);
    assertThat(MergePartials.lexicalFloor(List.of(lexical, floored(0.3f)))).isEqualTo(7.5f);
    assertThat(MergePartials.lexicalFloor(List.of(floored(0.3f)))).isEqualTo(Float.MAX_VALUE);
    assertThat(
            MergePartials.lexicalFloor(
                List.of(single(-3, new RankedItem[0], true, 0, Float.NaN), floored(0.3f))))
        .isNull();
  }

  private static PartialResult floored(float floor) {
    return single(1, new RankedItem[0], true, 0, floor);
  }

  @Test
  void anAnswerTheCacheDidNotAdmitWritesNoFill() throws Exception {
    reopenWithFills();
    process(single(3, new RankedItem[] {item("p-a", 0.9f)}, false, 0, Float.NaN));
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(harness.getSideOutput(MergePartials.FILLS)).isNullOrEmpty();
  }

  @Test
  void aQueryEmbeddedFromTheCacheIsMarkedSo() throws Exception {
    int[] one = {3};
    harness.processElement(
        new StreamRecord<>(
            new PartialResult(
                QUERY,
                3,
                one,
                new RankedItem[] {item("p-a", 0.5f)},
                TS_IN,
                0.1,
                0.2,
                0.3,
                null,
                true,
                "v-other")));
    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.cache()).isEqualTo(SearchResult.CACHE_EMBEDDING);
              assertThat(r.indexVersion()).as("the partials' version").isEqualTo("v-other");
            });
  }

  @Test
  void aNonPositiveTimeoutIsRejected() {
    assertThatThrownBy(() -> new MergePartials(VERSION, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("merge.timeout-ms");
  }

  @Test
  void hybridRankingFusesDensePartialsWithTheLexicalBranch() throws Exception {
    harness.close();
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.BM25] = 1; // rank by BM25 alone
    RankingSettings ranking = new RankingSettings(true, 20, 100, new LinearFusion(w));
    harness = newHarness(new MergePartials(VERSION, TIMEOUT_MS, ranking));
    harness.open();
    harness.setProcessingTime(T0);
    int lex = ExpertRequest.lexical(QUERY.queryId());
    int[] fanOut = {3, lex};
    process(
        new PartialResult(
            QUERY,
            3,
            fanOut,
            new RankedItem[] {item("d-1", 0.9f), item("d-2", 0.8f)},
            TS_IN,
            1,
            1,
            1,
            new double[][] {features(0.9, 0), features(0.8, 0)}));
    process(
        new PartialResult(
            QUERY,
            lex,
            fanOut,
            new RankedItem[] {item("l-1", 0.3f), item("d-2", 0.8f)},
            TS_IN,
            1,
            1,
            1,
            new double[][] {features(0.3, 1.0), features(0.8, 0.6)}));
    SearchResult r = harness.extractOutputValues().get(0);
    assertThat(r.items()).extracting(RankedItem::productId).containsExactly("l-1", "d-2", "d-1");
    assertThat(r.items()[0].score()).isEqualTo(1.0f);
    assertThat(r.experts()).as("the lexical branch is not an expert").containsExactly(3);
    assertNoStateOrTimersLeft();
  }

  /**
   * Experts' partials without features (brands and models instead): the merge computes the features
   * of the dense candidates it keeps and ranks exactly as the core's fusion of every candidate's
   * features, scores included.
   */
  @Test
  void densePartialsWithoutFeaturesAreRankedAsTheCoreRanksAllTheirCandidates() throws Exception {
    harness.close();
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.DENSE] = 1;
    w[RankingFeatures.BM25] = 0.5;
    w[RankingFeatures.CODE_EXACT] = 2;
    w[RankingFeatures.BRAND_MATCH] = 0.3;
    w[RankingFeatures.TITLE_COVERAGE] = 0.2;
    w[RankingFeatures.CODE_NEAR] = -0.4;
    LinearFusion model = new LinearFusion(w);
    int depth = 3;
    RankingSettings ranking = new RankingSettings(true, depth, 100, model);
    harness = newHarness(new MergePartials(VERSION, TIMEOUT_MS, ranking));
    harness.open();
    harness.setProcessingTime(T0);
    SearchQuery q = new SearchQuery("q-h", "hoover dxoc67c3 washing machine", 3, null, 0, null);
    int lex = ExpertRequest.lexical(q.queryId());
    int[] fanOut = {3, 4, lex};
    Candidate[] expert3 = {
      new Candidate(0, "d-47", "Hoover DXOC47C3 washing machine", "Hoover", "DXOC47C3", 0.95f),
      new Candidate(1, "d-67", "Hoover DXOC67C3 washing machine", "Hoover", "DXOC67C3", 0.9f),
      new Candidate(2, "d-x", "Candy washer dryer", "Candy", "", 0.6f)
    };
    Candidate[] expert4 = {
      new Candidate(1, "d-67", "Hoover DXOC67C3 washing machine", "Hoover", "DXOC67C3", 0.9f),
      new Candidate(3, "d-68", "Hoover DXOC68C3B washing machine", "Hoover", "DXOC68C3B", 0.93f),
      new Candidate(4, "d-y", "Bosch washing machine", "Bosch", "WAN28", 0.7f)
    };
    HybridRanker hybrid = new HybridRanker();
    List<HybridRanker.Scored> lexical =
        hybrid.lexical(q.text(), List.of(expert3[1], expert4[2]), c -> c.score());
    process(expertPartial(q, 3, fanOut, expert3));
    process(expertPartial(q, 4, fanOut, expert4));
    process(
        new PartialResult(
            q,
            lex,
            fanOut,
            lexical.stream()
                .map(s -> item(s.productId(), (float) s.features()[RankingFeatures.DENSE]))
                .toArray(RankedItem[]::new),
            TS_IN,
            1,
            1,
            1,
            lexical.stream().map(HybridRanker.Scored::features).toArray(double[][]::new)));

    List<Candidate> all = new java.util.ArrayList<>(List.of(expert3));
    all.addAll(List.of(expert4));
    List<String> expected =
        HybridRanker.fuse(q.text(), hybrid.dense(q.text(), all), lexical, model, depth, q.topK())
            .stream()
            .map(s -> s.productId() + "=" + (float) model.score(s.features()))
            .toList();
    SearchResult r = harness.extractOutputValues().get(0);
    assertThat(Arrays.stream(r.items()).map(i -> i.productId() + "=" + i.score()).toList())
        .isEqualTo(expected);
    assertThat(r.items()[0].productId()).as("the named code first").isEqualTo("d-67");
    assertNoStateOrTimersLeft();
  }

  private static PartialResult expertPartial(
      SearchQuery q, int expert, int[] fanOut, Candidate... candidates) {
    return new PartialResult(
        q,
        expert,
        fanOut,
        Arrays.stream(candidates)
            .map(c -> new RankedItem(c.productId(), c.title(), c.score()))
            .toArray(RankedItem[]::new),
        TS_IN,
        1,
        1,
        1,
        null,
        false,
        null,
        io.moesearch.core.overload.DegradationLevel.NONE,
        true,
        0,
        Float.NaN,
        Arrays.stream(candidates).map(Candidate::brand).toArray(String[]::new),
        Arrays.stream(candidates).map(Candidate::model).toArray(String[]::new));
  }

  /**
   * A full hybrid answer's fill carries its {@link EntryCut}: the BM25 scale from the lexical
   * branch's floor (the raw score of its last hit) over that hit's normalised score, the bar at the
   * 10th hit (every item ranks above it here), the last item's fused score; a lexical list shorter
   * than its depth (as one the fence cut) gives none.
   */
  @Test
  void aFullHybridAnswersFillCarriesItsEntryCut() throws Exception {
    harness.close();
    harness =
        newHarness(
            new MergePartials(
                VERSION, TIMEOUT_MS, new RankingSettings(true, 20, 12, LinearFusion.rrf()), true));
    harness.open();
    harness.setProcessingTime(T0);
    for (int hitsSent : new int[] {12, 11}) {
      SearchQuery q = new SearchQuery("q-" + hitsSent, "usb c cable", 4, null, 0, null);
      int lex = ExpertRequest.lexical(q.queryId());
      int[] fanOut = {3, lex};
      RankedItem[] hits = new RankedItem[hitsSent];
      double[][] f = new double[hitsSent][];
      for (int i = 0; i < hitsSent; i++) {
        hits[i] = item("l-" + i, 0.5f);
        f[i] = features(0.5, (12.0 - i) / 12); // raw BM25 2 × (12 - i): the last, 2
      }
      process(
          new PartialResult(
              q,
              3,
              fanOut,
              new RankedItem[] {item("d-1", 0.9f)},
              TS_IN,
              1,
              1,
              1,
              new double[][] {features(0.9, 0)},
              false,
              null,
              io.moesearch.core.overload.DegradationLevel.NONE,
              true,
              0,
              0.5f));
      process(
          new PartialResult(
              q,
              lex,
              fanOut,
              hits,
              TS_IN,
              1,
              1,
              1,
              f,
              false,
              null,
              io.moesearch.core.overload.DegradationLevel.NONE,
              true,
              0,
              2f));
    }
    var fills = harness.getSideOutput(MergePartials.FILLS).stream().toList();
    assertThat(fills).hasSize(2);
    EntryCut cut = fills.get(0).getValue().entryCut();
    assertThat(cut).isNotNull();
    assertThat(cut.bm25Top()).isCloseTo(24f, org.assertj.core.data.Offset.offset(1e-3f));
    assertThat(cut.barRank()).isEqualTo(9);
    assertThat(cut.bm25Bar()).isCloseTo(6f, org.assertj.core.data.Offset.offset(1e-3f));
    RankedItem[] answered = harness.extractOutputValues().get(0).items();
    assertThat(answered).hasSize(4);
    assertThat(cut.kthScore()).isEqualTo(answered[3].score());
    assertThat(fills.get(1).getValue().entryCut()).as("a list shorter than its depth").isNull();
  }

  @Test
  void anExplainedQueryCarriesEachFeaturesContributionAndIsNotCached() throws Exception {
    harness.close();
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.DENSE] = 2;
    w[RankingFeatures.BM25] = 0.5;
    RankingSettings ranking = new RankingSettings(true, 20, 100, new LinearFusion(w));
    harness = newHarness(new MergePartials(VERSION, TIMEOUT_MS, ranking, true));
    harness.open();
    harness.setProcessingTime(T0);
    SearchQuery explained = new SearchQuery("q-x", "usb c cable", 4, null, 0, null, true);
    int lex = ExpertRequest.lexical(explained.queryId());
    int[] fanOut = {3, lex};
    process(
        new PartialResult(
            explained,
            3,
            fanOut,
            new RankedItem[] {item("d-1", 0.9f)},
            TS_IN,
            1,
            1,
            1,
            new double[][] {features(0.9, 0)}));
    process(
        new PartialResult(
            explained,
            lex,
            fanOut,
            new RankedItem[] {item("d-1", 0.9f)},
            TS_IN,
            1,
            1,
            1,
            new double[][] {features(0.9, 3.0)}));
    RankedItem top = harness.extractOutputValues().get(0).items()[0];
    assertThat(top.explain()).hasSize(RankingFeatures.NAMES.size());
    assertThat(top.explain()[RankingFeatures.BM25].feature()).isEqualTo("bm25");
    assertThat(top.explain()[RankingFeatures.BM25].value()).isEqualTo(3.0);
    assertThat(top.explain()[RankingFeatures.BM25].weight()).isEqualTo(0.5);
    assertThat(Arrays.stream(top.explain()).mapToDouble(c -> c.contribution()).sum())
        .as("the contributions add up to the score")
        .isCloseTo(top.score(), org.assertj.core.data.Offset.offset(1e-5));
    assertThat(harness.getSideOutput(MergePartials.FILLS))
        .as("an explained answer is not cached")
        .isNullOrEmpty();

    process(
        new PartialResult(
            QUERY,
            3,
            new int[] {3},
            new RankedItem[] {item("d-1", 0.9f)},
            TS_IN,
            1,
            1,
            1,
            new double[][] {features(0.9, 0)}));
    assertThat(harness.extractOutputValues().get(1).items()[0].explain())
        .as("absent unless asked")
        .isNull();
  }

  /**
   * "No match": when the BM25 branch found nothing and the best cosine is below the floor, the
   * answer to an unfiltered query has no items (and says so); a BM25 hit, one candidate at the
   * floor or a filter is a match.
   */
  @Test
  void withoutABm25HitAndBelowTheSimilarityFloorTheAnswerIsNoMatch() throws Exception {
    harness.close();
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.DENSE] = 1;
    RankingSettings ranking = new RankingSettings(true, 20, 100, new LinearFusion(w), 0.3);
    harness = newHarness(new MergePartials(VERSION, TIMEOUT_MS, ranking));
    harness.open();
    harness.setProcessingTime(T0);
    String[] ids = {"junk", "bm25-hit", "at-floor", "filtered"};
    float[] best = {0.29f, 0.1f, 0.3f, 0.1f};
    RankedItem[][] lexicalItems = {{}, {item("l-1", 0.1f)}, {}, {}};
    Filters brand = new Filters(new String[] {"acme"}, null, null);
    for (int i = 0; i < ids.length; i++) {
      SearchQuery q = new SearchQuery(ids[i], "the", 4, i == 3 ? brand : null, 0, null);
      int lex = ExpertRequest.lexical(q.queryId());
      int[] fanOut = {3, lex};
      process(
          new PartialResult(
              q,
              3,
              fanOut,
              new RankedItem[] {item("d-1", best[i]), item("d-2", 0.05f)},
              TS_IN,
              1,
              1,
              1,
              new double[][] {features(best[i], 0), features(0.05, 0)}));
      double[][] lexFeatures = new double[lexicalItems[i].length][];
      Arrays.fill(lexFeatures, features(0.1, 1.0));
      process(new PartialResult(q, lex, fanOut, lexicalItems[i], TS_IN, 1, 1, 1, lexFeatures));
    }
    List<SearchResult> out = harness.extractOutputValues();
    assertThat(out).extracting(SearchResult::queryId).containsExactly(ids);
    assertThat(out)
        .as("a filtered query shows what its filters select")
        .extracting(SearchResult::noMatch)
        .containsExactly(true, false, false, false);
    assertThat(out.get(0).items()).isEmpty();
    assertThat(out.get(1).items()).isNotEmpty();
    assertThat(new MessageJson().encodeResult(out.get(0)))
        .asString(StandardCharsets.UTF_8)
        .contains("\"items\":[]", "\"no_match\":true");
  }

  /**
   * Partials that cannot be merged must not fail the task, which would fail again on every replay:
   * one computed with a ranking model of fewer features (an index version of another model), one
   * whose fused score is not finite, and the same at the merge timeout. Each query is answered at
   * once as failed (no items, partial, no answered experts), dead-lettered with a bounded reason,
   * counted, never written to the cache, and then handled as answered: its later partials are
   * dropped and nothing is left of it after the retention.
   */
  @Test
  void partialsThatCannotBeMergedAnswerTheirQueryAsFailedAndLeaveNothingBehind() throws Exception {
    harness.close();
    double[] w = new double[RankingFeatures.NAMES.size()];
    w[RankingFeatures.DENSE] = 1;
    w[RankingFeatures.BM25] = 1;
    RankingSettings ranking = new RankingSettings(true, 20, 100, new LinearFusion(w));
    MergePartials merge =
        new MergePartials(VERSION, TIMEOUT_MS, ranking, true).deadLettersFrom("shop-queries");
    harness = newHarness(merge);
    harness.open();
    harness.setProcessingTime(T0);
    SearchQuery fewer = new SearchQuery("q-fewer", "usb c cable", 4, null, 0, null);
    SearchQuery nan = new SearchQuery("q-nan", "usb c cable", 4, null, 0, null);
    SearchQuery late = new SearchQuery("q-timeout", "usb c cable", 4, null, 0, null);
    for (SearchQuery q : List.of(fewer, nan)) {
      int lex = ExpertRequest.lexical(q.queryId());
      int[] fanOut = {3, lex};
      double[] bad = q == fewer ? new double[2] : features(Double.NaN, 0);
      process(
          new PartialResult(
              q,
              3,
              fanOut,
              new RankedItem[] {item("d-1", 0.9f)},
              TS_IN,
              1,
              1,
              1,
              new double[][] {bad}));
      process(
          new PartialResult(
              q,
              lex,
              fanOut,
              new RankedItem[] {item("l-1", 0.3f)},
              TS_IN,
              1,
              1,
              1,
              new double[][] {features(0.3, 1.0)}));
    }
    int lex = ExpertRequest.lexical(late.queryId());
    process(
        new PartialResult(
            late,
            3,
            new int[] {3, 5, lex},
            new RankedItem[] {item("d-1", 0.9f)},
            TS_IN,
            1,
            1,
            1,
            new double[][] {new double[2]}));
    harness.setProcessingTime(T0 + TIMEOUT_MS);

    List<SearchResult> out = harness.extractOutputValues();
    assertThat(out)
        .extracting(SearchResult::queryId)
        .containsExactly("q-fewer", "q-nan", "q-timeout");
    assertThat(out)
        .allSatisfy(
            r -> {
              assertThat(r.items()).isEmpty();
              assertThat(r.partial()).isTrue();
              assertThat(r.answeredExperts()).isEmpty();
              assertThat(r.indexVersion()).isEqualTo(VERSION);
              assertThat(r.tsIn()).isEqualTo(TS_IN);
            });
    assertThat(out.get(2).experts()).containsExactly(3, 5);
    List<DeadLetter> dead =
        harness.getSideOutput(MergePartials.DEAD_LETTERS).stream()
            .map(StreamRecord::getValue)
            .toList();
    assertThat(dead).hasSize(3);
    assertThat(dead)
        .allSatisfy(
            d -> {
              assertThat(d.topic()).isEqualTo("shop-queries");
              assertThat(d.reason()).contains("merge-rerank");
              assertThat(new MessageJson().encodeDeadLetter(d).length)
                  .isLessThanOrEqualTo(DeadLetter.MAX_ENCODED_BYTES);
            });
    assertThat(harness.getSideOutput(MergePartials.FILLS))
        .as("never cached: released, so identical queries the cache holds back are computed")
        .extracting(r -> r.getValue().kind())
        .containsOnly(CacheFill.Kind.RELEASE);
    assertThat(merge.failures()).isEqualTo(3);

    // A replayed or late partial of a failed query is dropped like one of an answered query.
    process(
        new PartialResult(
            fewer,
            3,
            new int[] {3, ExpertRequest.lexical(fewer.queryId())},
            new RankedItem[] {item("d-1", 0.9f)},
            TS_IN,
            1,
            1,
            1,
            new double[][] {features(0.9, 0)}));
    process(
        new PartialResult(
            late,
            5,
            new int[] {3, 5, lex},
            new RankedItem[] {item("d-2", 0.9f)},
            TS_IN,
            1,
            1,
            1,
            new double[][] {features(0.9, 0)}));
    assertThat(merge.latePartialsDropped()).isEqualTo(2);
    assertNoStateOrTimersLeft();
  }

  /**
   * Two different queries sent under one id and accepted in the same millisecond (a client reusing
   * ids, a batch parsed at once) are merged apart: each is answered once with its own candidates,
   * instead of the first complete one taking the other's partials and the other never answered.
   */
  @Test
  void differentQueriesUnderOneIdAndMillisecondAreMergedApart() throws Exception {
    SearchQuery other = new SearchQuery(QUERY.queryId(), "garden hose", 4, null, 0, null);
    assertThat(MergePartials.key(fromExpert2()))
        .isNotEqualTo(MergePartials.key(partial(other, 7, new int[] {7}, 1.0, item("h-1", 0.9f))));
    process(fromExpert2());
    process(partial(other, 7, new int[] {7}, 1.0, item("h-1", 0.9f)));
    process(fromExpert0());
    process(fromExpert5());

    List<SearchResult> out = harness.extractOutputValues();
    assertThat(out).extracting(SearchResult::text).containsExactly("garden hose", "usb c cable");
    assertThat(out.get(0).items()).containsExactly(item("h-1", 0.9f));
    assertThat(out.get(0).experts()).containsExactly(7);
    assertThat(out.get(1).items()).containsExactlyElementsOf(EXPECTED_TOP4);
    assertThat(out).noneMatch(SearchResult::partial);
    assertNoStateOrTimersLeft();
  }

  /**
   * The fingerprint tells apart requests a client can make collide under a 32-bit polynomial hash
   * (a text one hash step up and a top_k 31 down), and any request differing in one field.
   */
  @Test
  void requestsThatCollideUnderAPolynomialHashHaveDifferentKeys() {
    SearchQuery aa = new SearchQuery("same-id", "aa", 40, null, 0, null);
    SearchQuery ab = new SearchQuery("same-id", "ab", 9, null, 0, null);
    assertThat(31 * "aa".hashCode() + 40).isEqualTo(31 * "ab".hashCode() + 9);
    assertThat(MergePartials.fingerprint(aa)).isNotEqualTo(MergePartials.fingerprint(ab));
    assertThat(MergePartials.fingerprint(aa))
        .isEqualTo(MergePartials.fingerprint(new SearchQuery("other-id", "aa", 40, null, 0, null)))
        .isNotEqualTo(
            MergePartials.fingerprint(new SearchQuery("same-id", "aa", 40, null, 0, null, true)))
        .isNotEqualTo(
            MergePartials.fingerprint(
                new SearchQuery(
                    "same-id", "aa", 40, new Filters(null, null, null, true), 0, null)));
  }

  /**
   * The dense floor a computed answer is cached with is sound: a new product scoring just below it
   * in one of the answer's experts (entering that expert's candidates if it beats its last) leaves
   * the fused top k exactly as it was, for seeded random candidates, features and fusion weights
   * (dense reciprocal ranks and agreement signals included); the dense list's cut raises the floor
   * above the experts' in most trials, and a product above the cut does change some answers.
   */
  @Test
  void aNewProductBelowTheDenseFloorCannotChangeTheAnswer() {
    java.util.Random random = new java.util.Random(42);
    int k = 4;
    int depth = io.moesearch.core.rank.HybridRanker.denseDepth(6, k);
    int raised = 0;
    int changedAboveTheCut = 0;
    for (int trial = 0; trial < 300; trial++) {
      double[] w = new double[RankingFeatures.NAMES.size()];
      for (int i = 0; i < w.length; i++) {
        w[i] = random.nextDouble() * 2 - 0.5;
      }
      LinearFusion model = new LinearFusion(w);
      List<PartialResult> partials = new java.util.ArrayList<>();
      int[] experts = {1, 2, 3, ExpertRequest.lexical("q")};
      for (int e = 0; e < experts.length; e++) {
        int n = 5;
        RankedItem[] items = new RankedItem[n];
        double[][] f = new double[n][];
        for (int i = 0; i < n; i++) {
          String id = "p-" + random.nextInt(12);
          double cosine = Math.round((random.nextDouble() * 1.1 - 0.2) * 1000) / 1000.0;
          f[i] = new double[w.length];
          for (int j = 0; j < w.length; j++) {
            f[i][j] = random.nextDouble();
          }
          f[i][RankingFeatures.DENSE] = cosine;
          items[i] = item(id, (float) cosine);
        }
        partials.add(
            new PartialResult(
                QUERY, experts[e], experts, dedup(items), TS_IN, 1, 1, 1, dedup(items, f)));
      }
      Float expertFloor = MergePartials.denseFloor(withFloors(partials));
      Float floor = MergePartials.denseFloor(withFloors(partials), depth);
      if (floor > expertFloor) {
        raised++;
      }
      List<String> before = fused(partials, model, depth, k);
      double[] pf = new double[w.length];
      for (int j = 0; j < w.length; j++) {
        pf[j] = random.nextDouble() * 5;
      }
      assertThat(fused(withNew(partials, floor - 1e-6, pf), model, depth, k))
          .as("trial %d: a new product just below the floor %s", trial, floor)
          .isEqualTo(before);
      if (!fused(withNew(partials, Math.min(1, floor + 0.05), pf), model, depth, k)
          .equals(before)) {
        changedAboveTheCut++;
      }
    }
    assertThat(raised).as("trials where the cut raised the floor").isGreaterThan(150);
    assertThat(changedAboveTheCut).as("answers a product above the floor changed").isPositive();
  }

  private static RankedItem[] dedup(RankedItem[] items) {
    java.util.LinkedHashMap<String, RankedItem> m = new java.util.LinkedHashMap<>();
    for (RankedItem i : items) {
      m.putIfAbsent(i.productId(), i);
    }
    return m.values().toArray(RankedItem[]::new);
  }

  private static double[][] dedup(RankedItem[] items, double[][] f) {
    java.util.LinkedHashMap<String, double[]> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < items.length; i++) {
      m.putIfAbsent(items[i].productId(), f[i]);
    }
    return m.values().toArray(double[][]::new);
  }

  /** Each dense partial with its expert's floor: its lowest cosine (its list is full). */
  private static List<PartialResult> withFloors(List<PartialResult> partials) {
    List<PartialResult> out = new java.util.ArrayList<>();
    for (PartialResult p : partials) {
      float floor = Float.POSITIVE_INFINITY;
      if (!ExpertRequest.isLexical(p.expert())) {
        for (RankedItem i : p.items()) {
          floor = Math.min(floor, i.score());
        }
      }
      out.add(
          new PartialResult(
              p.query(),
              p.expert(),
              p.experts(),
              p.items(),
              p.tsInMillis(),
              1,
              1,
              1,
              p.features(),
              false,
              null,
              io.moesearch.core.overload.DegradationLevel.NONE,
              true,
              0,
              floor));
    }
    return out;
  }

  /**
   * The partials with product "p-new" (cosine {@code c}) in expert 1's list if it beats its last.
   */
  private static List<PartialResult> withNew(List<PartialResult> partials, double c, double[] f) {
    List<PartialResult> out = new java.util.ArrayList<>(partials);
    PartialResult p = partials.get(0);
    int last = 0;
    for (int i = 1; i < p.items().length; i++) {
      if (p.items()[i].score() < p.items()[last].score()) {
        last = i;
      }
    }
    if (c > p.items()[last].score()) {
      RankedItem[] items = p.items().clone();
      double[][] features = p.features().clone();
      double[] nf = f.clone();
      nf[RankingFeatures.DENSE] = c;
      items[last] = item("p-new", (float) c);
      features[last] = nf;
      out.set(0, p.withItems(items, features));
    }
    return out;
  }

  /** The fused top k as {@code MergePartials} ranks hybrid partials: ids with their scores. */
  private static List<String> fused(
      List<PartialResult> partials, LinearFusion model, int depth, int k) {
    List<io.moesearch.core.rank.HybridRanker.Scored> dense = new java.util.ArrayList<>();
    List<io.moesearch.core.rank.HybridRanker.Scored> lexical = new java.util.ArrayList<>();
    for (PartialResult p : partials) {
      for (int i = 0; i < p.items().length; i++) {
        (ExpertRequest.isLexical(p.expert()) ? lexical : dense)
            .add(
                new io.moesearch.core.rank.HybridRanker.Scored(
                    p.items()[i].productId(), p.items()[i].title(), p.features()[i]));
      }
    }
    return io.moesearch.core.rank.HybridRanker.fuse(
            partials.get(0).query().text(), dense, lexical, model, depth, k)
        .stream()
        .map(s -> s.productId() + "=" + model.score(s.features()))
        .toList();
  }

  private static double[] features(double dense, double bm25) {
    double[] f = new double[RankingFeatures.NAMES.size()];
    f[RankingFeatures.DENSE] = dense;
    f[RankingFeatures.BM25] = bm25;
    return f;
  }
}
