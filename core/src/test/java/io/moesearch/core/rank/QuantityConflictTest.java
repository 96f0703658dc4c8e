package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code quantity_conflict} feature: a query naming a quantity ("512MB", "2GB RAM") marks the
 * variants whose title names another quantity of the same unit and not the query's.
 */
class QuantityConflictTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private double conflict(String query, String title) {
    Product p = new Product("p", title, "", "", "", null, null);
    return features
        .of(features.query(query), p, 0.8, 0.5, -1, -1)[RankingFeatures.QUANTITY_CONFLICT];
  }

  @Test
  void quantitiesAreReadGluedOrSpacedInOneSpellingPerUnit() {
    assertThat(RankingFeatures.quantities("Lexmark 512MB DDR-DRAM"))
        .isEqualTo(Map.of("mb", Set.of("512")));
    assertThat(RankingFeatures.quantities("512 mb ddr, 0,50 GB"))
        .isEqualTo(Map.of("mb", Set.of("512"), "gb", Set.of("0.5")));
    assertThat(RankingFeatures.quantities("TV 55\" or 55in, 140 cm"))
        .isEqualTo(Map.of("in", Set.of("55"), "cm", Set.of("140")));
    assertThat(RankingFeatures.quantities("17 inch 3 pcs 2 pc(s) 16.0GB"))
        .isEqualTo(Map.of("in", Set.of("17"), "pc", Set.of("3", "2"), "gb", Set.of("16")));
  }

  @Test
  void codesListsAndWordsNameNoQuantity() {
    assertThat(RankingFeatures.quantities("HP PC2-4200 memory")).isEmpty();
    assertThat(RankingFeatures.quantities("5 in 1 card reader")).isEmpty();
    assertThat(RankingFeatures.quantities("DXOC67C3 washing machine")).isEmpty();
    assertThat(RankingFeatures.quantities("16ms response, 4K")).isEmpty();
  }

  @Test
  void aNumberLongerThanAnyQuantityIsNone() {
    // a catalogue title may hold a 100k-digit "number"; it is skipped, not parsed
    String hostile = "1".repeat(100_000) + "GB";
    assertThat(RankingFeatures.quantities(hostile)).isEmpty();
    assertThat(RankingFeatures.quantities("9".repeat(16) + " GB")).containsKey("gb");
  }

  @Test
  void anotherQuantityOfTheSameUnitConflicts() {
    assertThat(conflict("Lexmark 512MB DDR-DRAM", "Lexmark 128 MB DDR-DRAM")).isEqualTo(1);
    assertThat(conflict("Moto G5 2GB RAM", "Motorola Moto G5 3 GB RAM Grey")).isEqualTo(1);
  }

  @Test
  void theSameQuantityAnotherUnitOrNoneDoNotConflict() {
    assertThat(conflict("Lexmark 512MB DDR-DRAM", "512 mb ddr-dram")).isZero();
    assertThat(conflict("Lexmark 512MB DDR-DRAM", "HP 512MB DDR 0.5 GB")).isZero();
    assertThat(conflict("Lexmark 512MB DDR-DRAM", "Lexmark DDR-DRAM memory")).isZero();
    assertThat(conflict("Lexmark 512MB DDR-DRAM", "Lexmark 1 GB DDR-DRAM")).isZero();
    assertThat(conflict("Lexmark DDR-DRAM", "Lexmark 128 MB DDR-DRAM")).isZero();
  }

  @Test
  void aTitleNamingTheQuerysQuantityAmongOthersDoesNotConflict() {
    assertThat(conflict("HP notebook 4GB", "HP Pavilion 4 GB DDR2-SDRAM 250 GB HDD")).isZero();
  }
}
