package io.moesearch.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.rank.RankingFeatures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped fusion weights ({@code ranking.weights}) make the dense weight query-adaptive. */
class AdaptiveFusionTest {
  private final LinearFusion shipped = MoeSearchConfig.defaultsWith(Map.of()).ranking().fusion();
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private double denseWeight(String query, double agreement, double gap) {
    RankingFeatures.QueryTerms q = features.query(query);
    return shipped.denseWeight(
        new RankingFeatures.QuerySignals(q.code(), q.length(), agreement, gap));
  }

  @Test
  void aModelCodeQueryGetsALowerDenseWeightThanACategoryQuery() {
    // The same list signals for both: only what the text says differs.
    for (double agreement : new double[] {0, 0.3, 0.7}) {
      for (double gap : new double[] {0.1, 0.5, 1}) {
        assertThat(denseWeight("Hoover DXOC67C3", agreement, gap))
            .as("agreement %s, gap %s", agreement, gap)
            .isLessThan(denseWeight("washing machine", agreement, gap));
        assertThat(denseWeight("dxoc-67c3", agreement, gap))
            .isLessThan(denseWeight("front loader washer", agreement, gap));
      }
    }
  }

  @Test
  void aNamedModelCodeOutranksANeighbouringCodeThatDenseSimilarityPrefers() {
    Product named =
        new Product(
            "named", "Hoover DXOC67C3 washing machine", "Hoover", "DXOC67C3", "", null, null);
    Product near =
        new Product(
            "near", "Hoover DXOC47C3 washing machine", "Hoover", "DXOC47C3", "", null, null);
    RankingFeatures.QueryTerms q = features.query("hoover dxoc67c3");
    // Dense prefers the neighbour (higher cosine, ranked first); BM25 ranks the named one first.
    List<HybridRanker.Scored> dense =
        List.of(
            new HybridRanker.Scored("near", near.title(), features.of(q, near, 0.83, 0, -1, -1)),
            new HybridRanker.Scored(
                "named", named.title(), features.of(q, named, 0.80, 0, -1, -1)));
    List<HybridRanker.Scored> lexical =
        List.of(
            new HybridRanker.Scored("named", named.title(), features.of(q, named, 0.80, 1, -1, -1)),
            new HybridRanker.Scored(
                "near", near.title(), features.of(q, near, 0.83, 0.55, -1, -1)));
    List<HybridRanker.Scored> top =
        HybridRanker.fuse("hoover dxoc67c3", dense, lexical, shipped, 20, 10);
    assertThat(top).extracting(HybridRanker.Scored::productId).containsExactly("named", "near");
  }

  @Test
  void anOfferNamingTheCodeOutranksNearIdenticalCodesWhenOffersHaveNoModelField() {
    // A shop's offers: titles only. Dense ranks the neighbours first, BM25 scores them close.
    Product named = offer("named", "hoover dxoc67c3 washing machine 7kg");
    Product digit = offer("digit", "Hoover DXOC47C3 Washing Machine 7kg");
    Product longer = offer("longer", "Hoover DXOC68C3B Washing Machine 8kg");
    for (String query : List.of("Hoover DXOC67C3", "dxoc-67c3 washing machine")) {
      RankingFeatures.QueryTerms q = features.query(query);
      List<HybridRanker.Scored> dense =
          List.of(scored(q, digit, 0.86, 0), scored(q, longer, 0.85, 0), scored(q, named, 0.80, 0));
      List<HybridRanker.Scored> lexical =
          List.of(
              scored(q, named, 0.80, 1),
              scored(q, digit, 0.86, 0.8),
              scored(q, longer, 0.85, 0.75));
      List<HybridRanker.Scored> top = HybridRanker.fuse(query, dense, lexical, shipped, 20, 10);
      assertThat(top)
          .extracting(HybridRanker.Scored::productId)
          .first()
          .as(query)
          .isEqualTo("named");
    }
  }

  @Test
  void theQuantityConflictPutsTheNamedQuantityAboveAVariantDensePrefers() {
    // "Lexmark 512MB DDR-DRAM" on the generated shop (docs/eval/known-item.md): dense preferred the
    // 128 MB module (cosine 0.98 vs 0.94), BM25 the named one (1.0 vs 0.88), 8 more BM25 hits.
    Product named = offer("named", "512MBDDRDRAM 512MB DDR-DRAM Lexmark");
    Product other = offer("other", "Lexmark 128 MB DDR-DRAM");
    RankingFeatures.QueryTerms q = features.query("Lexmark 512MB DDR-DRAM");
    List<HybridRanker.Scored> dense = List.of(scored(q, other, 0.98, 0), scored(q, named, 0.94, 0));
    List<HybridRanker.Scored> lexical = new java.util.ArrayList<>();
    lexical.add(scored(q, named, 0.94, 1));
    lexical.add(scored(q, other, 0.98, 0.88));
    for (int i = 0; i < 8; i++) {
      lexical.add(scored(q, offer("f" + i, "Lexmark DDR memory module " + i), 0.8, 0.35));
    }
    // words_uncovered and title_bigrams tell them apart too (the query's only number is a size,
    // and "512" is not in the other title, nor "512 mb ddr" in sequence): off here, so that the
    // quantity conflict is what is measured.
    double[] base = shipped.weights();
    base[RankingFeatures.WORDS_UNCOVERED] = 0;
    base[RankingFeatures.TITLE_BIGRAMS] = 0;
    double[] without = base.clone();
    without[RankingFeatures.QUANTITY_CONFLICT] = 0;
    assertThat(
            HybridRanker.fuse(
                "Lexmark 512MB DDR-DRAM", dense, lexical, new LinearFusion(without), 20, 2))
        .extracting(HybridRanker.Scored::productId)
        .containsExactly("other", "named");
    assertThat(
            HybridRanker.fuse(
                "Lexmark 512MB DDR-DRAM", dense, lexical, new LinearFusion(base), 20, 2))
        .extracting(HybridRanker.Scored::productId)
        .containsExactly("named", "other");
    assertThat(HybridRanker.fuse("Lexmark 512MB DDR-DRAM", dense, lexical, shipped, 20, 2))
        .extracting(HybridRanker.Scored::productId)
        .containsExactly("named", "other");
  }

  private static Product offer(String id, String title) {
    return new Product(id, title, "", "", "", null, null);
  }

  private HybridRanker.Scored scored(
      RankingFeatures.QueryTerms q, Product p, double cosine, double bm25) {
    return new HybridRanker.Scored(p.id(), p.title(), features.of(q, p, cosine, bm25, -1, -1));
  }

  @Test
  void theShippedWeightsAreTheConfigExampleAndUseTheAdaptiveTerms() throws Exception {
    MoeSearchConfig example =
        MoeSearchConfig.load(java.nio.file.Path.of("../conf/moe-search.yaml"), Map.of());
    assertThat(example.ranking().fusion()).isEqualTo(shipped);
    assertThat(shipped.weights()[RankingFeatures.DENSE_X_CODE]).isNotZero();
    assertThat(RankingFeatures.admissible(shipped.weights())).isTrue();
  }
}
