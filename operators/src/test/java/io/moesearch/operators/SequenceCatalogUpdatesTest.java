package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.core.catalog.Product;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SequenceCatalogUpdatesTest {
  private KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, ProductUpdate> harness;

  private static KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, ProductUpdate>
      newHarness() throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new SequenceCatalogUpdates()),
            ProductUpdate::productId,
            Types.STRING));
  }

  @BeforeEach
  void setUp() throws Exception {
    harness = newHarness();
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static ProductUpdate upsert(String id) {
    return ProductUpdate.of(
        CatalogUpdate.upsert(new Product(id, "title " + id, "", "", "", 1.0, null), true, 1), 1);
  }

  private static ProductUpdate patch(String id) {
    return ProductUpdate.of(CatalogUpdate.patch(id, 2.0, null, 2), 1);
  }

  private void send(ProductUpdate u) throws Exception {
    harness.processElement(new StreamRecord<>(u));
  }

  private List<String> embedded() {
    return harness.extractOutputValues().stream().map(u -> u.productId() + "#" + u.seq()).toList();
  }

  private List<String> straight() {
    var out = harness.getSideOutput(SequenceCatalogUpdates.NO_EMBEDDING);
    return out == null
        ? List.of()
        : out.stream().map(r -> r.getValue().productId() + "#" + r.getValue().seq()).toList();
  }

  /**
   * Each product's updates are numbered from 1 in arrival order from its first upsert; only upserts
   * go to the model; a patch or delete before any upsert goes on unnumbered.
   */
  @Test
  void numbersEachProductsUpdatesAndSendsOnlyUpsertsToTheModel() throws Exception {
    send(upsert("a"));
    send(patch("a"));
    send(ProductUpdate.of(CatalogUpdate.delete("b", 3), 1));
    send(upsert("a"));
    send(upsert("b"));
    send(patch("b"));
    assertThat(embedded()).containsExactly("a#1", "a#3", "b#1");
    assertThat(straight()).containsExactly("a#2", "b#0", "b#2");
  }

  /**
   * Patches and deletes naming products never upserted (a flood of random ids) keep no state: the
   * keyed state holds one entry per upserted product only.
   */
  @Test
  void patchesAndDeletesOfProductsNeverUpsertedKeepNoState() throws Exception {
    for (int i = 0; i < 100; i++) {
      send(ProductUpdate.of(CatalogUpdate.delete("junk-" + i, 3), 1));
      send(patch("junk-x" + i));
    }
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(straight()).hasSize(200).allMatch(s -> s.endsWith("#0"));
    send(upsert("a"));
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
  }

  /** The numbering survives a restart from a snapshot, so a restored job never reuses a number. */
  @Test
  void numberingContinuesAfterARestore() throws Exception {
    send(upsert("a"));
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();
    harness = newHarness();
    harness.initializeState(snapshot);
    harness.open();
    send(patch("a"));
    assertThat(straight()).containsExactly("a#2");
  }
}
