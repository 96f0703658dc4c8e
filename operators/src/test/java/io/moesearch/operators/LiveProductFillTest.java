package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.ArtifactLayout;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.live.UpsertSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos round: an answer holding a product the live catalogue upserted (not in the served index
 * version's ids until a compaction folds it) is a correct answer, checked like any other against
 * the catalogue changes, and is cached. The cache operators checked every fill's products against
 * the version's ids only, so the answers holding a newly listed product were never cached: each
 * identical query was computed again (and the queries coalesced behind one were released to be
 * computed too) until the next {@code index compact}.
 */
class LiveProductFillTest {
  private static final String VERSION = "idx-1";
  private static final String MODEL = "model-a";
  private static final CacheSettings SETTINGS =
      new CacheSettings(1000, 60_000, 3_600_000, 3_600_000, 500);

  @TempDir Path dir;

  private Path artifactWithIds() throws Exception {
    Files.write(dir.resolve(ArtifactLayout.IDS), List.of("p1", "p2"), StandardCharsets.UTF_8);
    return dir;
  }

  private static CatalogChange upsertOf(String id, String title, long at) {
    return new CatalogChange(
        id,
        at,
        UpsertSignature.of(
            at,
            new int[] {4},
            new float[] {0.6f, 0.8f},
            new Product(id, title, "", "", "", 3.0, null)),
        null);
  }

  private static CacheFill fillHolding(String text, long computedAt, RankedItem... items) {
    return new CacheFill(
        CacheFill.Kind.RESULT,
        text,
        10,
        "",
        VERSION,
        items,
        new int[] {4},
        null,
        computedAt,
        null,
        null,
        null);
  }

  /** The cache lookup serving the artifact of {@link #artifactWithIds}, its catalogue inputs. */
  private KeyedBroadcastOperatorTestHarness<String, CacheInput, CatalogChange, SearchResult>
      lookupOverArtifact() throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new CacheLookup(VERSION, MODEL, SETTINGS, artifactWithIds().toString(), null, 0),
                List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
            CacheInput::key,
            Types.STRING,
            128,
            1,
            0));
  }

  private static final RankedItem[] WITH_NEW_PRODUCT = {
    new RankedItem("new-9", "Qwzx solar lantern", 0.9f), new RankedItem("p1", "Lantern", 0.8f)
  };

  @Test
  void theLookupCachesAnAnswerHoldingAProductUpsertedLive() throws Exception {
    long now = System.currentTimeMillis();
    var h = lookupOverArtifact();
    h.setup();
    h.open();
    try {
      h.processBroadcastElement(
          new StreamRecord<>(upsertOf("new-9", "Qwzx solar lantern", now - 10_000)));
      h.processElement(
          new StreamRecord<>(CacheInput.of(fillHolding("solar lantern", now, WITH_NEW_PRODUCT))));
      h.processElement(
          new StreamRecord<>(
              CacheInput.of(
                  new AcceptedQuery(
                      new SearchQuery("q1", "solar lantern", 10, null, 0, null), now))));
      assertThat(h.extractOutputValues())
          .as("answered from the cache, not computed again")
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.cache()).isEqualTo(SearchResult.CACHE_L1);
                assertThat(r.items()).extracting(RankedItem::productId).contains("new-9");
              });
    } finally {
      h.close();
    }
  }

  @Test
  void theHitPathCachesAnAnswerHoldingAProductUpsertedLive() throws Exception {
    long now = System.currentTimeMillis();
    BroadcastOperatorTestHarness<CacheInput, CatalogChange, SearchResult> h =
        Harnesses.cacheHits(
            new CacheHits(VERSION, MODEL, SETTINGS, artifactWithIds().toString(), null, 0));
    try {
      h.processBroadcastElement(
          new StreamRecord<>(upsertOf("new-9", "Qwzx solar lantern", now - 10_000)));
      h.processElement(
          new StreamRecord<>(CacheInput.of(fillHolding("solar lantern", now, WITH_NEW_PRODUCT))));
      h.processElement(
          new StreamRecord<>(
              CacheInput.of(
                  new AcceptedQuery(
                      new SearchQuery("q1", "solar lantern", 10, null, 0, null), now))));
      assertThat(h.extractOutputValues())
          .as("answered by the hit path's L1, not forwarded to be computed")
          .singleElement()
          .extracting(SearchResult::cache)
          .isEqualTo(SearchResult.CACHE_L1);
    } finally {
      h.close();
    }
  }

  @Test
  void aFillNamingAProductNeitherInTheVersionNorUpsertedIsStillNotCached() throws Exception {
    long now = System.currentTimeMillis();
    var h = lookupOverArtifact();
    h.setup();
    h.open();
    try {
      h.processElement(
          new StreamRecord<>(CacheInput.of(fillHolding("solar lantern", now, WITH_NEW_PRODUCT))));
      h.processElement(
          new StreamRecord<>(
              CacheInput.of(
                  new AcceptedQuery(
                      new SearchQuery("q1", "solar lantern", 10, null, 0, null), now))));
      assertThat(h.extractOutputValues()).isEmpty();
    } finally {
      h.close();
    }
  }
}
