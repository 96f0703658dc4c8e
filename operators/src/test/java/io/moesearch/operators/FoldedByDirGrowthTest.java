package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexCompaction;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.core.rank.LinearFusion;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Adversarial (unbounded growth, multiplied by the version count): {@code
 * ExpertRetrieval.foldedByDir} keeps, in heap, the whole folded map ({@code product id → ts}) of
 * every compacted version any slot of the subtask ever swapped to, and never drops one. A
 * compaction's folded map is cumulative (its base's folded entries plus its own: {@code
 * CatalogFold}), so after K hourly compactions the subtask holds K maps of up to every product
 * changed since the base build: O(K × changed products), quadratic in the job's age, although only
 * the version each slot is folded into is ever read ({@code alreadyFolded}).
 */
class FoldedByDirGrowthTest extends SmallIndexTestBase {
  private static final int COMPACTIONS = 5;

  private static PartialResult searchIn(
      KeyedTwoInputStreamOperatorTestHarness<Integer, ExpertRequest, SlotDelta, PartialResult> h,
      Path version,
      int slot)
      throws Exception {
    String text = "usb cable";
    SearchQuery q = new SearchQuery("q" + version.hashCode(), text, 10, null, 0, null);
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
    int before = h.extractOutputValues().size();
    h.processElement1(new StreamRecord<>(r));
    return h.extractOutputValues().get(before);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Long>> foldedByDir(ExpertRetrieval fn) throws Exception {
    Field f = ExpertRetrieval.class.getDeclaredField("foldedByDir");
    f.setAccessible(true);
    return (Map<String, Map<String, Long>>) f.get(fn);
  }

  @Test
  void everyCompactedVersionsCumulativeFoldedMapStaysInHeapForever() throws Exception {
    ExpertRetrieval fn =
        new ExpertRetrieval(
            dir.toString(), 3, new RankingSettings(true, 20, 50, LinearFusion.rrf()));
    try (var retrieval =
        Harnesses.withoutGenericTypes(
            new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(fn),
                ExpertRequest::slot,
                SlotDelta::slot,
                Types.INT))) {
      retrieval.open();
      retrieval.setProcessingTime(1_000);

      IndexArtifact base = artifact;
      List<Product> baseProducts = catalog.products();
      int slot = 0;
      for (int k = 1; k <= COMPACTIONS; k++) {
        // index compact, hourly: a few more products deleted since the last one.
        var g = base.manifest().gate();
        CatalogFold fold =
            new CatalogFold(
                baseProducts,
                base.folded(),
                new ExpertAssigner(
                    base.gate(), g.temperature(), g.replicationRatio(), g.maxCopies()),
                base.placement());
        fold.delete(catalog.products().get(10 + k).id(), 100 + k);
        Path compactRoot = Files.createDirectories(root.resolve("compacted-" + k));
        IndexArtifact next =
            IndexCompaction.compactLocally(
                base, baseProducts, fold, embedder, compactRoot, 16, "t", Map.of(0, (long) k), 1);
        assertThat(next.folded()).as("folded maps are cumulative").hasSize(k);
        // The slot serves the new version (the job swaps it in): its first request folds.
        searchIn(retrieval, next.dir(), slot);
        base = next;
        baseProducts = IndexCompaction.baseCatalogue(next);
      }

      Map<String, Map<String, Long>> kept = foldedByDir(fn);
      long entries = kept.values().stream().mapToLong(Map::size).sum();
      System.out.printf(
          "after %d compactions: foldedByDir holds %d versions' folded maps, %d entries in all"
              + " (the served version's alone: %d)%n",
          COMPACTIONS, kept.size(), entries, base.folded().size());
      assertThat(kept.size())
          .as(
              "folded maps kept in heap after %d compactions; the slot is folded into one version"
                  + " and the retrieval keeps at most 2 versions open, yet every one is kept",
              COMPACTIONS)
          .isLessThanOrEqualTo(2);
    }
  }
}
