package io.moesearch.core.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.eval.Evaluator;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.LoadAwareRouter;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.gate.RoutingConfig;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.testing.SmallIndex;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds a small real index end to end (real model, real Lucene HNSW) and searches it. */
class RetrieverTest {
  @TempDir static Path root;
  static EmbeddingModel model;
  static Embedder embedder;
  static Catalog catalog;
  static IndexArtifact artifact;
  static List<ExpertIndex> experts;

  @BeforeAll
  static void build() {
    model = SmallIndex.model();
    embedder = model.newEmbedder();
    catalog = SmallIndex.catalogue(400);
    SmallIndex.build(catalog, model, 8, root);
    artifact = IndexArtifact.load(root, model.dimension());
    experts = artifact.openExperts();
  }

  @AfterAll
  static void close() {
    experts.forEach(ExpertIndex::close);
    embedder.close();
    model.close();
  }

  private Retriever retriever(double activation, int max) {
    return new Retriever(
        new LoadAwareRouter(
            artifact.gate(),
            LoadAwareRoutingConfig.plain(
                new RoutingConfig(0.05, new ActivationRule(activation, 1, max)), 10)),
        experts,
        10);
  }

  @Test
  void theBuiltArtifactCoversEveryProductInSomeExpert() {
    assertThat(artifact.manifest().products()).isEqualTo(400);
    assertThat(artifact.manifest().experts()).isEqualTo(8);
    Set<String> indexed = new HashSet<>();
    for (ExpertIndex e : experts) {
      e.search(new MatchAllDocsQuery(), 1000).forEach(c -> indexed.add(c.productId()));
    }
    assertThat(indexed).hasSize(400);
    assertThat(artifact.manifest().expertIndexes().stream().mapToInt(e -> e.products()).sum())
        .isGreaterThanOrEqualTo(400);
  }

  @Test
  void aProductTitleFindsItsProductFirst() {
    Retriever r = retriever(0.7, 4);
    int hits = 0;
    for (int i = 0; i < 20; i++) {
      RetrievalResult res = r.search(embedder.embed(catalog.get(i).title()), 5);
      if (!res.items().isEmpty() && res.items().get(0).productId().equals(catalog.get(i).id())) {
        hits++;
      }
    }
    assertThat(hits).isGreaterThanOrEqualTo(18);
  }

  @Test
  void resultsAreSortedExactScoresWithoutDuplicates() {
    RetrievalResult res = retriever(0.9, 8).search(embedder.embed("wireless mouse"), 10);
    assertThat(res.items()).hasSize(10);
    assertThat(res.items()).extracting(Candidate::productId).doesNotHaveDuplicates();
    for (Candidate c : res.items()) {
      assertThat(c.score())
          .isEqualTo(artifact.vectors().dot(embedder.embed("wireless mouse"), c.ordinal()));
    }
    assertThat(res.items()).isSortedAccordingTo(ExactReranker.ORDER);
    assertThat(res.experts()).isNotEmpty();
  }

  @Test
  void allExpertsActivatedMatchesExactSearch() {
    float[] q = embedder.embed("toner cartridge black");
    RetrievalResult res = retriever(1.0, 8).search(q, 10);
    List<String> exact = Evaluator.exactTopIds(artifact.vectors(), artifact.ids(), q, 10);
    assertThat(res.items()).extracting(Candidate::productId).containsExactlyElementsOf(exact);
  }

  @Test
  void aGateAndIndexCountMismatchIsRejected() {
    LoadAwareRouter router =
        new LoadAwareRouter(
            artifact.gate(),
            LoadAwareRoutingConfig.plain(
                new RoutingConfig(0.05, new ActivationRule(0.7, 1, 2)), 10));
    assertThatThrownBy(() -> new Retriever(router, experts.subList(0, 3), 10))
        .hasMessageContaining("8 experts");
  }

  @Test
  void rerankerMergesDuplicatesKeepingTheBestScoreAndBreaksTiesById() {
    Candidate a = new Candidate(1, "a", "A", 0.5f);
    Candidate a2 = new Candidate(1, "a", "A", 0.5f);
    Candidate b = new Candidate(2, "b", "B", 0.5f);
    Candidate c = new Candidate(3, "c", "C", 0.9f);
    assertThat(ExactReranker.topK(List.of(List.of(b, a), List.of(a2, c)), 3))
        .extracting(Candidate::productId)
        .containsExactly("c", "a", "b");
    assertThat(ExactReranker.topK(List.of(List.of(b, a, c)), 1))
        .extracting(Candidate::productId)
        .containsExactly("c");
  }

  @Test
  void aSelectiveBrandFilterStillFillsThePage() {
    // A brand holding about 1% of the small catalogue.
    Map<String, Long> byBrand =
        catalog.products().stream()
            .collect(Collectors.groupingBy(p -> p.brand(), Collectors.counting()));
    String brand =
        byBrand.entrySet().stream()
            .filter(e -> !e.getKey().isBlank() && e.getValue() >= 3 && e.getValue() <= 6)
            .map(Map.Entry::getKey)
            .sorted()
            .findFirst()
            .orElseThrow();
    int matching = byBrand.get(brand).intValue();
    // One expert only: the brand's products are spread over several, so routing alone would miss
    // some.
    Retriever narrow = retriever(0.01, 1);
    RetrievalResult res =
        narrow.search(
            embedder.embed("wireless mouse"),
            matching,
            FilterQueries.of(new String[] {brand.toUpperCase(Locale.ROOT)}, null, null));
    assertThat(res.items()).hasSize(matching);
    assertThat(res.items())
        .allSatisfy(
            c ->
                assertThat(catalog.get(catalog.ordinalsById().get(c.productId())).brand())
                    .isEqualTo(brand));
  }

  @Test
  void aPriceFilterIsAppliedInsideTheSearch() {
    RetrievalResult res =
        retriever(0.9, 8).search(embedder.embed("laptop"), 10, FilterQueries.of(null, 10.0, 20.0));
    assertThat(res.items()).isNotEmpty();
    assertThat(res.items())
        .allSatisfy(
            c -> {
              Double price = catalog.get(catalog.ordinalsById().get(c.productId())).price();
              assertThat(price).isBetween(10.0, 20.0);
            });
  }
}
