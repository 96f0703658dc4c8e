package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.UpsertSignature;
import java.util.List;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hit path in front of the lookup: L1 hits answered here without keyed state, everything else
 * (and every fill) forwarded, with the lookup's coherence rules.
 */
class CacheHitsTest {
  private static final String VERSION = "idx-1";
  private static final long T = System.currentTimeMillis() - 10_000;
  private static final CacheSettings SETTINGS =
      new CacheSettings(1000, 60_000, 60_000, 120_000, 500);
  private static final RankedItem[] ITEMS = {
    new RankedItem("p1", "Anker USB-C cable", 0.9f), new RankedItem("p2", "Belkin cable", 0.8f)
  };

  private BroadcastOperatorTestHarness<CacheInput, CatalogChange, SearchResult> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = Harnesses.cacheHits(new CacheHits(VERSION, "model-a", SETTINGS, null, null, 0));
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static AcceptedQuery query(String id, String text) {
    return query(id, text, null, false);
  }

  private static AcceptedQuery query(String id, String text, Filters filters, boolean explain) {
    return new AcceptedQuery(
        new SearchQuery(id, text, 10, filters, 0, null, explain), System.currentTimeMillis());
  }

  private static CacheFill fill(String text, String version, long computedAt, Float floor) {
    return new CacheFill(
        CacheFill.Kind.RESULT,
        text,
        10,
        "",
        version,
        ITEMS,
        new int[] {4},
        null,
        computedAt,
        floor,
        null,
        null);
  }

  private void send(AcceptedQuery q) throws Exception {
    harness.processElement(new StreamRecord<>(CacheInput.of(q)));
  }

  private void send(CacheFill f) throws Exception {
    harness.processElement(new StreamRecord<>(CacheInput.of(f)));
  }

  private void change(CatalogChange c) throws Exception {
    harness.processBroadcastElement(new StreamRecord<>(c));
  }

  private List<SearchResult> answers() {
    return harness.extractOutputValues();
  }

  /** Query ids and fill texts sent on to the lookup, in order. */
  private List<String> forwarded() {
    var out = harness.getSideOutput(CacheHits.FORWARD);
    return out == null
        ? List.of()
        : out.stream()
            .map(StreamRecord::getValue)
            .map(
                in ->
                    in.query() != null ? in.query().query().queryId() : "fill:" + in.fill().text())
            .toList();
  }

  @Test
  void aCachedResultIsAnsweredHereAndEverythingElseGoesToTheLookup() throws Exception {
    send(fill("usb cable", VERSION, T, 0.5f));
    send(query("q1", "usb cable"));
    send(query("q2", "hdmi cable"));
    send(query("q3", "usb cable", null, true)); // explanations are never served from the cache
    assertThat(answers())
        .extracting(SearchResult::queryId, SearchResult::cache)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("q1", SearchResult.CACHE_L1));
    assertThat(answers().get(0).items())
        .extracting(RankedItem::productId)
        .containsExactly("p1", "p2");
    assertThat(forwarded()).containsExactly("fill:usb cable", "q2", "q3");
  }

  @Test
  void aFillOfAnotherVersionIsForwardedButNotServed() throws Exception {
    send(fill("usb cable", "idx-0", T, 0.5f));
    send(query("q1", "usb cable"));
    assertThat(answers()).isEmpty();
    assertThat(forwarded()).containsExactly("fill:usb cable", "q1");
  }

  @Test
  void aFillRankedWithOtherSettingsIsForwardedButNotServed() throws Exception {
    harness.close();
    harness =
        Harnesses.withoutGenericTypes(
            new BroadcastOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(
                    new CacheHits(VERSION, "model-a", SETTINGS, null, null, 0).rankedBy("rAAAA"),
                    List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
                128,
                1,
                0));
    harness.setup();
    harness.open();
    send(fill("usb cable", CacheFill.resultVersion(VERSION, "rBBBB"), T, 0.5f));
    send(query("q1", "usb cable"));
    assertThat(answers()).isEmpty();
    send(fill("usb cable", CacheFill.resultVersion(VERSION, "rAAAA"), T, 0.5f));
    send(query("q2", "usb cable"));
    assertThat(answers())
        .extracting(SearchResult::queryId, SearchResult::indexVersion)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("q2", VERSION));
    assertThat(forwarded()).containsExactly("fill:usb cable", "q1", "fill:usb cable");
  }

  @Test
  void anEntryWithADeletedItemIsDroppedAndTheQueryForwarded() throws Exception {
    send(fill("usb cable", VERSION, T, 0.5f));
    change(new CatalogChange("p2", T + 500, null, null));
    send(query("q1", "usb cable"));
    send(query("q2", "usb cable"));
    assertThat(answers()).isEmpty();
    assertThat(forwarded()).containsExactly("fill:usb cable", "q1", "q2");
  }

  @Test
  void aPatchedItemIsServedWithItsLivePriceOrNotAtAllWhenItFailsTheFilter() throws Exception {
    send(fill("usb cable", VERSION, T, 0.5f));
    change(new CatalogChange("p1", T + 500, null, new LivePatch(T + 500, 7.5, false)));
    send(query("q1", "usb cable"));
    send(query("q2", "usb cable", new Filters(null, null, null, true), false));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(answers().get(0).items()[0].price()).isEqualTo(7.5);
    assertThat(forwarded()).containsExactly("fill:usb cable", "q2");
  }

  /**
   * A product upserted into one of the entry's experts can only be judged with the query's
   * embedding; without it here, the hit path leaves that query to the lookup and keeps the entry.
   */
  @Test
  void anEntryOnlyTheQueryEmbeddingCanCheckIsLeftToTheLookup() throws Exception {
    send(fill("usb cable", VERSION, T, 0.5f));
    change(
        new CatalogChange(
            "new-1",
            T + 500,
            UpsertSignature.of(
                T + 500,
                new int[] {4},
                new float[] {0, 1, 0},
                new Product("new-1", "garden hose", "", "", "", 1.0, null)),
            null));
    send(query("q1", "usb cable"));
    assertThat(answers()).isEmpty();
    assertThat(forwarded()).containsExactly("fill:usb cable", "q1");
  }

  /**
   * With the text's embedding at hand (its embedding fill passes here too), an upsert into one of
   * the entry's experts is judged here: a product its dense branch would not return leaves the
   * entry served, one it would return drops it.
   */
  @Test
  void withTheQueryEmbeddingAnUpsertIntoItsExpertsIsJudgedHere() throws Exception {
    send(CacheFill.embedding("usb cable", "model-a", new float[] {1, 0, 0}));
    send(fill("usb cable", VERSION, T, 0.5f));
    change(upsertInto4("far-1", new float[] {0, 1, 0}, "garden hose"));
    send(query("q1", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    change(upsertInto4("near-1", new float[] {1, 0, 0}, "garden hose"));
    send(query("q2", "usb cable"));
    send(query("q3", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(forwarded()).containsExactly("fill:usb cable", "fill:usb cable", "q2", "q3");
  }

  /**
   * The job's one fill per computed query, a result carrying its query embedding, gives the hit
   * path the embedding too: an upsert into one of the entry's experts is judged here, as with an
   * embedding fill of its own.
   */
  @Test
  void aResultFillCarryingItsEmbeddingLetsTheHitPathJudgeAnUpsertIntoItsExperts() throws Exception {
    send(fill("usb cable", VERSION, T, 0.5f).withEmbedding("model-a", new float[] {1, 0, 0}));
    change(upsertInto4("far-1", new float[] {0, 1, 0}, "garden hose"));
    send(query("q1", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    change(upsertInto4("near-1", new float[] {1, 0, 0}, "garden hose"));
    send(query("q2", "usb cable"));
    assertThat(answers()).extracting(SearchResult::queryId).containsExactly("q1");
    assertThat(forwarded()).containsExactly("fill:usb cable", "q2");
  }

  /**
   * As in the job: the hit path in front of the lookup (behind it), the fills reaching the lookup
   * through the hit path. One result fill carrying the query embedding answers a later identical
   * query here, and a later query with the same text and another {@code top_k} or filter is
   * computed from the embedding the lookup took from that fill, without the model.
   */
  @Test
  void oneCombinedFillAnswersTheTextHereAndSparesTheModelItsOtherVariants() throws Exception {
    float[] v = {0.6f, 0.8f};
    try (var lookup =
        Harnesses.withoutGenericTypes(
            new org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
                    new CacheLookup(VERSION, "model-a", SETTINGS).behindHits(),
                    List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
                CacheInput::key,
                org.apache.flink.api.common.typeinfo.Types.STRING,
                128,
                1,
                0))) {
      lookup.open();
      send(fill("usb cable", VERSION, T, 0.5f).withEmbedding("model-a", v));
      send(query("q1", "USB cable"));
      send(
          new AcceptedQuery(
              new SearchQuery("q2", "usb cable", 5, null, 0, null), System.currentTimeMillis()));
      send(query("q3", "usb cable", new Filters(new String[] {"anker"}, null, null), false));
      for (var forwarded : harness.getSideOutput(CacheHits.FORWARD)) {
        lookup.processElement(new StreamRecord<>(forwarded.getValue()));
      }
      assertThat(answers())
          .extracting(SearchResult::queryId, SearchResult::cache)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("q1", SearchResult.CACHE_L1));
      assertThat(lookup.extractOutputValues()).isEmpty();
      assertThat(lookup.getSideOutput(CacheLookup.MISSES)).as("nothing sent to the model").isNull();
      assertThat(lookup.getSideOutput(CacheLookup.EMBEDDED))
          .extracting(r -> r.getValue().query().queryId(), r -> r.getValue().vector())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("q2", v),
              org.assertj.core.groups.Tuple.tuple("q3", v));
    }
  }

  private static CatalogChange upsertInto4(String id, float[] vector, String title) {
    return new CatalogChange(
        id,
        T + 500,
        UpsertSignature.of(
            T + 500, new int[] {4}, vector, new Product(id, title, "", "", "", 1.0, null)),
        null);
  }

  @Test
  void itRefusesMissingSettings() {
    assertThatThrownBy(() -> new CacheHits(" ", "m", SETTINGS, null, null, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CacheHits(VERSION, "m", null, null, null, 0))
        .hasMessageContaining("settings");
    assertThatThrownBy(() -> new CacheHits(VERSION, "m", SETTINGS, null, "/idx", 1000))
        .hasMessageContaining("watching");
  }

  /**
   * An upsert applied before an entry computed at {@code computed}: upserts are tracked from it.
   */
  private void upsertBefore(long computed) throws Exception {
    long at = computed - 5_000;
    change(
        new CatalogChange(
            "old",
            at,
            UpsertSignature.of(
                at,
                new int[] {9},
                new float[] {0, 1, 0},
                new Product("old", "garden hose", "", "", "", 1.0, null)),
            LivePatch.ofProduct(at, 1.0, true),
            0));
  }

  /**
   * An answer for "usb cable" computed 20 s before {@code now} (after an older upsert, so upserts
   * are tracked), then a patch of another product by apply subtask 0 100 ms before {@code now}.
   */
  private void cachedBeforeARecentChange(long now) throws Exception {
    long computed = now - 20_000;
    upsertBefore(computed);
    send(fill("usb cable", VERSION, computed, 0.5f));
    change(new CatalogChange("z", now - 100, null, new LivePatch(now - 100, 3.0, true), 0));
  }

  private List<String> answered() {
    return answers().stream().map(SearchResult::queryId).toList();
  }

  /**
   * A catalogue change from an apply subtask the cache had not heard from lately, held up on its
   * way longer than the coherence margin, still reaches the entries re-dated meanwhile: an entry
   * served (and re-dated to the newest change of the only subtask heard from, less the margin) is
   * not served again once a delete of one of its items arrives, applied after the entry was
   * computed but before its new date. The delete was recorded at its stamp, before the re-dated
   * entry's window, and the deleted product served until the entry expired (found by an adversarial
   * review).
   */
  @Test
  void aLateDeleteFromAnIdleSubtaskStillReachesAReDatedEntry() throws Exception {
    long now = System.currentTimeMillis();
    cachedBeforeARecentChange(now);
    send(query("q1", "usb cable")); // served, re-dated to now - 2100
    change(new CatalogChange("p2", now - 6_000, null, null, 1)); // subtask 1, idle until now
    send(query("q2", "usb cable"));
    assertThat(answered()).as("q2 must not be served: p2 is deleted").containsExactly("q1");
  }

  /** The same sequence without the served q1 (no re-date): the late delete drops the entry too. */
  @Test
  void withoutAReDateALateDeleteDropsTheEntry() throws Exception {
    long now = System.currentTimeMillis();
    cachedBeforeARecentChange(now);
    change(new CatalogChange("p2", now - 6_000, null, null, 1));
    send(query("q2", "usb cable"));
    assertThat(answered()).isEmpty();
  }

  /** The same for a late upsert of a new product into the entry's expert (it may enter it). */
  @Test
  void aLateUpsertIntoTheEntrysExpertStillReachesAReDatedEntry() throws Exception {
    long now = System.currentTimeMillis();
    cachedBeforeARecentChange(now);
    send(query("q1", "usb cable")); // served, re-dated to now - 2100
    change(
        new CatalogChange(
            "new",
            now - 6_000,
            UpsertSignature.of(
                now - 6_000,
                new int[] {4},
                new float[] {1, 0, 0},
                new Product("new", "usb cable", "Anker", "", "", 2.0, null)),
            LivePatch.ofProduct(now - 6_000, 2.0, true),
            1));
    send(query("q2", "usb cable"));
    assertThat(answered())
        .as("q2 must not be served: a new usb cable joined expert 4")
        .containsExactly("q1");
  }

  /**
   * The same for an answer the lookup re-dated and promoted to this L1 (a fill dated with its new
   * date): a late delete of one of its items still drops it, although this instance re-dated
   * nothing itself (found in review).
   */
  @Test
  void aLateDeleteStillReachesAnAnswerTheLookupReDatedAndPromoted() throws Exception {
    long now = System.currentTimeMillis();
    upsertBefore(now - 20_000);
    send(fill("usb cable", VERSION, now - 2_100, 0.5f)); // a promotion, re-dated by the lookup
    change(new CatalogChange("p2", now - 6_000, null, null, 1)); // late, from an idle subtask
    send(query("q1", "usb cable"));
    assertThat(answered()).as("q1 must not be served: p2 is deleted").isEmpty();
  }

  /**
   * An answer served again and again while the catalogue keeps changing still expires from L1 its
   * TTL after it was cached: each hit re-dates it, and re-putting it restarted its lifetime, so a
   * hot answer to an {@code in_stock} query never showed a product back in stock (found by an
   * adversarial review).
   */
  @Test
  void aHotAnswerReDatedOnEveryHitStillExpiresAfterItsTtl() throws Exception {
    harness.close();
    long ttl = 1_000;
    harness =
        Harnesses.withoutGenericTypes(
            new BroadcastOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(
                    new CacheHits(
                        VERSION,
                        "model-a",
                        new CacheSettings(1000, ttl, 60_000, 120_000, 500),
                        null,
                        null,
                        0),
                    List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
                128,
                1,
                0));
    harness.setup();
    harness.open();
    long now = System.currentTimeMillis();
    upsertBefore(now - 5_000);
    send(fill("usb cable", VERSION, now - 5_000, 0.5f));
    long cached = System.currentTimeMillis();
    List<String> late = new java.util.ArrayList<>();
    for (int i = 0; System.currentTimeMillis() - cached < 3 * ttl; i++) {
      long t = System.currentTimeMillis();
      // Another product's price changes between hits: every hit re-dates the answer.
      change(new CatalogChange("other-" + i, t, null, new LivePatch(t, 5.0, true), 0));
      send(query("q" + i, "usb cable"));
      if (t - cached > ttl) {
        late.add("q" + i);
      }
      Thread.sleep(ttl / 5);
    }
    assertThat(late).isNotEmpty();
    assertThat(answered())
        .as("re-dated hits served from L1")
        .isNotEmpty()
        .doesNotContainAnyElementsOf(late);
  }
}
