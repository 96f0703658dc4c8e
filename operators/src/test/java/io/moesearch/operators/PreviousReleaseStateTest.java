package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.live.DeltaEntry;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * State written by the previous release (its records as they were then, their serializers'
 * snapshots) is restored by this build and read by its rule: what a user's upgrade from a savepoint
 * does. A record kept in state whose new field or tighter check the old state cannot be read back
 * into fails here ({@code src/test/resources/previous-release-state/README.md}).
 */
class PreviousReleaseStateTest extends SmallIndexTestBase {
  private static final String STATE = "src/test/resources/previous-release-state/";
  private static final Product FRESH =
      new Product("compat-new", "qqzy cast iron skillet", "Quuxco", "CI-9", "", 10.0, null);

  private static <K> KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, K> restored(
      org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, ProductUpdate, K> fn,
      String file)
      throws Exception {
    var h =
        Harnesses.withoutGenericTypes(
            new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), ProductUpdate::productId, Types.STRING));
    h.setup();
    h.initializeState(OperatorSnapshotUtil.readStateHandle(STATE + file));
    h.open();
    return h;
  }

  private static List<SlotDelta> send(
      KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> h, ProductUpdate u)
      throws Exception {
    int before = h.extractOutputValues().size();
    h.processElement(new StreamRecord<>(u));
    List<SlotDelta> out = h.extractOutputValues();
    return List.copyOf(out.subList(before, out.size()));
  }

  @Test
  void theCatalogueAppliersStateIsReadBackAndDecidesAsBefore() throws Exception {
    try (var apply =
        restored(new ApplyCatalogUpdates(dir.toString()), "apply-catalog-updates.snapshot")) {
      String p0 = catalog.products().get(0).id();
      String p1 = catalog.products().get(1).id();
      assertThat(
              send(
                  apply,
                  ProductUpdate.of(CatalogUpdate.upsert(FRESH, true, 50), 1)
                      .withVector(embedder.embed(FRESH.searchableText()))))
          .as("older than the restored upsert")
          .isEmpty();
      List<SlotDelta> patched =
          send(apply, ProductUpdate.of(CatalogUpdate.patch("compat-new", 12.0, null, 110), 1));
      assertThat(patched).isNotEmpty();
      DeltaEntry live =
          patched.stream()
              .map(SlotDelta::entry)
              .filter(e -> e.kind() == DeltaEntry.Kind.LIVE)
              .findFirst()
              .orElseThrow();
      assertThat(live.title()).as("the restored text kept").isEqualTo(FRESH.title());
      assertThat(live.price()).isEqualTo(12.0);
      assertThat(live.ts()).isGreaterThanOrEqualTo(110);

      assertThat(send(apply, ProductUpdate.of(CatalogUpdate.patch(p1, 2.0, true, 140), 1)))
          .as("older than the restored patch")
          .isEmpty();
      Product relisted = catalog.products().get(0);
      List<SlotDelta> back =
          send(
              apply,
              ProductUpdate.of(CatalogUpdate.upsert(relisted, true, 220), 1)
                  .withVector(embedder.embed(relisted.searchableText())));
      assertThat(back)
          .as("a re-listing after the restored delete takes the newer kept patch's price")
          .filteredOn(d -> d.entry().kind() == DeltaEntry.Kind.LIVE)
          .isNotEmpty()
          .allSatisfy(d -> assertThat(d.entry().price()).isEqualTo(9.0));
      assertThat(back.get(0).entry().productId()).isEqualTo(p0);
    }
  }

  @Test
  void theSequencersNumberingContinues() throws Exception {
    try (var seq = restored(new SequenceCatalogUpdates(), "sequence-catalog-updates.snapshot")) {
      seq.processElement(
          new StreamRecord<>(
              ProductUpdate.of(CatalogUpdate.patch("compat-new", 13.0, null, 130), 1)));
      assertThat(seq.getSideOutput(SequenceCatalogUpdates.NO_EMBEDDING))
          .extracting(r -> r.getValue().seq())
          .containsExactly(3L);
    }
  }
}
