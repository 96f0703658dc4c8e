package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.CatalogUpdateCodec;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.artifact.ArtifactException;
import io.moesearch.core.artifact.GateVersionWriter;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexCompaction;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.artifact.ServingVersions;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.core.live.DeltaEntry;
import io.moesearch.core.live.LivePatch;
import io.moesearch.core.live.RecentMax;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.testing.SmallIndex;
import io.moesearch.core.util.Files2;
import io.moesearch.state.StateDescriptors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live catalogue's two operators on a small real index: {@link ApplyCatalogUpdates} (order by
 * ts, stale ignored, delete then upsert, fan-out to the assigned experts, state restored from a
 * snapshot) and the delta inside {@link ExpertRetrieval} (a deleted product is never returned, a
 * new one is found by its text, live price and stock, the delta restored from a snapshot).
 */
class LiveCatalogTest extends SmallIndexTestBase {

  private KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> apply;
  private KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult>
      retrieval;

  private static KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> newApply()
      throws Exception {
    return newApply(dir);
  }

  /** An applier on {@code version}, without state. */
  private static KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> newApply(
      Path version) throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ApplyCatalogUpdates(version.toString())),
            ProductUpdate::productId,
            Types.STRING));
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          Integer, ExpertRequest, SlotDelta, PartialResult>
      newRetrieval() throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(
                new ExpertRetrieval(
                    dir.toString(), 3, new RankingSettings(true, 20, 50, LinearFusion.rrf()))),
            ExpertRequest::slot,
            SlotDelta::slot,
            Types.INT));
  }

  @BeforeEach
  void setUp() throws Exception {
    apply = newApply();
    apply.open();
    retrieval = newRetrieval();
    retrieval.open();
    retrieval.setProcessingTime(1_000);
  }

  @AfterEach
  void tearDown() throws Exception {
    apply.close();
    retrieval.close();
  }

  private static ProductUpdate upsert(Product p, Boolean inStock, long ts) {
    return ProductUpdate.of(CatalogUpdate.upsert(p, inStock, ts), 1)
        .withVector(embedder.embed(p.searchableText()));
  }

  private static ProductUpdate patch(String id, Double price, Boolean inStock, long ts) {
    return ProductUpdate.of(CatalogUpdate.patch(id, price, inStock, ts), 1);
  }

  private static ProductUpdate delete(String id, long ts) {
    return ProductUpdate.of(CatalogUpdate.delete(id, ts), 1);
  }

  /** Applies one update and forwards its slot deltas to the retrieval operator. */
  private List<SlotDelta> send(ProductUpdate u) throws Exception {
    int before = apply.extractOutputValues().size();
    apply.processElement(new StreamRecord<>(u));
    List<SlotDelta> out = apply.extractOutputValues();
    List<SlotDelta> fresh = List.copyOf(out.subList(before, out.size()));
    for (SlotDelta d : fresh) {
      retrieval.processElement2(new StreamRecord<>(d));
    }
    return fresh;
  }

  private PartialResult search(String text, int slot, Filters filters) throws Exception {
    return search(text, slot, filters, 0);
  }

  private PartialResult search(String text, int slot, Filters filters, long acceptedAt)
      throws Exception {
    SearchQuery q = new SearchQuery("q" + text.hashCode(), text, 10, filters, 0, null);
    int expert = slot;
    ExpertRequest r =
        new ExpertRequest(q, embedder.embed(text), expert, new int[] {expert}, acceptedAt, 0, 0);
    int before = retrieval.extractOutputValues().size();
    retrieval.processElement1(new StreamRecord<>(r));
    return retrieval.extractOutputValues().get(before);
  }

  private static List<String> ids(PartialResult p) {
    return Arrays.stream(p.items()).map(RankedItem::productId).toList();
  }

  private static int[] expertsOf(String text) {
    var g = artifact.manifest().gate();
    return new ExpertAssigner(artifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies())
        .assign(embedder.embed(text));
  }

  /**
   * An upsert's trade item numbers reach the live delta through the job's flat update: the BM25
   * branch finds the product by its EAN typed as a UPC-A, and still after a price patch.
   */
  @Test
  void anUpsertIsFoundByItsBarcodeAlsoAfterAPatch() throws Exception {
    Product p =
        new Product(
            "new-ean",
            "zyxwq steam iron",
            "Quuxco",
            "SI2",
            "",
            19.0,
            Map.of("ean", "0036000291452"));
    send(upsert(p, null, 10));
    assertThat(ids(search("036000291452", ExpertRequest.lexical("x"), null)))
        .containsExactly("new-ean");
    send(patch("new-ean", 17.0, null, 11));
    assertThat(ids(search("0036000291452", ExpertRequest.lexical("y"), null)))
        .containsExactly("new-ean");
  }

  @Test
  void anUpsertGoesToItsExpertsAndTheLexicalShardsAndIsHiddenElsewhere() throws Exception {
    Product p = new Product("new-1", "zyxwq turbo blender 900", "Quuxco", "TB900", "", 49.0, null);
    List<SlotDelta> out = send(upsert(p, null, 10));
    Set<Integer> experts =
        Arrays.stream(expertsOf(p.searchableText())).boxed().collect(Collectors.toSet());
    assertThat(out).hasSize(EXPERTS + ExpertRequest.LEXICAL_SHARDS);
    for (SlotDelta d : out) {
      boolean holds = d.slot() < 0 || experts.contains(d.slot());
      assertThat(d.entry().kind())
          .as("slot " + d.slot())
          .isEqualTo(holds ? DeltaEntry.Kind.LIVE : DeltaEntry.Kind.HIDDEN);
    }
    int home = expertsOf(p.searchableText())[0];
    PartialResult dense = search("zyxwq turbo blender 900", home, null);
    assertThat(ids(dense)).first().isEqualTo("new-1");
    assertThat(dense.items()[0].price()).isEqualTo(49.0);
    assertThat(dense.items()[0].inStock()).isTrue();
    assertThat(ids(search("zyxwq", ExpertRequest.lexical("x"), null)))
        .as("the BM25 branch finds it by its text")
        .containsExactly("new-1");
    // The query cache learns of it with its terms' IDFs in the served version's lexical index.
    var upserted =
        List.copyOf(apply.getSideOutput(ApplyCatalogUpdates.CHANGES)).getLast().getValue().upsert();
    assertThat(upserted.bm25Version()).isEqualTo(artifact.version());
    String title = "zyxwq turbo blender 900";
    PartialResult lexical = search(title, ExpertRequest.lexical("y"), null);
    assertThat(ids(lexical)).contains("new-1");
    assertThat(
            upserted.mayEnterLexically(
                UpsertSignature.queryTerms(title), lexical.floor(), artifact.version()))
        .as("in the answer's lexical hits: its bound reaches their floor")
        .isTrue();
    for (int e = 0; e < EXPERTS; e++) {
      if (!experts.contains(e)) {
        assertThat(ids(search("zyxwq turbo blender 900", e, null))).doesNotContain("new-1");
      }
    }
  }

  /**
   * An update goes at once only to the expert slots that may hold its product, and to the lexical
   * shards: an artifact product whose text changed goes upserted to its new experts' slots and
   * hidden to those whose artifact index holds it; every other expert slot gets its entry in bulk
   * (one record per slot, every {@link ApplyCatalogUpdatesOperator#BULK_INTERVAL_MS} ms, and before
   * a checkpoint barrier). Before, each update went to every slot at once (144 records with the
   * shipped index), and the retrieval task, which reads its two inputs in turn, applied them one
   * per request under load.
   */
  @Test
  void anUpdateGoesAtOnceOnlyToTheSlotsThatMayHoldItsProductAndInBulkToTheRest() throws Exception {
    apply.close();
    apply =
        Harnesses.withoutGenericTypes(
            new KeyedOneInputStreamOperatorTestHarness<>(
                new ApplyCatalogUpdatesOperator(new ApplyCatalogUpdates(dir.toString())),
                ProductUpdate::productId,
                Types.STRING));
    apply.open();
    Product original = catalog.products().get(0);
    String id = original.id();
    assertThat(artifact.ids().get(0)).isEqualTo(id);
    int[][] members = io.moesearch.core.artifact.IndexBuilder.readMembers(artifact.dir());
    Set<Integer> home = new java.util.TreeSet<>();
    for (int e = 0; e < members.length; e++) {
      if (Arrays.stream(members[e]).anyMatch(ord -> ord == 0)) {
        home.add(e);
      }
    }
    assertThat(home).as("the artifact places it").isNotEmpty();
    Product moved = new Product(id, "qqzzv hovercraft skates deluxe", "Zed", "HS1", "", 12.0, null);
    Set<Integer> live =
        Arrays.stream(expertsOf(moved.searchableText())).boxed().collect(Collectors.toSet());
    Set<Integer> mayHold = new java.util.TreeSet<>(home);
    mayHold.addAll(live);
    assertThat(mayHold)
        .as("a product the change moves: a slot that holds none of it")
        .hasSizeLessThan(EXPERTS);

    List<SlotDelta> now = send(upsert(moved, null, 10));
    assertThat(now.stream().filter(d -> d.slot() < 0)).hasSize(ExpertRequest.LEXICAL_SHARDS);
    assertThat(now.stream().filter(d -> d.slot() >= 0).map(SlotDelta::slot))
        .as("at once: its artifact experts' slots and its new ones, nothing else")
        .containsExactlyInAnyOrderElementsOf(mayHold);
    for (SlotDelta d : now) {
      if (d.slot() >= 0) {
        assertThat(d.entry().kind())
            .as("slot " + d.slot())
            .isEqualTo(live.contains(d.slot()) ? DeltaEntry.Kind.LIVE : DeltaEntry.Kind.HIDDEN);
      }
    }
    for (int e : home) {
      if (!live.contains(e)) {
        assertThat(ids(search(original.title(), e, null)))
            .as("hidden at once where the artifact holds it")
            .doesNotContain(id);
      }
    }

    List<SlotDelta> bulk =
        forwardNew(() -> apply.setProcessingTime(ApplyCatalogUpdatesOperator.BULK_INTERVAL_MS));
    Set<Integer> rest = new java.util.TreeSet<>();
    for (int e = 0; e < EXPERTS; e++) {
      if (!mayHold.contains(e)) {
        rest.add(e);
      }
    }
    assertThat(bulk)
        .extracting(SlotDelta::slot)
        .as("then every other expert slot, one record each")
        .containsExactlyElementsOf(rest);
    assertThat(bulk)
        .allSatisfy(
            d ->
                assertThat(d.entries())
                    .extracting(DeltaEntry::kind, DeltaEntry::productId)
                    .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(DeltaEntry.Kind.HIDDEN, id)));

    List<SlotDelta> deleted = send(delete(id, 20));
    assertThat(deleted.stream().filter(d -> d.slot() >= 0).map(SlotDelta::slot))
        .as("a delete reaches at once the artifact's slots and those it was upserted into")
        .containsExactlyInAnyOrderElementsOf(mayHold);
    assertThat(deleted).allMatch(d -> d.entry().kind() == DeltaEntry.Kind.HIDDEN);
    for (int e : live) {
      assertThat(ids(search(moved.title(), e, null))).doesNotContain(id);
    }
    assertThat(forwardNew(() -> apply.prepareSnapshotPreBarrier(2)))
        .extracting(SlotDelta::slot)
        .as("a checkpoint barrier sends the gathered entries first")
        .containsExactlyElementsOf(rest);
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Runs {@code step} and forwards what the apply emitted meanwhile to the retrieval. */
  private List<SlotDelta> forwardNew(Step step) throws Exception {
    int before = apply.extractOutputValues().size();
    step.run();
    List<SlotDelta> out = apply.extractOutputValues();
    List<SlotDelta> fresh = List.copyOf(out.subList(before, out.size()));
    for (SlotDelta d : fresh) {
      retrieval.processElement2(new StreamRecord<>(d));
    }
    return fresh;
  }

  /**
   * Every change but a delete tells the cache and the merge the product's live price and stock:
   * also an upsert, and a patch of an upserted product (which keeps its upsert signature: its text
   * is the upsert's). Before, those carried no live values, so the merge's fence let a slot that
   * had not applied them serve the old price or stock.
   */
  /**
   * The live brand broadcast with an upsert to every cache and merge subtask (and kept in their
   * state) is bounded by what a filter can name: 16,000 × U+FDFA (48 KB on the wire) is 288,000
   * characters in normal form, longer than any brand filter, so it goes as no brand.
   */
  @Test
  void aBrandNoFilterCanNameIsBroadcastAsNone() throws Exception {
    String brand = "\ufdfa".repeat(16_000);
    send(upsert(new Product("new-9", "qwzzy kettle", brand, "", "", 9.0, null), null, 10));
    LivePatch live =
        List.copyOf(apply.getSideOutput(ApplyCatalogUpdates.CHANGES)).getLast().getValue().patch();
    assertThat(live.brand()).isEmpty();
    assertThat(live.passesBrands(new String[] {"\ufdfa"})).isFalse();
  }

  @Test
  void everyChangeButADeleteCarriesTheLivePriceAndStock() throws Exception {
    Product p = new Product("new-2", "qwzzy kettle 1.7 l", "Quuxco", "KT17", "", 30.0, null);
    send(upsert(p, null, 10));
    send(patch("new-2", 25.0, false, 11));
    send(delete("new-2", 12));
    List<CatalogChange> changes =
        apply.getSideOutput(ApplyCatalogUpdates.CHANGES).stream()
            .map(StreamRecord::getValue)
            .toList();
    assertThat(changes).hasSize(3);
    assertThat(changes.get(0).upsert()).isNotNull();
    assertThat(changes.get(0).patch())
        .extracting(LivePatch::price, LivePatch::inStock, LivePatch::brand)
        .containsExactly(30.0, true, "quuxco");
    assertThat(changes.get(1).upsert()).as("the upserted text still describes it").isNotNull();
    assertThat(changes.get(1).patch())
        .extracting(LivePatch::price, LivePatch::inStock, LivePatch::brand)
        .containsExactly(25.0, false, "quuxco");
    assertThat(changes.get(2).upsert()).isNull();
    assertThat(changes.get(2).patch()).isNull();

    // Without a price: an upserted product has none; a patch of a catalogue product keeps its own.
    send(upsert(new Product("new-3", "qwzzy toaster", "Quuxco", "TS2", "", null, null), null, 20));
    Product base = catalog.products().get(0);
    send(patch(base.id(), null, false, 21));
    List<LivePatch> more =
        apply.getSideOutput(ApplyCatalogUpdates.CHANGES).stream()
            .skip(3)
            .map(r -> r.getValue().patch())
            .toList();
    assertThat(more)
        .extracting(lp -> lp.priceOver(12.5))
        .as("the price served for an item ranked at 12.5")
        .containsExactly(null, 12.5);
  }

  /**
   * A patch of a catalogue product says which filters it may let the product newly pass: back in
   * stock after a stock-out, a new price (any price at its first patch: the catalogue's is not
   * known there); a stock-out, the same price again and a patch of an upserted product widen
   * nothing.
   */
  @Test
  void aPatchSaysWhichFiltersItMayLetItsProductNewlyPass() throws Exception {
    String id = catalog.products().get(1).id();
    send(patch(id, null, false, 30)); // out of stock
    send(patch(id, null, true, 31)); // back in stock
    send(patch(id, 9.5, null, 32)); // a price
    send(patch(id, 9.5, null, 33)); // the same price
    send(patch(id, 8.0, false, 34)); // a price, out of stock
    send(upsert(new Product("new-9", "qwzzy kettle", "Quuxco", "K9", "", 30.0, null), null, 40));
    send(patch("new-9", 20.0, true, 41));
    assertThat(
            apply.getSideOutput(ApplyCatalogUpdates.CHANGES).stream()
                .map(r -> r.getValue().widens())
                .toList())
        .containsExactly(
            0,
            CatalogChange.WIDENS_STOCK,
            CatalogChange.WIDENS_PRICE,
            0,
            CatalogChange.WIDENS_PRICE,
            0,
            0);
  }

  /**
   * A patch of an upserted product re-sends the signature its upsert was given, re-dated: its text
   * did not change, so it is not analysed again (before, every patch signed it anew: tens of
   * milliseconds for a 64 KB product). The kept signature is marked here (another expert) to tell
   * it from a new one. After a delete, an upsert is signed anew.
   */
  @Test
  void aPatchOfAnUpsertedProductReDatesItsUpsertsSignature() throws Exception {
    Product p = new Product("new-4", "qwzzy blender jar", "Quuxco", "BJ2", "", 30.0, null);
    send(upsert(p, null, 10));
    UpsertSignature upserted =
        List.copyOf(apply.getSideOutput(ApplyCatalogUpdates.CHANGES)).getLast().getValue().upsert();
    UpsertSignature marked =
        new UpsertSignature(
            upserted.appliedAtMillis(),
            new int[] {EXPERTS + 99},
            upserted.vector(),
            upserted.terms(),
            upserted.bm25(),
            upserted.bm25Version(),
            upserted.title(),
            upserted.brand(),
            upserted.model());
    var operator = (AbstractStreamOperator<?>) apply.getOperator();
    operator.setCurrentKey("new-4");
    operator
        .getPartitionedState(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            StateDescriptors.catalogSignature())
        .update(marked);

    send(patch("new-4", 25.0, false, 11));
    send(delete("new-4", 12));
    send(upsert(p, null, 13));
    List<UpsertSignature> signed =
        apply.getSideOutput(ApplyCatalogUpdates.CHANGES).stream()
            .map(r -> r.getValue().upsert())
            .toList();
    UpsertSignature patched = signed.get(1);
    assertThat(patched).as("not signed anew").isEqualTo(marked.dated(patched.appliedAtMillis()));
    assertThat(signed.get(2)).isNull();
    assertThat(signed.get(3).experts()).isEqualTo(upserted.experts());
    assertThat(signed.get(3).terms()).isEqualTo(upserted.terms());
  }

  @Test
  void updatesApplyInTsOrderAndStaleOnesAreIgnored() throws Exception {
    Product base = catalog.products().get(0);
    assertThat(send(patch(base.id(), 5.0, null, 20))).isNotEmpty();
    assertThat(send(patch(base.id(), 7.0, null, 19))).as("older ts: ignored").isEmpty();
    assertThat(send(patch(base.id(), 5.0, null, 20))).as("same ts: a replay").isEmpty();
    assertThat(send(patch(base.id(), 4.0, null, 20)))
        .as("same ts, a lower price: the higher comes last at one ts")
        .isEmpty();
    assertThat(send(patch("no-such-product", 1.0, null, 30))).as("unknown id").isEmpty();
    PartialResult r = search(base.title(), expertsOf(base.searchableText())[0], null);
    assertThat(r.items())
        .filteredOn(i -> i.productId().equals(base.id()))
        .singleElement()
        .satisfies(i -> assertThat(i.price()).isEqualTo(5.0));

    // A delete older than the applied patch: in ts order the patch came to a deleted product, so
    // the delete applies (it was ignored once, and the deleted product served for ever).
    assertThat(send(delete(base.id(), 18))).isNotEmpty();
    assertThat(send(delete(base.id(), 18))).as("a replay").isEmpty();
    assertThat(send(patch(base.id(), 6.0, null, 25))).as("a patch of a deleted product").isEmpty();
    assertThat(search(base.title(), expertsOf(base.searchableText())[0], null).items())
        .extracting(RankedItem::productId)
        .doesNotContain(base.id());
  }

  /**
   * A product's numbered updates apply in number order: a price patch (2) that overtook the upsert
   * (1) being embedded waits for it, so the upsert's text shows with the patch's price; a replayed
   * number is ignored.
   */
  @Test
  void numberedUpdatesApplyInArrivalOrderWhenALaterOneOvertakesAnUpsert() throws Exception {
    Product p =
        new Product("new-seq", "qwzx espresso grinder 42", "Quuxco", "EG42", "", 80.0, null);
    assertThat(send(patch(p.id(), 60.0, null, 20).withSeq(2))).as("held back").isEmpty();
    assertThat(send(upsert(p, true, 10).withSeq(1))).as("then both apply").isNotEmpty();
    assertThat(send(patch(p.id(), 99.0, null, 30).withSeq(2))).as("a replayed number").isEmpty();
    PartialResult r = search(p.title(), expertsOf(p.searchableText())[0], null);
    assertThat(r.items())
        .filteredOn(i -> i.productId().equals(p.id()))
        .singleElement()
        .satisfies(i -> assertThat(i.price()).isEqualTo(60.0));
    assertThat(send(delete(p.id(), 40).withSeq(3))).isNotEmpty();
  }

  /**
   * An update that cannot be applied (here an upsert whose embedding has another dimension) does
   * not fail the task, and counts as applied in its product's order: the product's next update is
   * not held back behind it.
   */
  @Test
  void anUpdateThatCannotBeAppliedDoesNotFailTheTaskNorHoldBackTheNext() throws Exception {
    Product p = new Product("bad-vec", "zqxw travel kettle 7", "Quuxco", "TK7", "", 30.0, null);
    ProductUpdate bad =
        ProductUpdate.of(CatalogUpdate.upsert(p, true, 10), 1)
            .withVector(new float[] {1f, 0f, 0f})
            .withSeq(1);
    assertThat(send(bad)).isEmpty();
    assertThat(send(upsert(p, true, 20).withSeq(2))).as("the next one applies").isNotEmpty();
    PartialResult r = search(p.title(), expertsOf(p.searchableText())[0], null);
    assertThat(r.items()).extracting(i -> i.productId()).contains(p.id());
  }

  @Test
  void aDeletedProductIsNeverReturnedAndDeleteThenUpsertRevivesIt() throws Exception {
    Product base = catalog.products().get(1);
    int home = expertsOf(base.searchableText())[0];
    assertThat(ids(search(base.title(), home, null))).contains(base.id());
    send(delete(base.id(), 5));
    for (int e = 0; e < EXPERTS; e++) {
      assertThat(ids(search(base.title(), e, null))).doesNotContain(base.id());
    }
    assertThat(ids(search(base.title(), ExpertRequest.lexical("y"), null)))
        .doesNotContain(base.id());
    assertThat(send(patch(base.id(), 1.0, true, 6))).as("a patch never resurrects").isEmpty();
    send(upsert(base, true, 7));
    assertThat(ids(search(base.title(), home, null))).contains(base.id());
  }

  @Test
  void stockAndPriceFiltersUseLiveValues() throws Exception {
    Product base = catalog.products().get(2);
    int home = expertsOf(base.searchableText())[0];
    send(patch(base.id(), null, false, 3));
    Filters inStock = new Filters(null, null, null, true);
    assertThat(ids(search(base.title(), home, inStock))).doesNotContain(base.id());
    PartialResult any = search(base.title(), home, null);
    assertThat(any.items())
        .filteredOn(i -> i.productId().equals(base.id()))
        .singleElement()
        .satisfies(i -> assertThat(i.inStock()).isFalse());
    send(patch(base.id(), 123_456.0, true, 4));
    assertThat(ids(search(base.title(), home, new Filters(null, 100_000.0, null))))
        .containsExactly(base.id());
    assertThat(ids(search(base.title(), home, new Filters(null, null, 100_000.0))))
        .doesNotContain(base.id());
  }

  @Test
  void anAnswerCarriesTheLongestRecentDeltaLagOfItsSubtaskCountedFromItsSearch() throws Exception {
    Product base = catalog.products().get(9);
    int home = expertsOf(base.searchableText())[0];
    long now = System.currentTimeMillis();
    assertThat(search(base.title(), home, null, now).deltaLagMs()).isNotPositive();
    retrieval.processElement2(
        new StreamRecord<>(
            new SlotDelta(
                home, DeltaEntry.patched(base.id(), 3, 1.0, true), now - 6_000, now - 5_000)));
    assertThat(search(base.title(), home, null, now).deltaLagMs())
        .as("applied 5 s before it reached the slot; searched right after the acceptance")
        .isBetween(1_000L, 5_000L);
    assertThat(search(base.title(), home, null, now - 30_000).deltaLagMs())
        .as("a query that waited 30 s reflects the updates applied until 5 s before its search")
        .isBetween(-30_000L, -21_000L);
  }

  @Test
  void theDeltaLagIsCountedFromTheSearchNotTheAcceptance() {
    RecentMax lag = new RecentMax(60_000, 6);
    assertThat(ExpertRetrieval.lagBeforeAcceptance(lag, 101_000, 101_000)).isZero();
    lag.record(100_000, 5_000);
    assertThat(ExpertRetrieval.lagBeforeAcceptance(lag, 101_000, 101_000)).isEqualTo(5_000);
    assertThat(ExpertRetrieval.lagBeforeAcceptance(lag, 101_000, 99_000)).isEqualTo(3_000);
    assertThat(ExpertRetrieval.lagBeforeAcceptance(lag, 101_000, 81_000))
        .as("waited 20 s: the answer reflects every update applied until 96 s, 15 s after it")
        .isEqualTo(-15_000);
  }

  @Test
  void bothOperatorsRestoreTheirStateFromASnapshot() throws Exception {
    Product base = catalog.products().get(3);
    Product fresh = new Product("new-2", "qwzx espresso grinder", "Quuxco", "", "", 12.0, null);
    send(delete(base.id(), 5));
    send(upsert(fresh, true, 5));

    OperatorSubtaskState a = apply.snapshot(1, 1);
    OperatorSubtaskState r = retrieval.snapshot(1, 1);
    apply.close();
    retrieval.close();
    apply = newApply();
    apply.setup();
    apply.initializeState(a);
    apply.open();
    retrieval = newRetrieval();
    retrieval.setup();
    retrieval.initializeState(r);
    retrieval.open();

    assertThat(send(delete(base.id(), 4))).as("the applied ts survived").isEmpty();
    for (int e = 0; e < EXPERTS; e++) {
      assertThat(ids(search(base.title(), e, null))).doesNotContain(base.id());
    }
    int home = expertsOf(fresh.searchableText())[0];
    assertThat(ids(search("qwzx espresso grinder", home, null))).first().isEqualTo("new-2");
    assertThat(ids(search("qwzx", ExpertRequest.lexical("z"), null))).containsExactly("new-2");
  }

  @Test
  void theLexicalShardsShareOneLiveSlotAndEachKeepsTheDeltaInItsState() throws Exception {
    Product fresh = new Product("new-4", "qvvx garden hose reel", "Quuxco", "", "", 19.0, null);
    send(upsert(fresh, true, 5));
    ExpertRetrieval fn =
        (ExpertRetrieval)
            ((KeyedCoProcessOperator<?, ?, ?, ?>) retrieval.getOperator()).getUserFunction();
    assertThat(fn.lexicalLiveSlots())
        .as("every lexical shard of the subtask indexes the upsert into the same delta index")
        .isEqualTo(1);
    OperatorSubtaskState r = retrieval.snapshot(1, 1);
    // Each shard restores on its own: the state of the shards whose delta the shared slot had
    // already applied holds the entry too.
    for (int shard = 1; shard <= ExpertRequest.LEXICAL_SHARDS; shard++) {
      retrieval.close();
      retrieval = newRetrieval();
      retrieval.setup();
      retrieval.initializeState(r);
      retrieval.open();
      assertThat(ids(search("qvvx", -shard, null)))
          .as("lexical shard " + -shard + " after a restore")
          .containsExactly("new-4");
    }
  }

  private PartialResult searchIn(Path version, String text, int slot, Filters filters)
      throws Exception {
    SearchQuery q = new SearchQuery("q" + text.hashCode(), text, 10, filters, 0, null);
    ExpertRequest r =
        new ExpertRequest(
            q,
            embedder.embed(text),
            slot,
            new int[] {slot},
            0,
            0,
            0,
            false,
            version.toString(),
            null,
            0,
            slot);
    int before = retrieval.extractOutputValues().size();
    retrieval.processElement1(new StreamRecord<>(r));
    return retrieval.extractOutputValues().get(before);
  }

  /** A fold of updates over the served catalogue, with its gate and layout (as index compact). */
  private CatalogFold fold() {
    var g = artifact.manifest().gate();
    return new CatalogFold(
        catalog.products(),
        Map.of(),
        new ExpertAssigner(artifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
        artifact.placement());
  }

  /** {@code fold} compacted into a new version, as if read from its {@code updates} records. */
  private IndexArtifact compact(CatalogFold fold, int updates) throws Exception {
    Path compactRoot = root.resolve("compacted-" + System.nanoTime());
    Files.createDirectories(compactRoot);
    return IndexCompaction.compactLocally(
        artifact,
        catalog.products(),
        fold,
        embedder,
        compactRoot,
        16,
        "t",
        Map.of(0, (long) updates),
        updates);
  }

  @Test
  void aCompactedVersionTakesOverTheFoldedDeltaAndServesRequestsOfOlderVersions() throws Exception {
    Product gone = catalog.products().get(6);
    Product sold = catalog.products().get(7);
    Product fresh = new Product("new-3", "zzyq solar lantern", "Quuxco", "", "", 8.0, null);
    send(delete(gone.id(), 5));
    send(upsert(fresh, true, 6));
    send(patch(sold.id(), null, false, 7));

    // index compact: the same updates folded into a new version with the base's gate and layout
    CatalogFold fold = fold();
    fold.delete(gone.id(), 5);
    fold.upsert(fresh, true, 6);
    fold.patch(sold.id(), null, false, 7);
    IndexArtifact next = compact(fold, 3);

    int home = expertsOf(fresh.searchableText())[0];
    Filters inStock = new Filters(null, null, null, true);
    assertThat(ids(searchIn(next.dir(), "zzyq solar lantern", home, null)))
        .first()
        .isEqualTo("new-3");
    int soldHome = expertsOf(sold.searchableText())[0];
    assertThat(ids(searchIn(next.dir(), sold.title(), soldHome, inStock)))
        .doesNotContain(sold.id());
    assertThat(ids(searchIn(next.dir(), sold.title(), soldHome, null))).contains(sold.id());

    // A request routed with the old version before the swap: the delta no longer holds the delete
    // in this slot, so only the compacted version can serve it right.
    int goneHome = expertsOf(gone.searchableText())[0];
    searchIn(next.dir(), gone.title(), goneHome, null); // this slot drops its folded entries too
    PartialResult old = searchIn(dir, gone.title(), goneHome, null);
    assertThat(ids(old)).doesNotContain(gone.id());
    assertThat(old.indexVersion()).isEqualTo(next.version());

    // An update after the compaction still applies on top of it.
    send(patch(sold.id(), null, true, 8));
    assertThat(ids(searchIn(next.dir(), sold.title(), soldHome, inStock))).contains(sold.id());
    send(delete(fresh.id(), 9));
    assertThat(ids(searchIn(next.dir(), "zzyq solar lantern", home, null))).doesNotContain("new-3");
  }

  /** {@code routing update} of {@code parent}: its gate kept, its files shared; moves LATEST. */
  private static IndexArtifact routingUpdate(IndexArtifact parent) {
    return IndexArtifact.load(
        GateVersionWriter.write(
                parent.dir(),
                parent.gate(),
                new Manifest.GateUpdate(parent.version(), "test", Map.of()))
            .dir(),
        0);
  }

  /**
   * {@code index compact} of {@code base} into its own root, deleting {@code gone} at {@code ts}.
   */
  private static IndexArtifact compactDeleting(IndexArtifact base, Product gone, long ts)
      throws Exception {
    List<Product> products = IndexCompaction.baseCatalogue(base);
    CatalogFold fold = IndexCompaction.foldOver(base, products);
    fold.delete(gone.id(), ts);
    return IndexCompaction.compactLocally(
        base, products, fold, embedder, base.dir().getParent(), 16, "t", Map.of(0, 2L), 1);
  }

  /**
   * Review: a {@code routing update} of a compacted version (the docs' compact-then-update) is of
   * the compacted version's line. A slot swapped to the update serves a request still routed with
   * the compacted version with the update (they share every index file); it swapped back to the
   * compacted version, and to the update again at its next request, each swap re-reading the slot's
   * whole delta, because the update's lineage (its parent's, copied) left out its parent.
   */
  @Test
  void aSlotSwappedToARoutingUpdateServesTheCompactedVersionItWasMadeFrom() throws Exception {
    Product sold = catalog.products().get(20);
    CatalogFold fold = fold();
    fold.patch(sold.id(), null, false, 5);
    IndexArtifact compacted = compact(fold, 1);
    IndexArtifact updated = routingUpdate(compacted);
    int home = expertsOf(sold.searchableText())[0];

    assertThat(searchIn(compacted.dir(), sold.title(), home, null).indexVersion())
        .isEqualTo(compacted.version());
    assertThat(searchIn(updated.dir(), sold.title(), home, null).indexVersion())
        .isEqualTo(updated.version());
    assertThat(searchIn(compacted.dir(), sold.title(), home, null).indexVersion())
        .as("a request of the version the routing update was made from: no swap back")
        .isEqualTo(updated.version());
  }

  /**
   * Review: a compaction of a {@code routing update} of a compacted version (compact, update,
   * compact) is of the first compacted version's line too. A slot swapped to it dropped the delete
   * it folded; a request still routed with the first compacted version (which never folded it) is
   * served by the newest, and the deleted product stays deleted. The slot swapped back to the first
   * one and served the product again: the lineage skipped the version the update was made from.
   */
  @Test
  void aDeleteFoldedAfterARoutingUpdateStaysDeletedForARequestOfTheVersionBeforeIt()
      throws Exception {
    Product gone = catalog.products().get(21);
    Product sold = catalog.products().get(22);
    int home = expertsOf(gone.searchableText())[0];
    assertThat(ids(searchIn(dir, gone.title(), home, null))).contains(gone.id());
    send(delete(gone.id(), 6));
    CatalogFold fold = fold();
    fold.patch(sold.id(), null, false, 5);
    IndexArtifact compacted = compact(fold, 1);
    IndexArtifact updated = routingUpdate(compacted);
    IndexArtifact next = compactDeleting(updated, gone, 6);

    assertThat(ids(searchIn(compacted.dir(), gone.title(), home, null)))
        .as("the live delete")
        .doesNotContain(gone.id());
    assertThat(ids(searchIn(next.dir(), gone.title(), home, null)))
        .as("folded: the slot drops its delete entry")
        .doesNotContain(gone.id());
    PartialResult old = searchIn(compacted.dir(), gone.title(), home, null);
    assertThat(ids(old)).as("deleted since").doesNotContain(gone.id());
    assertThat(old.indexVersion()).isEqualTo(next.version());
  }

  /**
   * Review: a compaction of a {@code routing update} of a built version names only the update in
   * its lineage (the built version has no compaction record to carry one), but it was made from the
   * built version too. A slot swapped to the compaction dropped the delete it folded; a request
   * still routed with the built version is served by the compaction, and the deleted product stays
   * deleted. It was served by the built version, showing the product again.
   */
  @Test
  void aDeleteFoldedAfterARoutingUpdateOfTheBuiltVersionStaysDeletedForItsRequests()
      throws Exception {
    Product gone = catalog.products().get(23);
    int home = expertsOf(gone.searchableText())[0];
    assertThat(ids(searchIn(dir, gone.title(), home, null))).contains(gone.id());
    send(delete(gone.id(), 6));
    Path line = root.resolve("updated-" + System.nanoTime());
    Files.createDirectories(line);
    IndexArtifact updated =
        IndexArtifact.load(
            GateVersionWriter.write(
                    dir,
                    artifact.gate(),
                    new Manifest.GateUpdate(artifact.version(), "test", Map.of()),
                    line)
                .dir(),
            0);
    IndexArtifact next = compactDeleting(updated, gone, 6);

    assertThat(ids(searchIn(next.dir(), gone.title(), home, null)))
        .as("folded: the slot drops its delete entry")
        .doesNotContain(gone.id());
    PartialResult old = searchIn(dir, gone.title(), home, null);
    assertThat(ids(old)).as("deleted since").doesNotContain(gone.id());
    assertThat(old.indexVersion()).isEqualTo(next.version());
  }

  /**
   * {@code index compact} reads the topic to its current end, so it can fold updates the job has
   * not yet brought to a slot (its embedding stage lags). After the slot swapped to the compacted
   * version, an update older than what the version folded for its product is ignored: the lagging
   * upsert of a product the version folded as deleted does not bring it back (it did, until its
   * delete arrived too: found by an adversarial review).
   */
  @Test
  void aLaggingUpsertOlderThanTheFoldIsIgnoredAfterTheSwap() throws Exception {
    Product fresh = new Product("new-9", "qqzv copper kettle", "Quuxco", "", "", 8.0, null);
    CatalogFold fold = fold();
    fold.upsert(fresh, true, 5);
    fold.delete(fresh.id(), 7);
    IndexArtifact next = compact(fold, 2);
    int home = expertsOf(fresh.searchableText())[0];
    // the slot's first request for the compacted version: the swap
    assertThat(ids(searchIn(next.dir(), "qqzv copper kettle", home, null))).doesNotContain("new-9");
    // the job catches up: the upsert (ts 5) reaches the slots, the delete (ts 7) not yet
    send(upsert(fresh, true, 5));
    assertThat(ids(searchIn(next.dir(), "qqzv copper kettle", home, null)))
        .as("the compacted version folded new-9 as deleted at ts 7; its ts-5 upsert is older")
        .doesNotContain("new-9");
  }

  /**
   * A job started without state on a compacted version (no savepoint; or its applier lagging behind
   * the compaction) starts each product the version folded from its folded state: the late upsert
   * (ts 5) of a product the version folded as deleted at 7 is ignored, and a patch after it (ts 8)
   * does not bring it back; a price patch older than the folded one changes nothing, not even the
   * merge's live price. Before, the upsert was applied (its entry older than the fold, so the slots
   * dropped it) and the patch then served the deleted product again.
   */
  @Test
  void aStatelessStartOnACompactedVersionKeepsWhatItFolded() throws Exception {
    Product fresh = new Product("new-11", "qqzx enamel casserole", "Quuxco", "", "", 8.0, null);
    Product sold = catalog.products().get(9);
    CatalogFold fold = fold();
    fold.upsert(fresh, true, 5);
    fold.delete(fresh.id(), 7);
    fold.patch(sold.id(), 3.0, null, 9);
    IndexArtifact next = compact(fold, 3);
    apply.close();
    apply = newApply(next.dir());
    apply.open();

    assertThat(send(upsert(fresh, true, 5))).as("older than the folded delete").isEmpty();
    assertThat(send(patch(fresh.id(), 6.0, true, 8))).as("a patch never resurrects").isEmpty();
    int home = expertsOf(fresh.searchableText())[0];
    assertThat(ids(searchIn(next.dir(), "qqzx enamel casserole", home, null)))
        .doesNotContain(fresh.id());
    assertThat(send(patch(sold.id(), 2.0, null, 6))).as("older than the folded price").isEmpty();
    assertThat(apply.getSideOutput(ApplyCatalogUpdates.CHANGES)).isNullOrEmpty();

    List<SlotDelta> newer = send(patch(sold.id(), 4.0, null, 10));
    assertThat(newer).isNotEmpty();
    assertThat(newer.get(0).entry().ts())
        .as("above the folded version, so the slots take it")
        .isGreaterThan(next.folded().get(sold.id()));
    send(upsert(fresh, true, 11));
    assertThat(ids(searchIn(next.dir(), "qqzx enamel casserole", home, null)))
        .as("a re-listing newer than the delete")
        .contains(fresh.id());
  }

  /**
   * Final review (dd8d10e, untested): a patch of a product a compacted version folded as deleted,
   * applied by a job without state for it, is kept by the deleted state and records that it was
   * sent upserted to no slot; a later re-listing then goes at once only to its own experts' slots
   * (the version holds none of it), not hidden to every expert slot of the layout.
   */
  @Test
  void aRelistingAfterAPatchKeptFromTheFoldedDeleteGoesOnlyToItsOwnSlots() throws Exception {
    Product fresh = new Product("new-12", "qqzw slate cheese board", "Quuxco", "", "", 8.0, null);
    CatalogFold fold = fold();
    fold.upsert(fresh, true, 5);
    fold.delete(fresh.id(), 7);
    IndexArtifact next = compact(fold, 2);
    apply.close();
    apply =
        Harnesses.withoutGenericTypes(
            new KeyedOneInputStreamOperatorTestHarness<>(
                new ApplyCatalogUpdatesOperator(new ApplyCatalogUpdates(next.dir().toString())),
                ProductUpdate::productId,
                Types.STRING));
    apply.open();

    assertThat(send(patch(fresh.id(), 6.0, true, 8))).as("kept by the deleted state").isEmpty();
    List<SlotDelta> relisted = send(upsert(fresh, true, 11));
    assertThat(relisted.stream().filter(d -> d.slot() >= 0))
        .as("at once: only the slots of its experts, upserted")
        .isNotEmpty()
        .allSatisfy(d -> assertThat(d.entry().kind()).isEqualTo(DeltaEntry.Kind.LIVE));
  }

  /**
   * Review: a version compacted before folded-parts.tsv was written (emulated by removing it) holds
   * a catalogue product in stock, folded at 9 (a price patch). A job started without state on it
   * applies a price-only patch at 10: the product stays in stock, as the job that kept its state
   * and the next compaction hold it. The folded state took every part at the version with stock
   * false, so the patch served it sold out (hidden by an in-stock filter).
   */
  @Test
  void aPricePatchOnAVersionCompactedWithoutFoldedPartsKeepsTheStock() throws Exception {
    Product sold = catalog.products().get(9);
    CatalogFold fold = fold();
    fold.patch(sold.id(), 3.0, null, 9);
    IndexArtifact next = compact(fold, 1);
    Path manifest = next.dir().resolve("manifest.json");
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(manifest.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("files")).remove("folded-parts.tsv");
    json.writeValue(manifest.toFile(), tree);
    Files.delete(next.dir().resolve("folded-parts.tsv"));
    apply.close();
    apply = newApply(next.dir());
    apply.open();

    List<SlotDelta> out = send(patch(sold.id(), 4.0, null, 10));
    assertThat(out).isNotEmpty();
    assertThat(out.get(0).entry().inStock()).as("a price-only patch keeps the stock").isTrue();
    int home = expertsOf(sold.searchableText())[0];
    assertThat(ids(searchIn(next.dir(), sold.title(), home, new Filters(null, null, null, true))))
        .contains(sold.id());
  }

  /**
   * A lexical shard of a subtask whose shared live slot swapped to a compacted version (for another
   * shard) drops from its own state what the version folded when the product's next entry reaches
   * it, as the swap would: a restore, in which each shard's state is merged into the shared slot,
   * does not bring back a product the version folded as deleted (it did when the shard kept its
   * older entry: found by a review).
   */
  @Test
  void aLexicalShardKeepsNothingTheCompactedVersionFoldedThroughARestore() throws Exception {
    Product fresh = new Product("new-10", "qqzw copper teapot", "Quuxco", "", "", 8.0, null);
    send(upsert(fresh, true, 5));
    CatalogFold fold = fold();
    fold.upsert(fresh, true, 5);
    fold.delete(fresh.id(), 7);
    IndexArtifact next = compact(fold, 2);
    assertThat(ids(searchIn(next.dir(), "qqzw copper teapot", -1, null)))
        .as("shard -1 swaps the subtask's shared live slot to the compacted version")
        .doesNotContain("new-10");
    send(delete(fresh.id(), 7));
    OperatorSubtaskState r = retrieval.snapshot(1, 1);
    retrieval.close();
    retrieval = newRetrieval();
    retrieval.setup();
    retrieval.initializeState(r);
    retrieval.open();
    // Every shard's first use after the restore is a delta: each merges its state into the slot.
    send(upsert(new Product("new-11", "qqzw tin mug", "Quuxco", "", "", 4.0, null), true, 9));
    assertThat(ids(searchIn(next.dir(), "qqzw copper teapot", -1, null)))
        .as("folded as deleted at ts 7: no shard's state brings it back")
        .doesNotContain("new-10");
  }

  /**
   * Review: the job lags a compaction that folded a product as deleted (ts 7) whose upsert (ts 5)
   * it applied, and not its delete. Shard -1 swapped the subtask's shared live slot to the
   * compacted version; the other lexical shards, which had not served it, keep the upsert in their
   * states. After a restore their states are merged into the shared slot again, which must drop
   * what the version folded, whichever shard serves it first: the product stayed in the lexical
   * results of shard -1 (already swapped, so nothing was dropped) until a shard that had not
   * swapped served the version, and a request still routed with the version before it was served
   * with that version.
   */
  @Test
  void aLexicalShardNotYetSwappedBringsNothingTheCompactedVersionFoldedBackThroughARestore()
      throws Exception {
    Product fresh = new Product("new-13", "qqzt pewter jug", "Quuxco", "", "", 8.0, null);
    send(upsert(fresh, true, 5));
    CatalogFold fold = fold();
    fold.upsert(fresh, true, 5);
    fold.delete(fresh.id(), 7);
    IndexArtifact next = compact(fold, 2);
    assertThat(ids(searchIn(next.dir(), "qqzt pewter jug", -1, null)))
        .as("shard -1 swaps the subtask's shared live slot to the compacted version")
        .doesNotContain("new-13");
    assertThat(ids(searchIn(dir, "qqzt pewter jug", -2, null)))
        .as("a request of the version before it, on a shard that has not swapped")
        .doesNotContain("new-13");
    OperatorSubtaskState r = retrieval.snapshot(1, 1);
    retrieval.close();
    retrieval = newRetrieval();
    retrieval.setup();
    retrieval.initializeState(r);
    retrieval.open();
    // Every shard's first use after the restore is a delta: each merges its state into the slot,
    // the upsert at ts 5 from every shard but -1. The delete at ts 7 has not reached the job.
    send(upsert(new Product("new-14", "qqzt tin cup", "Quuxco", "", "", 4.0, null), true, 9));
    assertThat(ids(searchIn(next.dir(), "qqzt pewter jug", -1, null)))
        .as("folded as deleted at ts 7 by the version shard -1 serves")
        .doesNotContain("new-13")
        .contains("new-14");
    PartialResult old = searchIn(dir, "qqzt pewter jug", -3, null);
    assertThat(ids(old)).as("a request of the version before it").doesNotContain("new-13");
    assertThat(old.indexVersion()).isEqualTo(next.version());
  }

  /**
   * Review of the fix above: the compacted versions two lexical shards were folded into may be of
   * unrelated lines (a full rebuild after a compaction, compacted in turn). Shard B swapped to the
   * first line's compacted version, shard A later to the rebuild's, which folded a product's delete
   * (ts 7) the job has not applied; B and the shards that never swapped keep its upsert (ts 5).
   * After a restore the shared slot must stay folded into the rebuild's compacted version (the
   * newer), whichever shard merges last: the last merged one's was taken, as neither names the
   * other in its lineage, so B's upsert was served again by A.
   */
  @Test
  void theSharedLexicalSlotStaysFoldedIntoTheNewerOfTwoUnrelatedLinesThroughARestore()
      throws Exception {
    Product fresh = new Product("new-15", "qqzw pewter ewer", "Quuxco", "", "", 8.0, null);
    List<Integer> lexical =
        send(upsert(fresh, true, 5)).stream()
            .map(SlotDelta::slot)
            .filter(ExpertRequest::isLexical)
            .distinct()
            .toList();
    int a = lexical.get(0);
    int b = lexical.get(lexical.size() - 1);
    IndexArtifact[] lines = unrelatedLines(fresh);
    IndexArtifact c1 = lines[0];
    IndexArtifact c2 = lines[1];

    assertThat(ids(searchIn(c1.dir(), "qqzw pewter ewer", b, null))).contains("new-15");
    assertThat(ids(searchIn(c2.dir(), "qqzw pewter ewer", a, null)))
        .as("shard A swaps the shared live slot to the rebuild's compacted version")
        .doesNotContain("new-15");
    OperatorSubtaskState r = retrieval.snapshot(1, 1);
    retrieval.close();
    retrieval = newRetrieval();
    retrieval.setup();
    retrieval.initializeState(r);
    retrieval.open();
    send(upsert(new Product("new-16", "qqzw tin cup", "Quuxco", "", "", 4.0, null), true, 9));
    assertThat(ids(searchIn(c2.dir(), "qqzw pewter ewer", a, null)))
        .as("folded as deleted at ts 7 by the version shard A serves")
        .doesNotContain("new-15")
        .contains("new-16");
  }

  /**
   * Two compacted versions of unrelated lines: the served version's compaction deleting a product
   * (ts 3, sent), and a full rebuild of that one's catalogue compacted with {@code fresh} upserted
   * (ts 5) and deleted (ts 7).
   */
  private IndexArtifact[] unrelatedLines(Product fresh) throws Exception {
    Product gone = catalog.products().get(6);
    send(delete(gone.id(), 3));
    CatalogFold f1 = fold();
    f1.delete(gone.id(), 3);
    IndexArtifact c1 = compact(f1, 1);
    Path rebuildRoot = root.resolve("rebuilt-" + System.nanoTime());
    Files.createDirectories(rebuildRoot);
    IndexArtifact b2 =
        IndexArtifact.load(
            SmallIndex.build(
                io.moesearch.core.artifact.IndexBuilder.readCatalog(c1.dir()),
                model,
                EXPERTS,
                rebuildRoot),
            0);
    List<Product> products = IndexCompaction.baseCatalogue(b2);
    CatalogFold f2 = IndexCompaction.foldOver(b2, products);
    f2.upsert(fresh, true, 5);
    f2.delete(fresh.id(), 7);
    IndexArtifact c2 =
        IndexCompaction.compactLocally(
            b2, products, f2, embedder, rebuildRoot, 16, "t", Map.of(0, 4L), 2);
    assertThat(ServingVersions.ancestors(c2)).doesNotContain(c1.version());
    return new IndexArtifact[] {c1, c2};
  }

  /**
   * Review: the same two unrelated lines without a restore. Shard A swapped the shared live slot to
   * the rebuild's compacted version; a request still routed with the first line's (in flight across
   * the switch) reaches shard B, which had swapped to none: its swap made the older version the
   * shared slot's, so a lagging upsert (ts 6) the newer one folded (deleted at ts 7) was applied
   * and served by shard A.
   */
  @Test
  void anInFlightRequestOfAnOlderUnrelatedLineDoesNotUnfoldTheSharedLexicalSlot() throws Exception {
    Product fresh = new Product("new-17", "qqzv pewter ewer", "Quuxco", "", "", 8.0, null);
    List<Integer> lexical =
        send(upsert(fresh, true, 5)).stream()
            .map(SlotDelta::slot)
            .filter(ExpertRequest::isLexical)
            .distinct()
            .toList();
    int a = lexical.get(0);
    int b = lexical.get(lexical.size() - 1);
    IndexArtifact[] lines = unrelatedLines(fresh);
    assertThat(ids(searchIn(lines[1].dir(), "qqzv pewter ewer", a, null))).doesNotContain("new-17");
    searchIn(lines[0].dir(), "qqzv pewter ewer", b, null);
    send(upsert(fresh, true, 6));
    assertThat(ids(searchIn(lines[1].dir(), "qqzv pewter ewer", a, null)))
        .as("folded as deleted at ts 7 by the version shard A serves")
        .doesNotContain("new-17");
  }

  /**
   * Both operators over their own index root, following its {@code LATEST} as the job does: the
   * version built there, with a delete applied.
   */
  private final class Watched {
    final Path watchRoot;
    final Path base;
    final IndexArtifact baseArtifact;

    Watched(String name) throws Exception {
      watchRoot = root.resolve(name);
      Files.createDirectories(watchRoot);
      base = SmallIndex.build(catalog, model, EXPERTS, watchRoot);
      baseArtifact = IndexArtifact.load(base, 384);
      apply.close();
      retrieval.close();
      apply = newApply();
      apply.open();
      retrieval = newRetrieval();
      retrieval.open();
      retrieval.setProcessingTime(1_000);
    }

    KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> newApply()
        throws Exception {
      return Harnesses.withoutGenericTypes(
          new KeyedOneInputStreamOperatorTestHarness<>(
              new KeyedProcessOperator<>(
                  new ApplyCatalogUpdates(base.toString(), watchRoot.toString())),
              ProductUpdate::productId,
              Types.STRING));
    }

    KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult>
        newRetrieval() throws Exception {
      return Harnesses.withoutGenericTypes(
          new KeyedTwoInputStreamOperatorTestHarness<>(
              new KeyedCoProcessOperator<>(
                  new ExpertRetrieval(
                      base.toString(),
                      3,
                      new RankingSettings(true, 20, 50, LinearFusion.rrf()),
                      60_000,
                      10_000,
                      watchRoot.toString())),
              ExpertRequest::slot,
              SlotDelta::slot,
              Types.INT));
    }

    int home(Product p) {
      var g = baseArtifact.manifest().gate();
      return new ExpertAssigner(
              baseArtifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies())
          .assign(embedder.embed(p.searchableText()))[0];
    }

    /** {@code index compact} of the base with {@code gone} deleted at ts 5; moves LATEST. */
    IndexArtifact compactDeleting(Product gone) throws Exception {
      var g = baseArtifact.manifest().gate();
      CatalogFold fold =
          new CatalogFold(
              catalog.products(),
              Map.of(),
              new ExpertAssigner(
                  baseArtifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
              baseArtifact.placement());
      fold.delete(gone.id(), 5);
      return IndexCompaction.compactLocally(
          baseArtifact, catalog.products(), fold, embedder, watchRoot, 16, "t", Map.of(0, 1L), 1);
    }

    /**
     * Snapshots both operators and restores new ones after {@code whileDown}.
     *
     * @throws ArtifactException from a restored operator's {@code open()}
     */
    void restart(ThrowingRunnable whileDown) throws Exception {
      OperatorSubtaskState a = apply.snapshot(1, 1);
      OperatorSubtaskState r = retrieval.snapshot(1, 1);
      apply.close();
      retrieval.close();
      whileDown.run();
      apply = newApply();
      apply.setup();
      apply.initializeState(a);
      apply.open();
      retrieval = newRetrieval();
      retrieval.setup();
      retrieval.initializeState(r);
      retrieval.open();
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * A slot swapped to a compacted version and dropped the delete it folded; while the job is down
   * that version is removed and {@code LATEST} still names it, so the operators open the submitted
   * version ({@code ServingVersions#current}), which never saw the delete. The restart fails naming
   * the removed directory (it served the deleted product again).
   */
  @Test
  void aRestartFailsNamingTheRemovedCompactedVersionASlotsDeltaWasFoldedInto() throws Exception {
    Watched w = new Watched("folded-removed");
    Product gone = catalog.products().get(6);
    int home = w.home(gone);
    send(delete(gone.id(), 5));
    IndexArtifact c = w.compactDeleting(gone);
    assertThat(IndexArtifact.resolve(w.watchRoot)).isEqualTo(c.dir());
    assertThat(ids(searchIn(c.dir(), gone.title(), home, null))).doesNotContain(gone.id());

    assertThatThrownBy(() -> w.restart(() -> Files2.deleteRecursively(c.dir())))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("slot " + home)
        .hasMessageContaining(c.dir().toString())
        .hasMessageContaining("point LATEST at a version compacted from it");
  }

  /**
   * A full rebuild from the compacted version's own catalogue (a new line, as docs/architecture.md
   * suggests after compactions) is served, and the compacted version removed while the job is down:
   * the restart serves the rebuild (it names none of the removed version's ancestors) rather than
   * fail for good.
   */
  @Test
  void aRestartAfterARebuildFromTheCompactedCatalogueServesIt() throws Exception {
    Watched w = new Watched("folded-rebuilt");
    Product gone = catalog.products().get(6);
    int home = w.home(gone);
    send(delete(gone.id(), 5));
    IndexArtifact c = w.compactDeleting(gone);
    assertThat(ids(searchIn(c.dir(), gone.title(), home, null))).doesNotContain(gone.id());
    Path v2 =
        SmallIndex.build(
            io.moesearch.core.artifact.IndexBuilder.readCatalog(c.dir()),
            model,
            EXPERTS,
            w.watchRoot);
    assertThat(IndexArtifact.resolve(w.watchRoot)).isEqualTo(v2);
    assertThat(ids(searchIn(v2, gone.title(), home, null))).doesNotContain(gone.id());
    w.restart(() -> Files2.deleteRecursively(c.dir()));
    assertThat(ids(searchIn(v2, gone.title(), home, null))).doesNotContain(gone.id());
  }

  /**
   * The same removal when {@code LATEST} names a version made from the removed one (here a gate
   * update of it, which shares its files): that version holds what the slot dropped, so the restart
   * serves it and the deleted product stays deleted.
   */
  @Test
  void aRestartServesAVersionMadeFromTheRemovedCompactedVersion() throws Exception {
    Watched w = new Watched("folded-descendant");
    Product gone = catalog.products().get(6);
    int home = w.home(gone);
    send(delete(gone.id(), 5));
    IndexArtifact c = w.compactDeleting(gone);
    assertThat(ids(searchIn(c.dir(), gone.title(), home, null))).doesNotContain(gone.id());
    Path[] g = new Path[1];
    w.restart(
        () -> {
          g[0] =
              GateVersionWriter.write(
                      c.dir(),
                      c.gate(),
                      new Manifest.GateUpdate(c.version(), "test", Map.of()),
                      w.watchRoot)
                  .dir();
          Files2.deleteRecursively(c.dir());
        });
    assertThat(ids(searchIn(g[0], gone.title(), home, null))).doesNotContain(gone.id());
    assertThat(ids(searchIn(w.base, gone.title(), home, null))).doesNotContain(gone.id());
  }

  /**
   * A catalogue upsert whose title starts with one 16 Ki-character word of digit groups ("1-1-1-…",
   * which the codec accepts) is found by a query naming a part number without failing the retrieval
   * task: reading the title's codes overflowed the stack (an Error that no catch-all took), so
   * every query scoring that product failed the task, again on every replay, for as long as the
   * product was in the catalogue. Searched on a stack the size of a task thread's (1 MiB).
   */
  @Test
  void aProductTitledWithAHugeWordOfDigitGroupsIsSearchedWithoutFailingTheTask() throws Exception {
    String title = "1" + "-1".repeat(8_000) + " zyxwq toner";
    byte[] json =
        ("{\"op\":\"upsert\",\"ts\":10,\"product\":{\"id\":\"huge-1\",\"title\":\""
                + title
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    CatalogUpdateCodec.Outcome outcome =
        CatalogUpdateCodec.withDefaults()
            .parse(new RawMessage("catalog-updates", 0, 0, 1, null, json), 1);
    assertThat(outcome).isInstanceOf(CatalogUpdateCodec.Outcome.Accepted.class);
    CatalogUpdate u = ((CatalogUpdateCodec.Outcome.Accepted) outcome).update();
    send(ProductUpdate.of(u, 1).withVector(embedder.embed(u.product().searchableText())));

    PartialResult[] found = new PartialResult[1];
    Throwable[] failed = new Throwable[1];
    Thread task =
        new Thread(
            null,
            () -> {
              try {
                found[0] = search("zyxwq 11111", ExpertRequest.lexical("h"), null);
              } catch (Throwable e) {
                failed[0] = e;
              }
            },
            "task-sized-stack",
            1 << 20);
    task.start();
    task.join();
    assertThat(failed[0]).isNull();
    assertThat(ids(found[0])).contains("huge-1");
  }
}
