package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.CatalogUpdateCodec;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.rank.LinearFusion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Adversarial review (attack-catalog): sequences of one product's catalogue updates through the
 * job's own chain, {@link SequenceCatalogUpdates} → (embedding) → {@link ApplyCatalogUpdates} →
 * {@link ExpertRetrieval}, on the small real index {@link LiveCatalogTest} uses. The promise under
 * attack: "applied per product in ts order (older ts ignored and counted, so replays converge)",
 * "never a deleted product served, nor an out-of-stock one under in_stock, nor a stale price". An
 * update whose product is unknown or deleted when it arrives was dropped without recording its ts,
 * so an older update arriving after it won; it is now remembered in keyed state with a TTL ({@code
 * catalog.tombstone-ttl-ms}).
 */
class CatalogSequenceAttackTest extends SmallIndexTestBase {

  private KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, ProductUpdate> sequence;
  private KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> apply;
  private KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult>
      retrieval;
  private int sequenced;
  private int sequencedAside;

  @BeforeEach
  void setUp() throws Exception {
    sequence =
        Harnesses.withoutGenericTypes(
            new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SequenceCatalogUpdates()),
                ProductUpdate::productId,
                Types.STRING));
    sequence.open();
    apply = newApply();
    apply.open();
    retrieval =
        Harnesses.withoutGenericTypes(
            new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(
                    new ExpertRetrieval(
                        dir.toString(), 3, new RankingSettings(true, 20, 50, LinearFusion.rrf()))),
                ExpertRequest::slot,
                SlotDelta::slot,
                Types.INT));
    retrieval.open();
    retrieval.setProcessingTime(1_000);
    sequenced = 0;
    sequencedAside = 0;
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> newApply()
      throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ApplyCatalogUpdates(dir.toString())),
            ProductUpdate::productId,
            Types.STRING));
  }

  @AfterEach
  void tearDown() throws Exception {
    sequence.close();
    apply.close();
    retrieval.close();
  }

  private static ProductUpdate upsert(Product p, Boolean inStock, long ts) {
    return ProductUpdate.of(CatalogUpdate.upsert(p, inStock, ts), 1);
  }

  private static ProductUpdate patch(String id, Double price, Boolean inStock, long ts) {
    return ProductUpdate.of(CatalogUpdate.patch(id, price, inStock, ts), 1);
  }

  private static ProductUpdate delete(String id, long ts) {
    return ProductUpdate.of(CatalogUpdate.delete(id, ts), 1);
  }

  /**
   * One record of the topic through the job's chain: numbered, embedded (upserts; at once here, as
   * the embedding stage does when it is not backlogged), applied, and its deltas to the slots.
   */
  private void send(ProductUpdate u) throws Exception {
    sequence.processElement(new StreamRecord<>(u));
    List<ProductUpdate> next = new ArrayList<>();
    List<ProductUpdate> main = sequence.extractOutputValues();
    for (ProductUpdate n : main.subList(sequenced, main.size())) {
      next.add(n.withVector(embedder.embed(n.product().searchableText())));
    }
    sequenced = main.size();
    var aside = sequence.getSideOutput(SequenceCatalogUpdates.NO_EMBEDDING);
    if (aside != null) {
      List<ProductUpdate> straight = aside.stream().map(StreamRecord::getValue).toList();
      next.addAll(straight.subList(sequencedAside, straight.size()));
      sequencedAside = straight.size();
    }
    for (ProductUpdate n : next) {
      int before = apply.extractOutputValues().size();
      apply.processElement(new StreamRecord<>(n));
      List<SlotDelta> out = apply.extractOutputValues();
      for (SlotDelta d : List.copyOf(out.subList(before, out.size()))) {
        retrieval.processElement2(new StreamRecord<>(d));
      }
    }
  }

  private PartialResult search(String text, int slot, Filters filters) throws Exception {
    SearchQuery q = new SearchQuery("q" + text.hashCode(), text, 10, filters, 0, null);
    ExpertRequest r = new ExpertRequest(q, embedder.embed(text), slot, new int[] {slot}, 0, 0, 0);
    int before = retrieval.extractOutputValues().size();
    retrieval.processElement1(new StreamRecord<>(r));
    return retrieval.extractOutputValues().get(before);
  }

  /** What every slot (each expert and a lexical shard) returns for {@code text}. */
  private List<RankedItem> everywhere(String text, Filters filters) throws Exception {
    List<RankedItem> all = new ArrayList<>();
    for (int e = 0; e < EXPERTS; e++) {
      all.addAll(Arrays.asList(search(text, e, filters).items()));
    }
    all.addAll(Arrays.asList(search(text, ExpertRequest.lexical("x"), filters).items()));
    return all;
  }

  private static int[] expertsOf(String text) {
    var g = artifact.manifest().gate();
    return new ExpertAssigner(artifact.gate(), g.temperature(), g.replicationRatio(), g.maxCopies())
        .assign(embedder.embed(text));
  }

  /**
   * A new product is upserted at ts 100 and deleted at ts 300; the delete record reaches the job
   * first (an out-of-order producer: two producer instances, or a retried upsert send). The delete
   * goes on unnumbered (no upsert yet), is UNKNOWN and dropped without keeping its ts; the older
   * upsert is then applied and the product, deleted at ts 300, is served from every slot of its
   * experts and the lexical shards, for ever (nothing newer will come). In ts order it is deleted.
   */
  @Test
  void aDeleteThatOvertookTheOlderUpsertOfANewProductStillDeletesIt() throws Exception {
    Product p = new Product("new-del", "qzxv cordless drill 18v", "Quuxco", "CD18", "", 59.0, null);
    send(delete(p.id(), 300));
    send(upsert(p, true, 100));
    assertThat(everywhere("qzxv cordless drill 18v", null))
        .extracting(RankedItem::productId)
        .as("deleted at ts 300, after its only upsert (ts 100)")
        .doesNotContain(p.id());
  }

  /**
   * A new product upserted in stock at 59.0 (ts 100) is stocked out and re-priced to 5.0 (ts 300);
   * the patch arrives first, is UNKNOWN and dropped: the product is served in stock under an {@code
   * in_stock} filter, at its old price.
   */
  @Test
  void aStockOutThatOvertookTheOlderUpsertOfANewProductIsApplied() throws Exception {
    Product p = new Product("new-oos", "qzxv cordless sander", "Quuxco", "CS3", "", 59.0, null);
    send(patch(p.id(), 5.0, false, 300));
    send(upsert(p, true, 100));
    Filters inStock = new Filters(null, null, null, true);
    assertThat(everywhere("qzxv cordless sander", inStock))
        .extracting(RankedItem::productId)
        .as("out of stock since ts 300")
        .doesNotContain(p.id());
    assertThat(everywhere("qzxv cordless sander", null))
        .filteredOn(i -> i.productId().equals(p.id()))
        .allSatisfy(
            i -> {
              assertThat(i.inStock()).as("stock").isFalse();
              assertThat(i.price()).as("price of ts 300").isEqualTo(5.0);
            });
  }

  /**
   * A catalogue product is deleted (ts 100), re-listed by an upsert (ts 200) and then stocked out
   * at 1.0 (ts 300); the stock-out overtakes the re-listing. It arrives while the product is
   * deleted: DELETED, dropped without keeping its ts; the older upsert then applies and the product
   * is served in stock at its upsert's price. In ts order it is out of stock at 1.0.
   */
  @Test
  void aStockOutNewerThanAReListingIsNotLostWhenItArrivesWhileDeleted() throws Exception {
    Product base = catalog.products().get(11);
    Product relisted =
        new Product(base.id(), base.title(), base.brand(), base.model(), "", 40.0, null);
    send(delete(base.id(), 100));
    send(patch(base.id(), 1.0, false, 300));
    send(upsert(relisted, true, 200));
    int home = expertsOf(relisted.searchableText())[0];
    Filters inStock = new Filters(null, null, null, true);
    assertThat(search(base.title(), home, inStock).items())
        .extracting(RankedItem::productId)
        .as("out of stock since ts 300")
        .doesNotContain(base.id());
    assertThat(search(base.title(), home, null).items())
        .filteredOn(i -> i.productId().equals(base.id()))
        .allSatisfy(i -> assertThat(i.price()).as("price of ts 300").isEqualTo(1.0));
  }

  /**
   * A delete of an id nobody serves sends nothing to the slots; its tombstone (keyed state with
   * {@code catalog.tombstone-ttl-ms}, one hour by default) makes an older upsert arriving within
   * the TTL stale.
   */
  @Test
  void aTombstoneOfAnUnknownIdReachesNoSlotAndMakesAnOlderUpsertStaleWithinItsTtl()
      throws Exception {
    Product p = new Product("new-ttl", "qzxv angle grinder", "Quuxco", "AG1", "", 49.0, null);
    apply.setStateTtlProcessingTime(0);
    int before = apply.extractOutputValues().size();
    send(delete(p.id(), 300));
    assertThat(apply.extractOutputValues()).as("no slot delta for the tombstone").hasSize(before);
    apply.setStateTtlProcessingTime(ApplyCatalogUpdates.DEFAULT_TOMBSTONE_TTL_MS - 1);
    send(upsert(p, true, 100));
    assertThat(apply.extractOutputValues()).as("the older upsert is stale").hasSize(before);
    assertThat(everywhere("qzxv angle grinder", null))
        .extracting(RankedItem::productId)
        .doesNotContain(p.id());
  }

  /**
   * What the TTL bounds: an older upsert arriving more than {@code catalog.tombstone-ttl-ms} after
   * the newer delete of an unknown id is no longer recognised as older and is applied.
   */
  @Test
  void anOlderUpsertArrivingAfterTheTombstoneTtlIsApplied() throws Exception {
    Product p = new Product("new-late", "qzxv belt sander", "Quuxco", "BS2", "", 69.0, null);
    apply.setStateTtlProcessingTime(0);
    send(delete(p.id(), 300));
    apply.setStateTtlProcessingTime(ApplyCatalogUpdates.DEFAULT_TOMBSTONE_TTL_MS + 1);
    send(upsert(p, true, 100));
    assertThat(everywhere("qzxv belt sander", null))
        .extracting(RankedItem::productId)
        .contains(p.id());
  }

  /** The remembered patch is checkpointed: after a restore an older re-listing still takes it. */
  @Test
  void aRememberedPatchSurvivesARestore() throws Exception {
    Product base = catalog.products().get(12);
    Product relisted =
        new Product(base.id(), base.title(), base.brand(), base.model(), "", 40.0, null);
    send(delete(base.id(), 100));
    send(patch(base.id(), 1.0, false, 300));
    OperatorSubtaskState snapshot = apply.snapshot(1, 1);
    apply.close();
    apply = newApply();
    apply.initializeState(snapshot);
    apply.open();
    send(upsert(relisted, true, 200));
    int home = expertsOf(relisted.searchableText())[0];
    assertThat(search(base.title(), home, null).items())
        .filteredOn(i -> i.productId().equals(base.id()))
        .isNotEmpty()
        .allSatisfy(
            i -> {
              assertThat(i.inStock()).as("stock of ts 300").isFalse();
              assertThat(i.price()).as("price of ts 300").isEqualTo(1.0);
            });
  }

  /**
   * Final review: a new product upserted at ts 100, deleted at ts 200 and re-priced at ts 300 (a
   * patch never resurrects a deleted product): in ts order it is deleted. The patch arrives first
   * (UNKNOWN, remembered), then the upsert, applied with the patch over it AT THE PATCH'S TS (300),
   * then the delete: 200 <= 300, stale. The deleted product is served from every slot for ever.
   * Before the change the patch was dropped and the delete applied.
   */
  @Test
  void finalReviewADeleteBetweenTheUpsertAndANewerRememberedPatchStillDeletes() throws Exception {
    Product p = new Product("new-mid", "qzxv rotary hammer", "Quuxco", "RH7", "", 79.0, null);
    send(patch(p.id(), 5.0, null, 300));
    send(upsert(p, true, 100));
    send(delete(p.id(), 200));
    assertThat(everywhere("qzxv rotary hammer", null))
        .extracting(RankedItem::productId)
        .as("deleted at ts 200, after its only upsert (ts 100)")
        .doesNotContain(p.id());
  }

  /**
   * Final review: a catalogue product deleted (ts 100), re-listed in stock (ts 200), stocked out
   * (ts 250), re-priced (ts 300). In ts order it is out of stock. Arrival: delete, re-price
   * (remembered), re-listing (applied at ts 300), stock-out: stale. Served under in_stock. Before
   * the change the stock-out applied.
   */
  @Test
  void finalReviewAStockOutBetweenTheReListingAndANewerRememberedPatchIsApplied() throws Exception {
    Product base = catalog.products().get(13);
    Product relisted =
        new Product(base.id(), base.title(), base.brand(), base.model(), "", 40.0, null);
    send(delete(base.id(), 100));
    send(patch(base.id(), 5.0, null, 300));
    send(upsert(relisted, true, 200));
    send(patch(base.id(), null, false, 250));
    int home = expertsOf(relisted.searchableText())[0];
    Filters inStock = new Filters(null, null, null, true);
    assertThat(search(base.title(), home, inStock).items())
        .extracting(RankedItem::productId)
        .as("out of stock since ts 250")
        .doesNotContain(base.id());
  }

  /** A topic record of {@code u} (key = id) produced at {@code producedAt}, through the codec. */
  private static ProductUpdate viaTopic(CatalogUpdate u, long producedAt) {
    CatalogUpdateCodec codec = CatalogUpdateCodec.withDefaults();
    RawMessage raw =
        new RawMessage(
            "search-catalog-updates",
            0,
            producedAt,
            producedAt,
            u.productId().getBytes(StandardCharsets.UTF_8),
            codec.encode(u),
            null);
    var outcome = codec.parse(raw, producedAt);
    assertThat(outcome)
        .as("accepted by the codec")
        .isInstanceOf(CatalogUpdateCodec.Outcome.Accepted.class);
    return ProductUpdate.of(((CatalogUpdateCodec.Outcome.Accepted) outcome).update(), producedAt);
  }

  /**
   * The ts order decides, also against a fast clock (docs/messages.md): a producer 59 min fast
   * upserts a new product; 10 min later a correct producer deletes it. The delete is older by
   * {@code ts} and ignored as stale (the product stays served; a principled order across producers'
   * clocks does not exist in the record). What the one-hour skew bound guarantees: a correct-clock
   * update sent more than an hour after the fast record (by Kafka timestamp) is newer than it and
   * applies, so no record freezes a product for longer than that; the lost delete must be sent
   * again.
   */
  @Test
  void aDeleteWithinTheClockSkewBoundOfAFastUpsertIsStaleAndOneSentAfterItApplies()
      throws Exception {
    long t = 1_732_300_000_000L;
    Product p =
        new Product("new-skew", "qzxv bench grinder 250w", "Quuxco", "BG250", "", 89.0, null);
    send(viaTopic(CatalogUpdate.upsert(p, true, t + 59 * 60_000L), t));
    send(viaTopic(CatalogUpdate.delete(p.id(), t + 10 * 60_000L), t + 10 * 60_000L));
    assertThat(everywhere("qzxv bench grinder 250w", null))
        .extracting(RankedItem::productId)
        .as("the delete's ts is older than the fast upsert's: stale, ignored")
        .contains(p.id());
    send(viaTopic(CatalogUpdate.delete(p.id(), t + 61 * 60_000L), t + 61 * 60_000L));
    assertThat(everywhere("qzxv bench grinder 250w", null))
        .extracting(RankedItem::productId)
        .as("a delete sent more than the skew bound after the fast upsert is newer by ts")
        .doesNotContain(p.id());
  }

  /**
   * Growth review (a deleted product's keyed state, fix-grow-c): what keeps a deleted product
   * deleted. A new product is upserted and deleted a minute later; three hours on (well past {@code
   * catalog.tombstone-ttl-ms}) its upsert from before the delete is sent again, e.g. by a re-sync
   * replaying the source's state as of then: its {@code ts} is older than the delete's and behind
   * its own Kafka timestamp, which the codec accepts (only a {@code ts} ahead of it is bounded). It
   * is stale only because the product's applied state (the hidden entry at the delete's {@code ts})
   * is still kept; a newer patch after it is then of a deleted product and brings nothing back.
   * State forgotten after the TTL would apply the old upsert as a new product (the slots, still
   * holding the delete, ignore it; a layout change would re-lay it to new slots) and the newer
   * patch would then re-send it whole to every slot, newer than their delete: served again.
   */
  @Test
  void anOlderUpsertOfADeletedProductSentLongAfterTheTtlDoesNotBringItBack() throws Exception {
    long t = 1_732_300_000_000L;
    long ttl = ApplyCatalogUpdates.DEFAULT_TOMBSTONE_TTL_MS;
    Product p = new Product("new-gone", "qzxv wet tile saw", "Quuxco", "TS9", "", 129.0, null);
    at(t);
    send(viaTopic(CatalogUpdate.upsert(p, true, t), t));
    send(viaTopic(CatalogUpdate.delete(p.id(), t + 60_000), t + 60_000));
    assertThat(everywhere("qzxv wet tile saw", null))
        .extracting(RankedItem::productId)
        .doesNotContain(p.id());
    at(t + 3 * ttl);
    int before = apply.extractOutputValues().size();
    send(viaTopic(CatalogUpdate.upsert(p, true, t + 30_000), t + 3 * ttl));
    assertThat(apply.extractOutputValues())
        .as("an upsert older than the applied delete is stale, however late it comes")
        .hasSize(before);
    send(viaTopic(CatalogUpdate.patch(p.id(), 99.0, null, t + 4 * ttl), t + 4 * ttl));
    assertThat(apply.extractOutputValues()).as("a patch of a deleted product").hasSize(before);
    assertThat(everywhere("qzxv wet tile saw", null))
        .extracting(RankedItem::productId)
        .as("deleted at t + 1 min; nothing newer re-listed it")
        .doesNotContain(p.id());
  }

  /**
   * Growth review (fix-grow-c): the numbering of one product's updates is shared by two operators
   * ({@link SequenceCatalogUpdates} numbers, {@link ApplyCatalogUpdates} applies in number order
   * and ignores a number it already applied), whose clocks and inputs differ: the delete may reach
   * the second long after the first numbered it (a backlog). A re-listing sent long after the
   * delete is applied, however far apart the two operators are in time.
   */
  @Test
  void aReListingLongAfterADeleteIsAppliedWhateverEachOperatorsClock() throws Exception {
    long t = 1_732_300_000_000L;
    long ttl = ApplyCatalogUpdates.DEFAULT_TOMBSTONE_TTL_MS;
    Product p = new Product("new-back", "qzxv tile nipper", "Quuxco", "TN2", "", 19.0, null);
    at(t);
    send(viaTopic(CatalogUpdate.upsert(p, true, t), t));
    send(viaTopic(CatalogUpdate.delete(p.id(), t + 60_000), t + 60_000));
    sequence.setProcessingTime(t + 3 * ttl);
    sequence.setStateTtlProcessingTime(t + 3 * ttl);
    apply.setProcessingTime(t + ttl / 2);
    apply.setStateTtlProcessingTime(t + ttl / 2);
    send(viaTopic(CatalogUpdate.upsert(p, true, t + 3 * ttl), t + 3 * ttl));
    assertThat(everywhere("qzxv tile nipper", null))
        .extracting(RankedItem::productId)
        .as("re-listed after its delete")
        .contains(p.id());
  }

  /** Processing time (timers and state TTL) of the sequencing and applying operators. */
  private void at(long millis) throws Exception {
    sequence.setProcessingTime(millis);
    sequence.setStateTtlProcessingTime(millis);
    apply.setProcessingTime(millis);
    apply.setStateTtlProcessingTime(millis);
  }
}
