package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A query naming a trade item number (UPC-A, EAN-13, GTIN-14) is a lookup the embedding cannot
 * serve: its cosine says nothing, and the product the BM25 branch finds by the number ranks first.
 */
class TradeItemQueryTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());
  private final Product product =
      new Product("1", "Brother DK2606 Yellow DK label tape", "Brother", "DK2606", "", null, null);

  @Test
  void aTradeItemNumberSwitchesTheCosineOff() {
    for (String q : List.of("065030821780", "0065030821780", "Brother 4977766611541")) {
      double[] f = features.of(features.query(q), product, 0.43, 0, 0, -1);
      assertThat(f[RankingFeatures.DENSE]).as(q).isZero();
      assertThat(f[RankingFeatures.DENSE_X_CODE]).as(q).isZero();
      assertThat(f[RankingFeatures.DENSE_X_LENGTH]).as(q).isZero();
    }
    // A wrong check digit, an eight-digit part number (a valid EAN-8), a model code: the cosine
    // counts.
    for (String q : List.of("065030821781", "OKI 44289102", "Brother DK2606")) {
      double[] f = features.of(features.query(q), product, 0.43, 0, 0, -1);
      assertThat(f[RankingFeatures.DENSE]).as(q).isEqualTo(0.43);
    }
  }

  @Test
  void theProductTheNumberFindsRanksAboveTheDenseCandidates() {
    String q = "065030821780";
    RankingFeatures.QueryTerms qt = features.query(q);
    List<HybridRanker.Scored> dense = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Product p =
          new Product("d" + i, "Brother DK22" + i + " label tape", "Brother", "", "", null, null);
      dense.add(
          new HybridRanker.Scored(
              p.id(), p.title(), features.of(qt, p, 0.45 - i * 0.01, 0, -1, -1)));
    }
    Product named =
        new Product(
            "n",
            "StarTech.com SATA to LP4 Power Cable Adapter",
            "StarTech.com",
            "",
            "",
            null,
            null);
    List<HybridRanker.Scored> lexical =
        List.of(
            new HybridRanker.Scored(
                named.id(), named.title(), features.of(qt, named, -0.01, 1, -1, -1)));
    List<HybridRanker.Scored> top =
        HybridRanker.fuse(q, dense, lexical, EntryCutTest.SERVED, 20, 10);
    assertThat(top.get(0).productId()).isEqualTo("n");
    assertThat(top)
        .as("a dense list without cosines gives no ranks")
        .allSatisfy(s -> assertThat(s.features()[RankingFeatures.DENSE_RR]).isZero());
  }
}
