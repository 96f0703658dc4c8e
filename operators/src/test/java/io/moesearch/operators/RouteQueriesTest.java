package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.Router;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.testing.SmallIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Fan-out of embedded queries to the experts the gate of a small real index activates. */
class RouteQueriesTest {
  private static final int EXPERTS = 4;

  @TempDir static Path root;
  static EmbeddingModel model;
  static Embedder embedder;
  static Path dir;
  static IndexArtifact artifact;
  static List<EmbeddedQuery> queries;

  @BeforeAll
  static void buildIndex() {
    model = SmallIndex.model();
    embedder = model.newEmbedder();
    Catalog catalog = SmallIndex.catalogue(300);
    dir = SmallIndex.build(catalog, model, EXPERTS, root);
    artifact = IndexArtifact.load(dir, 384);
    List<String> texts =
        new ArrayList<>(
            List.of(
                "usb c cable",
                "toner cartridge black",
                "wireless optical mouse",
                "notebook 16 gb ram",
                "uninterruptible power supply",
                "label printer tape",
                "intel xeon processor",
                "ethernet patch cord cat6"));
    for (int i = 0; i < 8; i++) {
      texts.add(catalog.get(i * 37).title());
    }
    queries = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      SearchQuery q = new SearchQuery("q-" + i, texts.get(i), 10, null, 0, null);
      queries.add(new EmbeddedQuery(q, embedder.embed(q.text()), 10_000L + i, 0.5 * i));
    }
  }

  @AfterAll
  static void close() {
    embedder.close();
    model.close();
  }

  static Stream<RoutingConfig> routings() {
    return Stream.of(
        new RoutingConfig(0.05, new ActivationRule(0.7, 1, EXPERTS)),
        new RoutingConfig(0.05, new ActivationRule(0.5, 2, 3)),
        new RoutingConfig(1.0, new ActivationRule(0.9, 1, 2)),
        new RoutingConfig(0.05, new ActivationRule(1.0, 1, EXPERTS)));
  }

  private static List<ExpertRequest> route(RoutingConfig routing) throws Exception {
    try (OneInputStreamOperatorTestHarness<EmbeddedQuery, ExpertRequest> h =
        Harnesses.withoutGenericTypes(
            new OneInputStreamOperatorTestHarness<>(
                new StreamFlatMap<>(new RouteQueries(dir.toString(), routing))))) {
      h.open();
      for (EmbeddedQuery q : queries) {
        h.processElement(new StreamRecord<>(q));
      }
      return h.extractOutputValues();
    }
  }

  @ParameterizedTest
  @MethodSource("routings")
  void everyQueryFansOutToExactlyTheExpertsTheRouterChooses(RoutingConfig routing)
      throws Exception {
    Router router = new Router(artifact.gate(), routing);
    List<ExpertRequest> out = route(routing);

    int next = 0;
    for (EmbeddedQuery q : queries) {
      int[] chosen = router.route(q.vector());
      assertThat(chosen.length)
          .isBetween(routing.activation().minExperts(), routing.activation().maxExperts());
      assertThat(out.size())
          .as("requests left for %s", q.query().queryId())
          .isGreaterThanOrEqualTo(next + chosen.length);
      List<ExpertRequest> fan = out.subList(next, next + chosen.length);
      assertThat(fan)
          .extracting(ExpertRequest::expert)
          .as("experts of %s", q.query().queryId())
          .containsExactly(toBoxed(chosen));
      for (ExpertRequest r : fan) {
        assertThat(r.query()).isEqualTo(q.query());
        assertThat(r.experts()).containsExactly(chosen);
        assertThat(r.vector()).containsExactly(q.vector());
        assertThat(r.tsInMillis()).isEqualTo(q.tsInMillis());
        assertThat(r.embedMs()).isEqualTo(q.embedMs());
        assertThat(r.routeMs()).isNotNegative().isEqualTo(fan.get(0).routeMs());
      }
      next += chosen.length;
    }
    assertThat(out).as("no extra requests").hasSize(next);
  }

  @Test
  void allExpertsAreActivatedWhenTheRuleAsksForAllTheMass() throws Exception {
    List<ExpertRequest> out =
        route(new RoutingConfig(0.05, new ActivationRule(1.0, EXPERTS, EXPERTS)));
    assertThat(out).hasSize(queries.size() * EXPERTS);
    for (ExpertRequest r : out) {
      assertThat(r.experts()).containsExactlyInAnyOrder(0, 1, 2, 3);
    }
  }

  @Test
  void differentQueriesAreRoutedToDifferentExperts() throws Exception {
    List<ExpertRequest> out = route(new RoutingConfig(0.05, new ActivationRule(0.7, 1, EXPERTS)));
    Set<Integer> firstChoices = new HashSet<>();
    for (ExpertRequest r : out) {
      firstChoices.add(r.experts()[0]);
    }
    assertThat(firstChoices).as("top expert across queries").hasSizeGreaterThan(1);
  }

  private static Integer[] toBoxed(int[] a) {
    return java.util.Arrays.stream(a).boxed().toArray(Integer[]::new);
  }
}
