package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.ProductDocuments;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A live product keeps what its lexical document holds through price and stock changes. */
class DeltaEntryTest {
  private static final float[] X = {1, 0};

  @Test
  void aLiveProductKeepsItsTradeItemNumbersThroughAPatch() {
    Product p =
        new Product(
            "p1", "USB cable", "Anker", "A81", "", 9.0, Map.of("EAN", "0095205603217", "c", "red"));
    DeltaEntry live = DeltaEntry.live(p, 1, true, X);
    DeltaEntry patched = live.withOffer(2, 7.5, false);
    assertThat(patched.product().tradeItemNumbers()).isEqualTo("0095205603217");
    assertThat(patched.ts()).isEqualTo(2);
    assertThat(patched.price()).isEqualTo(7.5);
    assertThat(patched.inStock()).isFalse();
    assertThat(ProductDocuments.allText(patched.as(DeltaEntry.Kind.LIVE).product()))
        .isEqualTo(ProductDocuments.allText(p));
    assertThat(
            DeltaEntry.live(new Product("p2", "Cable", "", "", "", null, null), 1, true, X)
                .product()
                .attributes())
        .isEmpty();
  }
}
