package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.ArtifactException;
import io.moesearch.core.artifact.GateVersionWriter;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.testing.SmallIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which index version the router, the expert retrieval and the cache serve when versions are
 * removed or corrupt: a restart follows the current verified version, and a corrupt {@code LATEST}
 * is adopted by none of them.
 */
class ServingVersionTest {
  private static final int EXPERTS = 4;
  private static final CacheSettings CACHE = new CacheSettings(1000, 60_000, 60_000, 120_000, 500);

  @TempDir static Path root;
  static EmbeddingModel model;
  static Embedder embedder;
  static Path base;
  static IndexArtifact baseArtifact;

  @BeforeAll
  static void buildIndex() {
    model = SmallIndex.model();
    embedder = model.newEmbedder();
    base = SmallIndex.build(SmallIndex.catalogue(300), model, EXPERTS, root.resolve("base"));
    baseArtifact = IndexArtifact.load(base, 384);
  }

  @AfterAll
  static void close() {
    embedder.close();
    model.close();
  }

  /** A new version of the base index in {@code indexRoot} (its LATEST now names it). */
  private static GateVersionWriter.Result newVersion(Path parent, Path indexRoot) {
    return GateVersionWriter.write(
        parent,
        baseArtifact.gate(),
        new Manifest.GateUpdate(baseArtifact.version(), "test", Map.of()),
        indexRoot);
  }

  /** Changes one byte of the version's own gate file (not a link), so its checksum fails. */
  private static void corruptGate(Path version) throws IOException {
    Path gate = version.resolve(IndexArtifact.readManifest(version).gate().file());
    byte[] bytes = Files.readAllBytes(gate);
    bytes[bytes.length - 1] ^= 0x5a;
    Files.write(gate, bytes);
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  private static LoadAwareRoutingConfig routing() {
    return LoadAwareRoutingConfig.plain(new RoutingConfig(0.05, new ActivationRule(0.5, 1, 2)), 1);
  }

  private static BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> router(
      RouteQueries fn) throws Exception {
    return Harnesses.router(fn);
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          Integer, ExpertRequest, SlotDelta, PartialResult>
      retrieval(ExpertRetrieval fn) throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(fn), ExpertRequest::slot, SlotDelta::slot, Types.INT));
  }

  private static KeyedBroadcastOperatorTestHarness<String, CacheInput, CatalogChange, SearchResult>
      cache(CacheLookup fn) throws Exception {
    return Harnesses.withoutGenericTypes(
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                fn, List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
            CacheInput::key,
            Types.STRING,
            128,
            1,
            0));
  }

  private static EmbeddedQuery embedded(int i) {
    SearchQuery q = new SearchQuery("q-" + i, "usb c cable", 10, null, 0, null);
    return new EmbeddedQuery(q, embedder.embed(q.text()), 10_000L + i, 0);
  }

  private static CacheFill resultFill(String version) {
    return new CacheFill(
        CacheFill.Kind.RESULT,
        "usb c cable",
        10,
        "",
        version,
        new RankedItem[] {new RankedItem(baseArtifact.ids().get(0), "cable", 0.9f)},
        new int[] {1},
        null,
        5,
        null,
        null,
        null);
  }

  private static AcceptedQuery accepted(int i) {
    return new AcceptedQuery(new SearchQuery("c-" + i, "usb c cable", 10, null, 0, null), 1_000L);
  }

  @Test
  void aRestartAfterTheSubmittedVersionWasRemovedServesTheCurrentVersion() throws Exception {
    Path indexRoot = root.resolve("removed");
    Path v1 = newVersion(base, indexRoot).dir();
    String modelId = IndexArtifact.readManifest(v1).modelId();
    // The operators of a job submitted with v1, which the index root then moved past.
    RouteQueries route = new RouteQueries(v1.toString(), routing(), false, indexRoot.toString(), 1);
    ExpertRetrieval retrieve =
        new ExpertRetrieval(
            v1.toString(), 2, RankingSettings.denseOnly(), 60_000, 10_000, indexRoot.toString());
    CacheLookup lookup =
        new CacheLookup(
            IndexArtifact.readManifest(v1).indexVersion(),
            modelId,
            CACHE,
            v1.toString(),
            indexRoot.toString(),
            1);
    GateVersionWriter.Result v2 = newVersion(v1, indexRoot);
    delete(v1);

    try (var h = router(route)) {
      h.open();
      h.processElement(new StreamRecord<>(embedded(0)));
      assertThat(h.extractOutputValues())
          .isNotEmpty()
          .allSatisfy(
              r -> {
                assertThat(r.indexVersion()).isEqualTo(v2.version());
                assertThat(r.artifactDir()).isEqualTo(v2.dir().toString());
              });
    }
    try (var h = retrieval(retrieve)) {
      h.open();
      EmbeddedQuery q = embedded(1);
      // A request still naming the removed version is served by the current one, not a failure.
      h.processElement1(
          new StreamRecord<>(
              new ExpertRequest(
                  q.query(),
                  q.vector(),
                  1,
                  new int[] {1},
                  q.tsInMillis(),
                  0,
                  0,
                  false,
                  v1.toString(),
                  "gone",
                  0,
                  1)));
      assertThat(h.extractOutputValues())
          .singleElement()
          .satisfies(p -> assertThat(p.indexVersion()).isEqualTo(v2.version()));
    }
    try (var h = cache(lookup)) {
      h.open();
      h.processElement(new StreamRecord<>(CacheInput.of(resultFill(v2.version()))));
      h.processElement(new StreamRecord<>(CacheInput.of(accepted(0))));
      assertThat(h.extractOutputValues())
          .singleElement()
          .satisfies(r -> assertThat(r.indexVersion()).isEqualTo(v2.version()));
    }
  }

  @Test
  void aCorruptLatestLeavesTheRouterAndTheCacheOnTheVerifiedVersion() throws Exception {
    Path indexRoot = root.resolve("corrupt");
    Path v1 = newVersion(base, indexRoot).dir();
    String v1Version = IndexArtifact.readManifest(v1).indexVersion();
    String modelId = IndexArtifact.readManifest(v1).modelId();
    try (var route =
            router(new RouteQueries(v1.toString(), routing(), false, indexRoot.toString(), 1));
        var lookup =
            cache(
                new CacheLookup(
                    v1Version, modelId, CACHE, v1.toString(), indexRoot.toString(), 1))) {
      route.open();
      lookup.open();
      lookup.processElement(new StreamRecord<>(CacheInput.of(resultFill(v1Version))));
      Path v2 = newVersion(v1, indexRoot).dir();
      corruptGate(v2);
      // Long enough for both to notice LATEST and finish verifying the new version.
      long until = System.currentTimeMillis() + 1_500;
      for (int i = 0; System.currentTimeMillis() < until; i++) {
        route.processElement(new StreamRecord<>(embedded(i)));
        lookup.processElement(new StreamRecord<>(CacheInput.of(accepted(i))));
        Thread.sleep(10);
      }
      assertThat(route.extractOutputValues())
          .extracting(ExpertRequest::indexVersion)
          .containsOnly(v1Version);
      assertThat(lookup.getSideOutput(CacheLookup.MISSES)).as("no repeat recomputed").isNull();
      assertThat(lookup.extractOutputValues())
          .isNotEmpty()
          .allSatisfy(
              r -> {
                assertThat(r.indexVersion()).isEqualTo(v1Version);
                assertThat(r.cache()).isIn(SearchResult.CACHE_L1, SearchResult.CACHE_L2);
              });
    }

    // Restarted while LATEST still names the corrupt version: both open the submitted one.
    try (var route =
            router(new RouteQueries(v1.toString(), routing(), false, indexRoot.toString(), 1));
        var lookup =
            cache(
                new CacheLookup(
                    v1Version, modelId, CACHE, v1.toString(), indexRoot.toString(), 1))) {
      route.open();
      lookup.open();
      route.processElement(new StreamRecord<>(embedded(0)));
      lookup.processElement(new StreamRecord<>(CacheInput.of(resultFill(v1Version))));
      lookup.processElement(new StreamRecord<>(CacheInput.of(accepted(0))));
      assertThat(route.extractOutputValues())
          .extracting(ExpertRequest::indexVersion)
          .containsOnly(v1Version);
      assertThat(lookup.extractOutputValues())
          .singleElement()
          .satisfies(r -> assertThat(r.indexVersion()).isEqualTo(v1Version));
    }
  }

  @Test
  void withNoUsableVersionTheOperatorFailsToStartSayingWhy() throws Exception {
    Path indexRoot = root.resolve("none");
    Path v1 = newVersion(base, indexRoot).dir();
    RouteQueries route = new RouteQueries(v1.toString(), routing(), false, indexRoot.toString(), 1);
    Path v2 = newVersion(v1, indexRoot).dir();
    corruptGate(v2);
    delete(v1);
    try (var h = router(route)) {
      assertThatThrownBy(h::open)
          .isInstanceOf(ArtifactException.class)
          .hasMessageContaining("no usable index version")
          .hasMessageContaining("corrupted")
          .hasMessageContaining(v1.getFileName().toString());
    }
  }
}
