package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Review 51: inputs the first cross-unit quantity_conflict and fraction rule got wrong. */
class Review51QuantityConflictTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private double conflict(String query, String title) {
    Product p = new Product("p", title, "", "", "", null, null);
    return features
        .of(features.query(query), p, 0.8, 0.5, -1, -1)[RankingFeatures.QUANTITY_CONFLICT];
  }

  /**
   * Phone titles write RAM/storage as "2/32GB": 32 GB is a quantity, not the denominator of 2/32.
   */
  @Test
  void ramSlashStorageIsNoFraction() {
    assertThat(RankingFeatures.quantities("Xiaomi Redmi 9A 2/32GB"))
        .isEqualTo(Map.of("gb", Set.of("32")));
    assertThat(RankingFeatures.quantities("Samsung Galaxy A12 4/64 GB"))
        .isEqualTo(Map.of("gb", Set.of("64")));
    // so the 32 GB variant no longer conflicts with a query for 64gb (it did before 86c881c)
    assertThat(conflict("redmi 9a 64gb", "Xiaomi Redmi 9A 2/32GB")).isEqualTo(1);
  }

  private double conflict(String query, String title, String brand) {
    Product p = new Product("p", title, brand, "", "", null, null);
    return features
        .of(features.query(query), p, 0.8, 0.5, -1, -1)[RankingFeatures.QUANTITY_CONFLICT];
  }

  /**
   * "3M" the brand reads as 3 metres: a quantity the product's brand spells is the brand, not a
   * size, so a 3M product's lengths in other units do not contradict it.
   */
  @Test
  void theBrand3MIsNoLength() {
    assertThat(
            conflict("3m command strips", "Command Picture Hanging Strips, 0.63\" x 3.65\"", "3M"))
        .isZero();
    // another brand's product: "3m" is a length there
    assertThat(conflict("3m hdmi cable", "HDMI cable 15ft", "Belkin")).isEqualTo(1);
    // the brand spelt in the title reads as the same quantity (as before)
    assertThat(conflict("3M scotch tape", "3M Scotch Magic Tape, 19mm x 33m", "3M")).isZero();
  }

  /** Shops sell 3 ft as 1 m and 6 ft as 2 m: 8.6 % apart, within the 10 % tolerance. */
  @Test
  void nominalImperialMetricEquivalentsDoNotConflict() {
    assertThat(conflict("usb cable 1m", "Anker USB C cable 3ft")).isZero();
    assertThat(conflict("hdmi cable 2m", "AmazonBasics HDMI cable 6ft")).isZero();
  }
}
