package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.UpsertSignature;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Coherence across the two cache tasks: the hit path ({@link CacheHits}) and the lookup behind it
 * ({@link CacheLookup#behindHits}), which promotes its L2 answers to the hit path's L1 through the
 * fill topic.
 */
class PromotionCoherenceTest {
  private static final String VERSION = "idx-1";
  private static final CacheSettings SETTINGS =
      new CacheSettings(1000, 60_000, 60_000, 120_000, 500);
  private static final RankedItem[] ITEMS = {
    new RankedItem("p1", "Anker USB-C cable", 0.9f), new RankedItem("p2", "Belkin cable", 0.8f)
  };

  private BroadcastOperatorTestHarness<CacheInput, CatalogChange, SearchResult> hits;
  private KeyedBroadcastOperatorTestHarness<String, CacheInput, CatalogChange, SearchResult> lookup;

  @BeforeEach
  void setUp() throws Exception {
    hits = Harnesses.cacheHits(new CacheHits(VERSION, "model-a", SETTINGS, null, null, 0));
    lookup =
        Harnesses.withoutGenericTypes(
            new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                    new CacheLookup(VERSION, "model-a", SETTINGS).behindHits(),
                    List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
                CacheInput::key,
                Types.STRING,
                128,
                1,
                0));
    lookup.setup();
    lookup.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    hits.close();
    lookup.close();
  }

  private static CatalogChange oldUpsert(long at) {
    return new CatalogChange(
        "old",
        at,
        UpsertSignature.of(
            at,
            new int[] {9},
            new float[] {0, 1, 0},
            new Product("old", "garden hose", "", "", "", 1.0, null)),
        LivePatch.ofProduct(at, 1.0, true),
        0);
  }

  private static CacheFill fill(long computedAt) {
    return new CacheFill(
        CacheFill.Kind.RESULT,
        "usb cable",
        10,
        "",
        VERSION,
        ITEMS,
        new int[] {4},
        null,
        computedAt,
        0.5f,
        null,
        null);
  }

  private static AcceptedQuery query(String id) {
    return new AcceptedQuery(
        new SearchQuery(id, "usb cable", 10, null, 0, null, false), System.currentTimeMillis());
  }

  private void both(CatalogChange c) throws Exception {
    hits.processBroadcastElement(new StreamRecord<>(c));
    lookup.processBroadcastElement(new StreamRecord<>(c));
  }

  /**
   * A promotion carries the answer's computation date, not the date the lookup re-dated it to. Two
   * apply subtasks. The delete of p2 (subtask 1, idle before) reaches the hit path at once and is
   * recorded there at its stamp; on its way to the lookup it is held up (the case the late-change
   * rule is for). The lookup, which has heard only from subtask 0 lately, serves its L2 answer
   * (allowed: the delete has not reached it), re-dated past the delete's stamp in its own L1, and
   * promotes it dated at its computation, so the hit path, which holds the delete, drops it. (A
   * promotion carrying the re-dated date was taken, and p2 served from L1 until the entry expired;
   * found by an attack review.)
   */
  @Test
  void aPromotionDoesNotBringADeletedProductBackToTheHitPath() throws Exception {
    long now = System.currentTimeMillis();
    both(oldUpsert(now - 30_000)); // upserts are tracked (a catalogue with new products)
    CacheFill computed = fill(now - 20_000);
    hits.processElement(new StreamRecord<>(CacheInput.of(computed)));
    lookup.processElement(new StreamRecord<>(CacheInput.of(computed))); // forwarded: L2
    CatalogChange delete = new CatalogChange("p2", now - 8_000, null, null, 1);
    hits.processBroadcastElement(new StreamRecord<>(delete)); // reached the hit path
    // The lookup hears from subtask 0 (a price change elsewhere), not yet the delete.
    lookup.processBroadcastElement(
        new StreamRecord<>(
            new CatalogChange("z", now - 100, null, new LivePatch(now - 100, 3.0, true), 0)));
    hits.processBroadcastElement(
        new StreamRecord<>(
            new CatalogChange("z", now - 100, null, new LivePatch(now - 100, 3.0, true), 0)));

    // q1: the hit path's L1 entry is stale (p2 deleted): forwarded; the lookup serves L2.
    AcceptedQuery q1 = query("q1");
    hits.processElement(new StreamRecord<>(CacheInput.of(q1)));
    assertThat(hits.extractOutputValues()).as("hit path must not serve q1").isEmpty();
    lookup.processElement(new StreamRecord<>(CacheInput.of(q1)));
    var promoted = lookup.getSideOutput(CacheLookup.PROMOTIONS);
    assertThat(promoted).as("the lookup promoted its L2 answer").hasSize(1);
    CacheFill promotion = promoted.peek().getValue();
    assertThat(promotion.ts()).as("dated when computed").isEqualTo(now - 20_000);

    // The delete now reaches the lookup as well.
    lookup.processBroadcastElement(new StreamRecord<>(delete));
    // The promotion comes back through the fill topic to the hit path.
    hits.processElement(new StreamRecord<>(CacheInput.of(promotion)));

    // q2: the delete has been applied and has reached cache-hits and cache-lookup.
    hits.processElement(new StreamRecord<>(CacheInput.of(query("q2"))));
    List<SearchResult> served = hits.extractOutputValues();
    assertThat(served)
        .as("after the delete of p2 reached both cache operators, q2 must not show p2")
        .allSatisfy(
            r -> assertThat(r.items()).extracting(RankedItem::productId).doesNotContain("p2"));
  }
}
