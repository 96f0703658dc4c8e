package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code quantity_conflict} feature: a query naming a quantity ("512MB", "2GB RAM", "6in")
 * marks the variants whose title names another quantity of the same unit (of the same dimension,
 * for lengths, weights and volumes) and not the query's.
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
    assertThat(RankingFeatures.quantities("labelling tape 3/8 inch")).isEmpty();
    assertThat(RankingFeatures.quantities("a 15/16in bolt, a 1/2\" one")).isEmpty();
    // not fractions: a list of values, an improper or non-binary "fraction"
    assertThat(RankingFeatures.quantities("SmartPro 100/110/120V"))
        .isEqualTo(Map.of("v", Set.of("120")));
    assertThat(RankingFeatures.quantities("113/16in")).isEqualTo(Map.of("in", Set.of("16")));
    assertThat(RankingFeatures.quantities("1/3m")).isEqualTo(Map.of("m", Set.of("3")));
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
    // memory and storage are often named in different units, far apart: 16 GB and 1 TB, 64 MB
    // of cache and 500 GB name two parts, not one part's sizes
    assertThat(conflict("Lenovo laptop 16GB", "Lenovo laptop 1TB HDD")).isZero();
    assertThat(conflict("Seagate 500GB", "Seagate Barracuda 7200.12 16MB cache SATA")).isZero();
    assertThat(conflict("Lexmark DDR-DRAM", "Lexmark 128 MB DDR-DRAM")).isZero();
  }

  /**
   * A memory module's variants are written in MB beside a query's GB: "HP PC2-5300F 512 MB memory
   * module" for "HP PC2-5300F 1GB", "hp 128mb ddr2" for "HP 1GB DDR2" (a generated shop's offers).
   */
  @Test
  void anotherDataSizeOfTheSamePartInAnotherUnitConflicts() {
    assertThat(conflict("Lexmark 512MB DDR-DRAM", "Lexmark 1 GB DDR-DRAM")).isEqualTo(1);
    assertThat(conflict("HP PC2-5300F 1GB memory module", "HP PC2-5300F 512 MB memory module"))
        .isEqualTo(1);
    assertThat(conflict("HP 1GB DDR2", "hp 128mb ddr2 128mb ddr2")).isEqualTo(1);
    assertThat(conflict("HP 1GB DDR2", "HP 64MB DDR2")).isEqualTo(1);
    assertThat(conflict("WD 2TB", "WD Red 3000 GB NAS drive")).isEqualTo(1);
  }

  /**
   * A title's size that is another of the query's names that part: the graphics card's 512 MB of
   * "... 4gb 320gb quadro fx 2700m 512mb" does not contradict the title's 4 GB of memory, while a
   * laptop's 512 GB drive still contradicts "32gb 1tb ssd" beside its 32 GB (review 13's {@code
   * size_two_parts}).
   */
  @Test
  void aTitlesSizeThatIsAnotherOfTheQuerysNamesThatPart() {
    assertThat(
            conflict(
                "HP elitebook 8730w 4gb 320gb quadro fx 2700m 512mb",
                "HP EliteBook 8730w 4 GB DDR2 320 GB HDD"))
        .isZero();
    assertThat(conflict("hp z800 6gb quadro fx 1800 768mb", "HP Z800 Workstation 6 GB")).isZero();
    assertThat(conflict("hp z800 6gb quadro fx 1800 768mb", "HP Z800 Workstation 12 GB"))
        .isEqualTo(1);
    assertThat(conflict("msi gaming gs75 32gb 1tb ssd", "MSI GS75 32 GB 512 GB SSD")).isEqualTo(1);
    assertThat(conflict("msi gaming gs75 32gb 1tb ssd", "MSI GS75 32 GB 1000 GB SSD")).isZero();
  }

  @Test
  void theSameDataSizeInAnotherUnitDoesNotConflict() {
    assertThat(conflict("HP 0.5GB DDR2", "HP PC2-5300F 512 MB memory module")).isZero();
    assertThat(conflict("HP 1GB DDR2", "HP 1024MB DDR2")).isZero();
    // drives are sold in decimal units: 2000 GB is 2 TB
    assertThat(conflict("WD 2TB", "WD Red 2000 GB NAS drive")).isZero();
  }

  @Test
  void aTitleNamingTheQuerysQuantityAmongOthersDoesNotConflict() {
    assertThat(conflict("HP notebook 4GB", "HP Pavilion 4 GB DDR2-SDRAM 250 GB HDD")).isZero();
  }

  @Test
  void anotherLengthWeightOrVolumeInAnotherUnitConflicts() {
    assertThat(conflict("6in hook", "C2G 10ft Hook / Loop Cable Wrap")).isEqualTo(1);
    assertThat(conflict("hdmi cable 3m", "HDMI cable 15ft black")).isEqualTo(1);
    assertThat(conflict("scale 2kg", "kitchen scale 10 lbs")).isEqualTo(1);
    assertThat(conflict("bottle 500ml", "bottle 1 l")).isEqualTo(1);
  }

  @Test
  void theSameLengthWeightOrVolumeInAnotherUnitDoesNotConflict() {
    // shops round conversions: 10 ft is 3.048 m, 6 in 15.24 cm, 2 lb 0.907 kg
    assertThat(conflict("hdmi cable 3m", "HDMI cable 10ft black")).isZero();
    assertThat(conflict("6in hook", "hook and loop strap 15cm")).isZero();
    assertThat(conflict("scale 2 lbs", "kitchen scale 0.9 kg")).isZero();
    assertThat(conflict("TV 140 cm", "TV 55\" LED")).isZero();
    assertThat(conflict("bottle 1000ml", "bottle 1 l")).isZero();
    // a length is not contradicted by a weight or by a title naming no length
    assertThat(conflict("6in hook", "hook 200 g")).isZero();
    assertThat(conflict("6in hook", "hook and loop strap")).isZero();
  }

  @Test
  void aTitleNamingTheQuerysUnitIsReadInIt() {
    // 16.1" is 40.9 cm, within the tolerance of 40.6 cm: the title's own 16" decides
    assertThat(conflict("HP 16.1 inch laptop bag", "HP notebook case 40.6 cm (16\")")).isEqualTo(1);
    assertThat(conflict("Huawei 15.5 cm black", "Huawei P40 lite E 16.2 cm (6.39\")")).isEqualTo(1);
  }

  @Test
  void aLengthIsMatchedAgainstEachOfTheTitlesLengths() {
    assertThat(conflict("cable 1m", "cable 3ft (0.9 m) and 6ft (1.8 m)")).isEqualTo(1);
    assertThat(conflict("cable 6ft", "cable 3ft (0.9 m) and 6ft (1.8 m)")).isZero();
    assertThat(conflict("cable 1.8m", "cable 3ft and 6ft")).isZero();
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
    // so the 32 GB variant no longer conflicts with a query for 64gb
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
