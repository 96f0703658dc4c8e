package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.artifact.GateVersionWriter;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.VectorEncoding;
import io.moesearch.core.live.DeltaEntry;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.testing.SmallIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live catalogue across a change of serving layout ({@code routing update} with {@code
 * routing.replica-slots} or {@code --layout-only}: experts get replicas at new slots), while the
 * job runs and while it is down: {@link ApplyCatalogUpdatesOperator} fans every product's kept
 * state out again over the new layout, so the new replicas' slots hold the delta. Each test builds
 * its own root (the submitted version A, LATEST) and runs the live catalogue's two operators over
 * it, the apply's output (also what it emits at a restore) forwarded to the retrieval as the job's
 * keyBy does.
 */
class ApplyCatalogUpdatesLayoutTest {
  private static final int PRODUCTS = 300;
  private static final int EXPERTS = 4;

  @TempDir static Path tmp;
  static EmbeddingModel model;
  static Embedder embedder;
  static Catalog catalog;

  private Path root;
  private Path dirA;
  private IndexArtifact a;
  private KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> apply;
  private KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult>
      retrieval;

  @BeforeAll
  static void load() {
    model = SmallIndex.model();
    embedder = model.newEmbedder();
    catalog = SmallIndex.catalogue(PRODUCTS);
  }

  @AfterAll
  static void close() {
    embedder.close();
    model.close();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (apply != null) {
      apply.close();
    }
    if (retrieval != null) {
      retrieval.close();
    }
  }

  private void buildRoot(String name) throws Exception {
    root = tmp.resolve(name);
    Files.createDirectories(root);
    dirA = SmallIndex.build(catalog, model, EXPERTS, root);
    a = IndexArtifact.load(dirA, 384);
  }

  private KeyedOneInputStreamOperatorTestHarness<String, ProductUpdate, SlotDelta> newApply()
      throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedOneInputStreamOperatorTestHarness<>(
            new ApplyCatalogUpdatesOperator(
                new ApplyCatalogUpdates(dirA.toString(), root.toString())),
            ProductUpdate::productId,
            Types.STRING));
  }

  private KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult>
      newRetrieval() throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(
                new ExpertRetrieval(
                    dirA.toString(),
                    3,
                    new RankingSettings(true, 20, 50, LinearFusion.rrf()),
                    60_000,
                    10_000,
                    root.toString())),
            ExpertRequest::slot,
            SlotDelta::slot,
            Types.INT));
  }

  private void start() throws Exception {
    apply = newApply();
    apply.open();
    retrieval = newRetrieval();
    retrieval.open();
    retrieval.setProcessingTime(1_000);
  }

  /**
   * Snapshots both operators, closes them and restores fresh instances from the snapshots; what the
   * restored apply emits at once (before any update) reaches the retrieval, as in the job.
   */
  private void restart(Runnable whileDown) throws Exception {
    OperatorSubtaskState as = apply.snapshot(1, 1);
    OperatorSubtaskState rs = retrieval.snapshot(1, 1);
    apply.close();
    retrieval.close();
    apply = null;
    retrieval = null;
    whileDown.run();
    apply = newApply();
    apply.setup();
    apply.initializeState(as);
    apply.open();
    retrieval = newRetrieval();
    retrieval.setup();
    retrieval.initializeState(rs);
    retrieval.open();
    retrieval.setProcessingTime(2_000);
    forward(0);
  }

  /** Hands the apply's output from index {@code from} on to the retrieval. */
  private void forward(int from) throws Exception {
    List<SlotDelta> out = apply.extractOutputValues();
    for (SlotDelta d : List.copyOf(out.subList(from, out.size()))) {
      retrieval.processElement2(new StreamRecord<>(d));
    }
  }

  private void send(ProductUpdate u) throws Exception {
    int before = apply.extractOutputValues().size();
    apply.processElement(new StreamRecord<>(u));
    forward(before);
  }

  /**
   * A request for {@code expert} served by {@code slot}, routed with the version at {@code dir}.
   */
  private List<String> search(Path dir, String text, int expert, int slot) throws Exception {
    SearchQuery q = new SearchQuery("q" + text.hashCode() + slot, text, 10, null, 0, null);
    ExpertRequest r =
        new ExpertRequest(
            q,
            embedder.embed(text),
            expert,
            new int[] {expert},
            0,
            0,
            0,
            false,
            dir.toString(),
            null,
            0,
            slot);
    int before = retrieval.extractOutputValues().size();
    retrieval.processElement1(new StreamRecord<>(r));
    PartialResult p = retrieval.extractOutputValues().get(before);
    assertThat(p.failed()).as("request failed").isFalse();
    return Arrays.stream(p.items()).map(RankedItem::productId).toList();
  }

  private int home(Product p) {
    var g = a.manifest().gate();
    return new ExpertAssigner(a.gate(), g.temperature(), g.replicationRatio(), g.maxCopies())
        .assign(embedder.embed(p.searchableText()))[0];
  }

  private static ProductUpdate delete(String id, long ts) {
    return ProductUpdate.of(CatalogUpdate.delete(id, ts), 1);
  }

  private static ProductUpdate upsert(Product p, long ts) {
    return ProductUpdate.of(CatalogUpdate.upsert(p, true, ts), 1)
        .withVector(embedder.embed(p.searchableText()));
  }

  /**
   * {@code routing update} with {@code routing.replica-slots} (docs/operations.md "Ship a new gate
   * or index") writes a version with a replicated layout and moves LATEST; here while the job is
   * down, then it restarts from its savepoint. Each expert x now has a second replica at slot x+4.
   * The live delta is keyed by slot and was fanned out over the old layout's slots 0..3, and the
   * updates before the savepoint are not replayed: the restored apply fans its kept states out over
   * the new layout, so the new slots 4..7 hide the deleted product and serve the upserted one.
   */
  @Test
  void aLayoutChangeWhileDownFansTheLiveDeltaOutOverTheNewSlotsAtTheRestore() throws Exception {
    buildRoot("layout");
    start();
    Product gone = catalog.products().get(1);
    Product fresh =
        new Product("new-1", "zyxwq turbo blender 900", "Quuxco", "TB900", "", 49.0, null);
    int goneHome = home(gone);
    int freshHome = home(fresh);
    assertThat(search(dirA, gone.title(), goneHome, goneHome)).contains(gone.id());
    send(delete(gone.id(), 5));
    send(upsert(fresh, 6));
    assertThat(search(dirA, gone.title(), goneHome, goneHome)).doesNotContain(gone.id());
    assertThat(search(dirA, fresh.title(), freshHome, freshHome)).contains(fresh.id());

    Path[] g = new Path[1];
    restart(() -> g[0] = writeLayout("replicated layout", e -> new int[] {e, e + EXPERTS}));

    assertThat(search(g[0], gone.title(), goneHome, goneHome))
        .as("the old replica still holds the delete")
        .doesNotContain(gone.id());
    assertThat(search(g[0], gone.title(), goneHome, goneHome + EXPERTS))
        .as(
            "the new replica of expert %d (slot %d) must not serve the deleted product",
            goneHome, goneHome + EXPERTS)
        .doesNotContain(gone.id());
    assertThat(search(g[0], fresh.title(), freshHome, freshHome + EXPERTS))
        .as(
            "the new replica of expert %d (slot %d) must serve the upserted product",
            freshHome, freshHome + EXPERTS)
        .contains(fresh.id());
  }

  /**
   * The same layout change while the job runs: the router swaps to it within the watch interval,
   * and apply-catalog-updates follows LATEST too, so a product deleted after the swap is hidden on
   * the new replicas' slots.
   */
  @Test
  void aLayoutChangeWhileRunningSendsLaterUpdatesToTheNewSlots() throws Exception {
    buildRoot("layout-live");
    start();
    Path g = writeLayout("replicated layout", e -> new int[] {e, e + EXPERTS});
    Product gone = catalog.products().get(2);
    int goneHome = home(gone);
    send(delete(gone.id(), 5)); // after the swap
    assertThat(search(g, gone.title(), goneHome, goneHome + EXPERTS))
        .as(
            "deleted after the swap to the new layout; slot %d holds expert %d",
            goneHome + EXPERTS, goneHome)
        .doesNotContain(gone.id());
  }

  /**
   * A layout change while running also reaches what was applied before it: a product deleted and
   * one upserted under the old layout, and an existing slot that now also holds a replica of the
   * upserted product's expert, where the same update was fanned out as hidden (the slot must take
   * the new layout's kind for the same {@code ts}), without an update after the swap (the watch
   * interval); and again at a restore under a third layout.
   */
  @Test
  void aLayoutChangeWhileRunningFansTheKeptStatesOutOverIt() throws Exception {
    buildRoot("layout-kept");
    start();
    Product gone = catalog.products().get(3);
    Product fresh =
        new Product("new-2", "qwzyx espresso grinder 77", "Quuxco", "EG77", "", 89.0, null);
    Product later = catalog.products().get(4);
    int goneHome = home(gone);
    int freshHome = home(fresh);
    int laterHome = home(later);
    send(delete(gone.id(), 5));
    send(upsert(fresh, 6));
    int neighbour = (freshHome + 1) % EXPERTS;
    assertThat(search(dirA, fresh.title(), neighbour, neighbour)).doesNotContain(fresh.id());

    // every expert e gains a replica at slot (e + 1) % 4 and one at the new slot e + 4
    Path g = writeLayout("replicated layout", e -> new int[] {e, (e + 1) % EXPERTS, e + EXPERTS});
    // no update comes: the apply reads LATEST every watch interval and fans out over the new layout
    int before = apply.extractOutputValues().size();
    apply.setProcessingTime(ApplyCatalogUpdates.DEFAULT_WATCH_INTERVAL_MS + 1);
    forward(before);
    send(delete(later.id(), 7));

    assertThat(search(g, gone.title(), goneHome, goneHome + EXPERTS))
        .as(
            "deleted before the swap; slot %d is a new replica of expert %d",
            goneHome + EXPERTS, goneHome)
        .doesNotContain(gone.id());
    assertThat(search(g, gone.title(), goneHome, (goneHome + 1) % EXPERTS))
        .doesNotContain(gone.id());
    assertThat(search(g, fresh.title(), freshHome, freshHome + EXPERTS)).contains(fresh.id());
    assertThat(search(g, fresh.title(), freshHome, neighbour))
        .as(
            "slot %d now holds a replica of expert %d, where the upsert was hidden",
            neighbour, freshHome)
        .contains(fresh.id());
    assertThat(search(g, later.title(), laterHome, laterHome + EXPERTS)).doesNotContain(later.id());

    // the kept states are fanned out once more at a restore under a third layout
    send(upsert(gone, 8));
    // every slot 0..3 also given to the expert of the same number
    restart(() -> writeLayout("another layout", e -> new int[] {e, e + EXPERTS}));
    assertThat(search(IndexArtifact.resolve(root), gone.title(), goneHome, goneHome + EXPERTS))
        .as("upserted again after its delete")
        .contains(gone.id());
    assertThat(search(IndexArtifact.resolve(root), later.title(), laterHome, laterHome))
        .doesNotContain(later.id());
  }

  /**
   * A full rebuild with other experts (here 2 instead of 4) moves LATEST: an upserted product is
   * fanned out by the new gate, not by the experts its signature was given under the old one (which
   * the new layout may not have: expert 3 of 4 would leave it searchable in no slot).
   */
  @Test
  void aRebuildWithOtherExpertsAssignsAnUpsertedProductByItsNewGate() throws Exception {
    buildRoot("rebuild");
    start();
    Product fresh = null;
    for (Product p : catalog.products()) {
      Product copy = new Product("new-" + p.id(), p.title(), p.brand(), p.model(), "", 10.0, null);
      if (home(copy) >= 2) {
        fresh = copy;
        break;
      }
    }
    assertThat(fresh).as("a product the old gate puts in expert 2 or 3").isNotNull();
    send(upsert(fresh, 6));
    Path v2 = SmallIndex.build(catalog, model, 2, root);
    IndexArtifact b = IndexArtifact.load(v2, 384);
    var g = b.manifest().gate();
    int newHome =
        new ExpertAssigner(b.gate(), g.temperature(), g.replicationRatio(), g.maxCopies())
            .assign(embedder.embed(fresh.searchableText()))[0];
    int before = apply.extractOutputValues().size();
    apply.setProcessingTime(ApplyCatalogUpdates.DEFAULT_WATCH_INTERVAL_MS + 1);
    String id = fresh.id();
    List<Integer> live =
        apply.extractOutputValues().subList(before, apply.extractOutputValues().size()).stream()
            .filter(d -> d.relaid() && d.entry().productId().equals(id))
            .filter(d -> d.entry().kind() == DeltaEntry.Kind.LIVE)
            .map(SlotDelta::slot)
            .toList();
    assertThat(live).as("slots the upsert is searchable in after the rebuild").contains(newHome);
  }

  /**
   * A full rebuild with the same layout (4 experts, 4 slots) but another gate (another seed), so
   * its experts hold other products: an update reaches only the slots whose artifact index holds
   * its product, so a product deleted before the swap was hidden only on the old version's slots.
   * apply-catalog-updates follows LATEST and fans every kept state out over the new version's
   * experts too, so the deleted product stays hidden on the slots that hold it in the rebuild, also
   * after a restart on it.
   */
  @Test
  void aRebuildWithOtherMembersHidesWhatWasDeletedBeforeItOnItsNewExperts() throws Exception {
    buildRoot("members");
    start();
    Path v2 =
        IndexBuilder.buildLocally(
            catalog,
            model,
            new IndexBuildSettings(
                EXPERTS, 10, 7L, 0.05, 0.5, 2, VectorEncoding.FLOAT32, 16, 100, 32),
            tmp.resolve("members-staging"),
            2,
            n -> {});
    int[][] membersA = IndexBuilder.readMembers(dirA);
    int[][] membersB = IndexBuilder.readMembers(v2);
    List<String> ids = IndexArtifact.load(v2, 384).ids();
    assertThat(ids).isEqualTo(a.ids());
    // Products the rebuild places in an expert
    // whose index in A does not hold them.
    List<int[]> moved = new java.util.ArrayList<>(); // {ordinal, new expert}
    for (int e = 0; e < EXPERTS && moved.size() < 2; e++) {
      for (int ord : membersB[e]) {
        int o = ord;
        if (Arrays.stream(membersA[e]).noneMatch(x -> x == o)) {
          moved.add(new int[] {ord, e});
          if (moved.size() == 2) {
            break;
          }
        }
      }
    }
    assertThat(moved).as("the rebuild moves products between experts").hasSize(2);
    Product deleted = catalog.products().get(moved.get(0)[0]);
    Product patched = catalog.products().get(moved.get(1)[0]);
    assertThat(deleted.id()).isEqualTo(ids.get(moved.get(0)[0]));
    send(delete(deleted.id(), 5));
    // The rebuild goes live after the delete: moved under the root, LATEST pointed at it.
    Path dirB = root.resolve(v2.getFileName());
    Files.move(v2, dirB);
    IndexBuilder.markLatest(root, dirB.getFileName().toString());
    int before = apply.extractOutputValues().size();
    apply.setProcessingTime(ApplyCatalogUpdates.DEFAULT_WATCH_INTERVAL_MS + 1);
    forward(before);
    int eDeleted = moved.get(0)[1];
    int ePatched = moved.get(1)[1];
    assertThat(search(dirB, deleted.title(), eDeleted, eDeleted))
        .as("the rebuild's expert of a product deleted before it")
        .doesNotContain(deleted.id());
    assertThat(search(dirB, patched.title(), ePatched, ePatched))
        .as("control: the rebuild's expert finds a product by its title")
        .contains(patched.id());
    restart(() -> {});
    assertThat(search(dirB, deleted.title(), eDeleted, eDeleted))
        .as("after a restart on the rebuild")
        .doesNotContain(deleted.id());
  }

  /**
   * Writes a gate update of version A with a layout of {@code 2 × EXPERTS} slots, expert {@code e}
   * replicated at {@code replicasOf(e)}, and moves LATEST to it.
   */
  private Path writeLayout(String why, IntFunction<int[]> replicasOf) {
    int[][] replicas = new int[EXPERTS][];
    for (int e = 0; e < EXPERTS; e++) {
      replicas[e] = replicasOf.apply(e);
    }
    return GateVersionWriter.write(
            dirA,
            a.gate(),
            new ExpertPlacement(2 * EXPERTS, replicas),
            new Manifest.GateUpdate(a.version(), why, Map.of()),
            root)
        .dir();
  }
}
