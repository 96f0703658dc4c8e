package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.artifact.GateVersionWriter;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.ExpertLoadTracker;
import io.moesearch.core.gate.ExpertPlacement;
import io.moesearch.core.gate.ExpertPlacementPlanner;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.LoadStats;
import io.moesearch.core.gate.Route;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.core.testing.SmallIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14, "one router": the streaming job ({@link RouteQueries}), {@code eval} ({@link
 * Retriever#serving}) and {@code bench routing} (its replay's {@link LoadAwareRouter} with a fresh
 * slot tracker) make identical expert and replica choices, query by query, for the same seeded
 * query sequence and settings with balancing and the fast path on, over a replicated layout.
 */
class OneRouterTest {
  private static final int EXPERTS = 6;
  private static final int QUERIES = 160;

  @TempDir static Path root;

  @Test
  void theJobTheEvalAndTheBenchRouteIdentically() throws Exception {
    try (EmbeddingModel model = SmallIndex.model();
        Embedder embedder = model.newEmbedder()) {
      Catalog catalog = SmallIndex.catalogue(300);
      Path base = SmallIndex.build(catalog, model, EXPERTS, root);
      IndexArtifact plain = IndexArtifact.load(base, 384);
      Gate gate = plain.gate();

      // A pool of queries, drawn with a seeded skew: a few hot queries and a long tail.
      List<String> texts =
          new ArrayList<>(
              List.of(
                  "usb c cable",
                  "toner cartridge black",
                  "wireless optical mouse",
                  "notebook 16 gb ram",
                  "uninterruptible power supply",
                  "label printer tape"));
      for (int i = 0; i < 10; i++) {
        texts.add(catalog.get(i * 29).title());
      }
      float[][] pool = new float[texts.size()][];
      for (int i = 0; i < pool.length; i++) {
        pool[i] = embedder.embed(texts.get(i));
      }
      Random rnd = new Random(42);
      int[] draws = new int[QUERIES];
      for (int i = 0; i < QUERIES; i++) {
        draws[i] = rnd.nextDouble() < 0.6 ? rnd.nextInt(2) : rnd.nextInt(pool.length);
      }

      // The fast path for the more confident half of the pool, balancing strong enough to move.
      double[] entropies = new double[pool.length];
      for (int i = 0; i < pool.length; i++) {
        entropies[i] = LoadStats.normalisedEntropy(gate.probabilities(pool[i], 0.05));
      }
      double[] sorted = entropies.clone();
      Arrays.sort(sorted);
      double threshold = (sorted[pool.length / 2 - 1] + sorted[pool.length / 2]) / 2;
      RoutingConfig gatePart = new RoutingConfig(0.05, new ActivationRule(0.9, 1, 3));
      LoadAwareRoutingConfig routing =
          new LoadAwareRoutingConfig(
              gatePart, 0.5, 2_000, threshold, new ActivationRule(0.8, 1, 1), 10, 3);

      // A replicated layout: the hot queries' expert on three of eight slots.
      int hot = gatePart.activation().select(gate.probabilities(pool[0], 0.05))[0];
      double[] expected = new double[EXPERTS];
      Arrays.fill(expected, 1);
      expected[hot] = 4;
      ExpertPlacement placement = ExpertPlacementPlanner.plan(expected, 8, 1);
      assertThat(placement.isIdentity()).isFalse();
      Path dir =
          GateVersionWriter.write(
                  base,
                  gate,
                  placement,
                  new Manifest.GateUpdate(plain.version(), "test", Map.of()),
                  null)
              .dir();
      IndexArtifact artifact = IndexArtifact.load(dir, 384);
      assertThat(artifact.placement()).isEqualTo(placement);

      // The streaming job: RouteQueries, event time = the query's client timestamp.
      Map<String, int[]> jobExperts = new LinkedHashMap<>();
      Map<String, List<Integer>> jobSlots = new LinkedHashMap<>();
      Map<String, Boolean> jobFast = new LinkedHashMap<>();
      try (BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> h =
          Harnesses.router(new RouteQueries(dir.toString(), routing, false, null, 0))) {
        h.open();
        for (int i = 0; i < QUERIES; i++) {
          long ts = i * Retriever.REPLAY_INTERVAL_MS;
          SearchQuery q = new SearchQuery("q-" + i, texts.get(draws[i]), 10, null, ts, null);
          h.processElement(new StreamRecord<>(new EmbeddedQuery(q, pool[draws[i]], ts, 0)));
        }
        for (ExpertRequest r : h.extractOutputValues()) {
          String id = r.query().queryId();
          jobExperts.put(id, r.experts());
          jobSlots.computeIfAbsent(id, k -> new ArrayList<>()).add(r.slot());
          jobFast.put(id, r.oversample() > 0);
        }
      }
      assertThat(jobExperts).hasSize(QUERIES);

      // eval: the retriever the eval builds, searching the same sequence in order.
      List<ExpertIndex> indexes = artifact.openExperts();
      List<int[]> evalExperts = new ArrayList<>();
      try {
        Retriever retriever = Retriever.serving(artifact, indexes, routing);
        for (int i = 0; i < QUERIES; i++) {
          evalExperts.add(retriever.search(pool[draws[i]], 10).experts());
        }
      } finally {
        indexes.forEach(ExpertIndex::close);
      }

      // bench routing: its replay's router, a fresh slot tracker, the least-loaded replica.
      LoadAwareRouter bench =
          new LoadAwareRouter(
              artifact.gate(),
              routing,
              artifact.placement(),
              new ExpertLoadTracker(artifact.placement().slots(), routing.loadHalfLifeMs()),
              LoadAwareRouter.ReplicaChoice.LEAST_LOADED);

      LoadAwareRouter unbalanced = new LoadAwareRouter(artifact.gate(), routing.withAlpha(0));
      int fast = 0;
      int balanced = 0;
      int unlikeOldEval = 0;
      for (int i = 0; i < QUERIES; i++) {
        String id = "q-" + i;
        Route r = bench.route(pool[draws[i]], i * Retriever.REPLAY_INTERVAL_MS, i);
        assertThat(jobExperts.get(id)).as("job vs bench experts of %s", id).isEqualTo(r.experts());
        assertThat(evalExperts.get(i)).as("eval vs bench experts of %s", id).isEqualTo(r.experts());
        assertThat(jobSlots.get(id))
            .as("job vs bench slots of %s", id)
            .containsExactly(Arrays.stream(r.slots()).boxed().toArray(Integer[]::new));
        assertThat(jobFast.get(id)).as("fast path of %s", id).isEqualTo(r.fast());
        fast += r.fast() ? 1 : 0;
        balanced +=
            Arrays.equals(unbalanced.route(pool[draws[i]], null).experts(), r.experts()) ? 0 : 1;
        // What the old eval router chose: the gate's own top experts by the normal rule.
        int[] gateOnly = gatePart.activation().select(gate.probabilities(pool[draws[i]], 0.05));
        unlikeOldEval += Arrays.equals(gateOnly, r.experts()) ? 0 : 1;
      }
      // The settings matter: some queries took the fast path, some not, balancing moved some, and
      // the eval's former router (balancing and the fast path ignored) would have differed.
      assertThat(fast).isBetween(1, QUERIES - 1);
      assertThat(balanced).as("queries balancing moved").isPositive();
      assertThat(unlikeOldEval).as("queries the old eval router routed elsewhere").isPositive();
    }
  }
}
