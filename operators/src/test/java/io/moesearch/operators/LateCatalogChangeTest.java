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
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A catalogue change from an apply subtask the cache had not heard from lately, held up on its way
 * longer than the coherence margin, still reaches the answers re-dated meanwhile (found by an
 * adversarial review: the delete was recorded at its stamp, before the re-dated answer's window,
 * and the deleted product served until the entry expired).
 */
class LateCatalogChangeTest {
  private static final String VERSION = "idx-1";
  private static final CacheSettings SETTINGS =
      new CacheSettings(1000, 60_000, 60_000, 120_000, 500);
  private static final RankedItem[] ITEMS = {
    new RankedItem("p1", "Anker USB-C cable", 0.9f), new RankedItem("p2", "Belkin cable", 0.8f)
  };

  private BroadcastOperatorTestHarness<CacheInput, CatalogChange, SearchResult> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        Harnesses.withoutGenericTypes(
            new BroadcastOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(
                    new CacheHits(VERSION, "model-a", SETTINGS, null, null, 0),
                    List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
                128,
                1,
                0));
    harness.setup();
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void send(String id) throws Exception {
    harness.processElement(
        new StreamRecord<>(
            CacheInput.of(
                new AcceptedQuery(
                    new SearchQuery(id, "usb cable", 10, null, 0, null, false),
                    System.currentTimeMillis()))));
  }

  private void fill(long computedAt) throws Exception {
    harness.processElement(
        new StreamRecord<>(
            CacheInput.of(
                new CacheFill(
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
                    null))));
  }

  private void change(CatalogChange c) throws Exception {
    harness.processBroadcastElement(new StreamRecord<>(c));
  }

  private List<String> answered() {
    return harness.extractOutputValues().stream().map(SearchResult::queryId).toList();
  }

  /**
   * An entry served (and re-dated to the newest change of the only subtask heard from, less the
   * margin) is not served again after a delete of one of its items arrives from a subtask not heard
   * from in the last 10 s, applied after the entry was computed but before its new date.
   */
  @Test
  void aLateDeleteFromAnIdleSubtaskStillReachesAReDatedEntry() throws Exception {
    long now = System.currentTimeMillis();
    long computed = now - 20_000;
    // An old upsert (before the entry), so the entry is re-dated rather than kept at its date.
    change(
        new CatalogChange(
            "old",
            computed - 5_000,
            UpsertSignature.of(
                computed - 5_000,
                new int[] {9},
                new float[] {0, 1, 0},
                new Product("old", "garden hose", "", "", "", 1.0, null)),
            LivePatch.ofProduct(computed - 5_000, 1.0, true),
            0));
    fill(computed);
    change(new CatalogChange("z", now - 100, null, new LivePatch(now - 100, 3.0, true), 0));
    send("q1"); // served, re-dated to now - 2100 (subtask 0's newest change less the margin)
    // Source 1 deleted p2 six seconds ago, 14 s after the entry was computed; it arrives now.
    change(new CatalogChange("p2", now - 6_000, null, null, 1));
    send("q2");
    assertThat(answered()).as("q2 must not be served: p2 is deleted").containsExactly("q1");
  }

  /** The same sequence without the served q1 (no re-date): the entry is dropped too. */
  @Test
  void withoutAReDateTheLateDeleteDropsTheEntry() throws Exception {
    long now = System.currentTimeMillis();
    long computed = now - 20_000;
    change(
        new CatalogChange(
            "old",
            computed - 5_000,
            UpsertSignature.of(
                computed - 5_000,
                new int[] {9},
                new float[] {0, 1, 0},
                new Product("old", "garden hose", "", "", "", 1.0, null)),
            LivePatch.ofProduct(computed - 5_000, 1.0, true),
            0));
    fill(computed);
    change(new CatalogChange("z", now - 100, null, new LivePatch(now - 100, 3.0, true), 0));
    change(new CatalogChange("p2", now - 6_000, null, null, 1));
    send("q2");
    assertThat(answered()).isEmpty();
  }

  /** The same for a late upsert of a new product into the entry's expert (it may enter it). */
  @Test
  void aLateUpsertIntoTheEntrysExpertStillReachesAReDatedEntry() throws Exception {
    long now = System.currentTimeMillis();
    long computed = now - 20_000;
    // An old upsert (before the entry): upserts are tracked from then on.
    change(
        new CatalogChange(
            "old",
            computed - 5_000,
            UpsertSignature.of(
                computed - 5_000,
                new int[] {9},
                new float[] {0, 1, 0},
                new Product("old", "garden hose", "", "", "", 1.0, null)),
            LivePatch.ofProduct(computed - 5_000, 1.0, true),
            0));
    fill(computed);
    change(new CatalogChange("z", now - 100, null, new LivePatch(now - 100, 3.0, true), 0));
    send("q1"); // served, re-dated to now - 2100
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
    send("q2");
    assertThat(answered())
        .as("q2 must not be served: a new usb cable joined expert 4")
        .containsExactly("q1");
  }
}
