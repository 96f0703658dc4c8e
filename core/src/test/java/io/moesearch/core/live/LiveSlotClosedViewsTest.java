package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.ProductDocuments;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adversarial (a bound that multiplies by the version count): a {@link LiveSlot} keeps one view per
 * artifact index it ever searched ({@code views}, identity-keyed, cleared only once {@code
 * VIEWS_KEPT} = 16 have piled up), and a view holds its index, the set of every product id that
 * index holds ({@code held}: for the lexical slot, the whole catalogue) and the index's cached
 * document rows. The retrieval operator closes a version once two newer ones are open, but the slot
 * never lets go of the closed indexes' views: after each index version swap (hourly compactions,
 * gate updates) up to 15 dead views per slot stay reachable, each a catalogue-sized id set plus the
 * closed index's rows, which {@code ExpertIndex.close()} has already returned to the global row
 * budget ({@code ROW_BUDGET_CHARS}), so they are no longer counted anywhere.
 */
class LiveSlotClosedViewsTest {
  private static final int DOCS = 500;
  private static final int VERSIONS = 10;

  @TempDir Path index;

  private static Object field(Object o, Class<?> c, String name) throws Exception {
    Field f = c.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }

  @Test
  void viewsOfClosedIndexesStayReachableWithTheirIdSetsAndRows() throws Exception {
    try (IndexWriter w =
        new IndexWriter(FSDirectory.open(index), new IndexWriterConfig(Analyzers.forIndexing()))) {
      for (int i = 0; i < DOCS; i++) {
        float[] v = {1, i / (float) DOCS, 0, 0};
        w.addDocument(
            ProductDocuments.toDocument(
                i, new Product("p" + i, "usb cable " + i, "Anker", "", "", 1.0 + i, null), v));
      }
    }
    float[] q = {1, 0.5f, 0, 0};
    try (LiveSlot slot = new LiveSlot()) {
      slot.apply(DeltaEntry.patched("p1", 1, 3.0, false));
      for (int version = 0; version < VERSIONS; version++) {
        // Each version swap: the retrieval opens the new version's index, serves with it, and
        // closes an old one once more than two are open, its slots forgetting their views of it
        // (ExpertRetrieval#retire; ExpertRetrievalTest checks that it does).
        ExpertIndex opened = ExpertIndex.open(index);
        assertThat(slot.denseTopK(opened, q, 10, 2, LiveFilter.NONE)).isNotEmpty();
        slot.forget(opened);
        opened.close();
      }
      @SuppressWarnings("unchecked")
      Map<ExpertIndex, Object> views =
          (Map<ExpertIndex, Object>) field(slot, LiveSlot.class, "views");
      int closedViews = 0;
      long heldIds = 0;
      long rows = 0;
      for (Map.Entry<ExpertIndex, Object> e : views.entrySet()) {
        if (((AtomicBoolean) field(e.getKey(), ExpertIndex.class, "closed")).get()) {
          closedViews++;
          heldIds += ((Set<?>) field(e.getValue(), e.getValue().getClass(), "held")).size();
          Object[] r = (Object[]) field(e.getKey(), ExpertIndex.class, "rows");
          for (Object row : r) {
            rows += row == null ? 0 : 1;
          }
        }
      }
      System.out.printf(
          "after %d index versions: %d views kept, %d of closed indexes, holding %d product ids"
              + " and %d cached rows no budget counts any more%n",
          VERSIONS, views.size(), closedViews, heldIds, rows);
      assertThat(closedViews)
          .as(
              "views of closed (no longer servable) indexes the slot keeps reachable, each with a"
                  + " set of all %d of its product ids and its cached rows",
              DOCS)
          .isZero();
    }
  }
}
