package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A query naming a device by its code and asking for something the device's own title does not name
 * ("epson lq-690 ribbon") asks for an accessory of the device: the accessory whose title names the
 * device after "for" and holds the query's other words carries the query's code as fully as the
 * device, and BM25 (which reads "ribbon") ranks it first.
 */
class DeviceFitTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private static final Product PRINTER =
      new Product("p", "Epson LQ-690 dot matrix printer", "Epson", "LQ-690", "", null, null);
  private static final Product RIBBON =
      new Product(
          "r",
          "Epson SIDM Black Ribbon Cartridge for LQ-690 (C13S015610)",
          "Epson",
          "SIDM Black Ribbon Cartridge for LQ-690 (C13S015610)",
          "",
          null,
          null);
  private static final Product OTHER_RIBBON =
      new Product(
          "o",
          "Epson SIDM Black Ribbon Cartridge for LQ-630 (C13S015307)",
          "Epson",
          "SIDM Black Ribbon Cartridge for LQ-630 (C13S015307)",
          "",
          null,
          null);

  @Test
  void aQueryReadsItsDeviceCodesAndItsOtherWords() {
    RankingFeatures.DeviceFit fit = features.deviceFit("epson lq-690 ribbon");
    assertThat(fit.deviceCodes()).contains("lq690");
    assertThat(fit.words()).containsExactly(Set.of("epson"), Set.of("ribbon"));
    RankingFeatures.DeviceFit after = features.deviceFit("drum for oki C7100");
    assertThat(after.deviceCodes()).as("the device after the marker").contains("c7100");
    assertThat(after.words()).as("only the product part's words").hasSize(1);
    assertThat(features.deviceFit("epson ribbon")).as("no code").isNull();
    assertThat(features.deviceFit("DXOC-67C3")).as("nothing beside the code").isNull();
    assertThat(features.deviceFit("C734X24G for Lexmark C736"))
        .as("a code and its device, no other word")
        .isNull();
    assertThat(features.deviceFit("toner C734X24G for Lexmark C736"))
        .as("the product named by its own code")
        .isNull();
    RankingFeatures.DeviceFit before = features.deviceFit("hp P1505 compatible toner");
    assertThat(before.deviceCodes()).as("no code after the marker: the device's").contains("p1505");
    assertThat(before.words()).containsExactly(Set.of("hp"), Set.of("toner"));
    assertThat(before.marked()).isTrue();
  }

  @Test
  void anAccessoryFitsWhenItsTitleNamesTheDeviceAfterForAndHoldsTheWords() {
    RankingFeatures.DeviceFit fit = features.deviceFit("epson lq-690 ribbon");
    assertThat(features.fitsDevice(fit, RIBBON.title())).isTrue();
    assertThat(features.fitsDevice(fit, OTHER_RIBBON.title())).as("another device").isFalse();
    assertThat(features.fitsDevice(fit, PRINTER.title())).as("the device itself").isFalse();
    assertThat(features.fitsDevice(features.deviceFit("epson lq-690 paper tray"), RIBBON.title()))
        .as("a word the title lacks")
        .isFalse();
    assertThat(
            features.fitsDevice(
                features.deviceFit("epson dfx-5000 ribbon"),
                "Epson SIDM Black Ribbon Cartridge for DFX-5000/+/8000/8500 (C13S015055)"))
        .as("a device listed with slashes")
        .isTrue();
  }

  @Test
  void theAccessoryTheQueryAsksForRanksAboveTheDevice() {
    String q = "epson lq-690 ribbon";
    List<HybridRanker.Scored> fused = fuse(q);
    assertThat(fused.get(0).productId()).isEqualTo("r");
    assertThat(byId(fused, "r")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(byId(fused, "p")[RankingFeatures.CODE_EXACT])
        .as("the printer carries the code, not the ribbon the promoted ribbon's title names")
        .isZero();
    assertThat(byId(fused, "o")[RankingFeatures.CODE_EXACT]).isZero();
    // The fusion reads the fit from the query's text: told another, the ribbon carries no code.
    assertThat(byId(fuse("epson lq-690", q), "r")[RankingFeatures.CODE_EXACT]).isZero();
  }

  @Test
  void aPromotedAccessoryCarriesNoNearCode() {
    // An offer (no model field) whose own code, LQ-680, is near the query's: code_near until it
    // is promoted as the LQ-690's ribbon.
    Product offer =
        new Product(
            "n",
            "Epson LQ-680 Black Nylon Ribbon Cartridge Original Pack for LQ-690",
            "Epson",
            "",
            "",
            null,
            null);
    String q = "epson lq-690 ribbon";
    RankingFeatures.QueryTerms qt = features.query(q);
    assertThat(features.of(qt, offer, 0.5, 1, -1, -1)[RankingFeatures.CODE_NEAR]).isEqualTo(1);
    List<HybridRanker.Scored> fused = fuseLexical(q, PRINTER, 0.9, offer, 1);
    assertThat(byId(fused, "n")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(byId(fused, "n")[RankingFeatures.CODE_NEAR]).isZero();
  }

  @Test
  void aDeviceWhoseTitleHoldsEveryWordKeepsItsAccessoriesUnpromoted() {
    // The printer's title holds "printer": the query names the printer, not an accessory of it.
    assertThat(byId(fuse("epson lq-690 printer"), "r")[RankingFeatures.CODE_EXACT]).isZero();
    // A brand alone asks for nothing the printer lacks.
    assertThat(byId(fuse("epson lq-690"), "r")[RankingFeatures.CODE_EXACT]).isZero();
  }

  @Test
  void withoutACarrierOnlyAQueryNamingTheDeviceAfterForAsksForItsAccessory() {
    Product drum =
        new Product(
            "d",
            "OKI Cyan Image Drum for C7100/C7300/C7500 Series 'Type C4' Original",
            "OKI",
            "Cyan Image Drum for C7100/C7300/C7500 Series 'Type C4'",
            "",
            null,
            null);
    assertThat(byId(fuseOne("drum for oki C7100", drum), "d")[RankingFeatures.CODE_EXACT])
        .isEqualTo(1);
    // No candidate carries "ddr2": a standard the query names, not a device.
    Product module =
        new Product(
            "m",
            "Kingston System Specific Memory 256 MB, SO DIMM 200-pin, DDR II, 400 MHz for HP"
                + " Pavilion Presario Notebook memory module 0.25 GB DDR2",
            "Kingston",
            "KTH-ZD8000A/256",
            "",
            null,
            null);
    assertThat(byId(fuseOne("kingston 2 gb ddr2 memory", module), "m")[RankingFeatures.CODE_EXACT])
        .isZero();
  }

  @Test
  void aProductNamingTheCodeInItsFirstWordsAndHoldingTheWordsRanksWithTheCarrier() {
    Product carrier =
        new Product("c", "Lexmark E450 Original Black 1 pc(s)", "Lexmark", "E450", "", null, null);
    Product highYield =
        new Product(
            "h",
            "Lexmark E450 High Yield Toner Cartridge Original",
            "Lexmark",
            "E450 High Yield Toner Cartridge",
            "",
            null,
            null);
    List<HybridRanker.Scored> fused = fuseLexical("e450 high", carrier, 0.8, highYield, 1);
    assertThat(byId(fused, "h")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fused.get(0).productId()).isEqualTo("h");
  }

  /**
   * Another brand's title writing the code a query names after its marker in its own product part
   * carries it ({@link RankingFeatures#TITLE_HELD}): the accessories whose titles name the device
   * after their own marker, and hold the query's words, still fit it and carry the code too. The
   * carrier holding the query's words says nothing of them: its code is the device's, not one a
   * carrier was named by ("OKI Cyan Image Drum for C7100/..." is the drum "drum for oki C7100" asks
   * for, beside "Acme drum OKI C7100 series"; "Clover toner cartridge for Lexmark E450H21E" beside
   * Xerox's "Equivalent to Lexmark E450H11E, E450H21E").
   */
  @Test
  void aTitleCarryingTheCodeAfterTheMarkerLeavesTheDevicesFitsPromoted() {
    Product original =
        new Product(
            "d",
            "OKI Cyan Image Drum for C7100/C7300/C7500 Series 'Type C4' Original",
            "OKI",
            "Cyan Image Drum for C7100/C7300/C7500 Series 'Type C4'",
            "",
            null,
            null);
    Product other =
        new Product("a", "Acme drum OKI C7100 series", "Acme", "AD-71X", "", null, null);
    List<HybridRanker.Scored> fused = fuseLexical("drum for oki C7100", original, 0.9, other, 1);
    assertThat(byId(fused, "d")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    Product xerox =
        new Product(
            "x",
            "Xerox Black toner cartridge. Equivalent to Lexmark E450H11E, E450H21E. Compatible with"
                + " Lexmark E450",
            "Xerox",
            "Black toner cartridge. Equivalent to Lexmark E450H11E, E450H21E",
            "",
            null,
            null);
    Product clover =
        new Product(
            "c", "Clover toner cartridge for Lexmark E450H21E", "Clover", "CL-450", "", null, null);
    fused = fuseLexical("toner cartridge compatible with lexmark E450H21E", xerox, 1, clover, 0.9);
    assertThat(byId(fused, "x")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(byId(fused, "c")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
  }

  /**
   * A carrier of the query's code lacking a word the query asks for, which another carrier's
   * product part names, carries the code but not what is asked: "hp p1505 toner" asks for the Xerox
   * toner compatible with the P1505, not the HP printer its brand ranked first.
   */
  @Test
  void aDeviceLackingTheWordAnotherCarrierIsNamedByCarriesNoCode() {
    Product printer =
        new Product(
            "p", "HP LaserJet P1505 Printer 600 x 600 DPI A4", "HP", "P1505", "", null, null);
    Product toner =
        new Product(
            "x",
            "Xerox Black toner cartridge. Equivalent to HP CB436A. Compatible with HP LaserJet"
                + " P1505, M1120, M1522",
            "Xerox",
            "Black toner cartridge. Equivalent to HP CB436A",
            "",
            null,
            null);
    List<HybridRanker.Scored> fused = fuseLexical("hp p1505 toner", printer, 0.8, toner, 1);
    assertThat(byId(fused, "x")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(byId(fused, "p")[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(fused.get(0).productId()).isEqualTo("x");
    // Asked for the printer, the toner (which names the printer after its marker) lowers nothing.
    fused = fuseLexical("hp p1505 printer", printer, 1, toner, 0.8);
    assertThat(byId(fused, "p")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fused.get(0).productId()).isEqualTo("p");
  }

  /**
   * A carrier sharing a term of the accessory's product part beyond the query's is its sibling, a
   * supply of the same device, and keeps its code: "lexmark t420 toner" (review 14).
   */
  @Test
  void anAccessorysSiblingSupplyKeepsItsCode() {
    Product xerox =
        new Product(
            "x",
            "Xerox Black toner cartridge. Equivalent to Lexmark 12A7315, 12A7415. Compatible with"
                + " Lexmark T420",
            "Xerox",
            "Black toner cartridge. Equivalent to Lexmark 12A7315, 12A7415",
            "",
            null,
            null);
    Product cartridge =
        new Product(
            "c",
            "Lexmark T420 Print Cartridge (5K) Original Black",
            "Lexmark",
            "T420 Print Cartridge",
            "",
            null,
            null);
    Product highYield =
        new Product(
            "h", "Lexmark T420 High Yield, 10k Original Black", "Lexmark", "T420", "", null, null);
    for (Product sibling : List.of(cartridge, highYield)) {
      List<HybridRanker.Scored> fused = fuseLexical("lexmark t420 toner", sibling, 0.9, xerox, 1);
      assertThat(byId(fused, sibling.id())[RankingFeatures.CODE_EXACT])
          .as(sibling.title())
          .isEqualTo(1);
    }
  }

  /**
   * Where no candidate carries the code, a device named by it in its title's first words that lacks
   * what an accessory of it is still names the device: "hp p1505 toner cartridges" (the printer's
   * model field, a name, is not read as carrying the code) asks for the toner; a lens lacking
   * "camera", which its hood holds only after "for", promotes no hood (review 14).
   */
  @Test
  void aDeviceNamedInItsTitlesFirstWordsLetsItsAccessoryCarryTheCode() {
    Product printer =
        new Product(
            "p",
            "HP LaserJet P1505 Printer 600 x 600 DPI A4",
            "HP",
            "LaserJet P1505 Printer",
            "",
            null,
            null);
    Product toner =
        new Product(
            "x",
            "Xerox Black toner cartridge. Equivalent to HP CB436A. Compatible with HP LaserJet"
                + " P1505",
            "Xerox",
            "Black toner cartridge. Equivalent to HP CB436A",
            "",
            null,
            null);
    String q = "hp p1505 toner cartridges";
    assertThat(features.namesDevice(features.deviceFit(q), printer.title())).isTrue();
    List<HybridRanker.Scored> fused = fuseLexical(q, printer, 0.8, toner, 1);
    assertThat(byId(fused, "p")[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(byId(fused, "x")[RankingFeatures.CODE_EXACT]).isEqualTo(1);

    Product lens =
        new Product(
            "l",
            "Canon EF 20mm f/2.8 USM SLR Ultra-wide lens Black",
            "Canon",
            "2509A003",
            "",
            null,
            null);
    Product hood =
        new Product(
            "h",
            "Canon EW75/2 Lens Hood for EF20mm f2.8 USM, EF20-35mm f2.8L camera lens adapter",
            "Canon",
            "2639A001",
            "",
            null,
            null);
    fused = fuseLexical("canon ef 20mm f/2.8 camera lens", lens, 1, hood, 0.9);
    assertThat(byId(fused, "h")[RankingFeatures.CODE_EXACT]).isZero();
  }

  /** The word must name the carrier, not the device it fits. */
  @Test
  void aWordOnlyAnAccessorysDevicePartHoldsLowersNoCarrier() {
    Product notebook =
        new Product(
            "n", "Dell Latitude E6400 Notebook 14.1\" Core 2 Duo", "Dell", "E6400", "", null, null);
    Product battery =
        new Product(
            "b",
            "Battery for Dell Latitude E6400 laptop 6 cell",
            "Acme",
            "AB-6400",
            "",
            null,
            null);
    List<HybridRanker.Scored> fused =
        fuseLexical("dell latitude e6400 laptop", notebook, 0.8, battery, 1);
    assertThat(byId(fused, "n")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
  }

  /**
   * Among one line's own products a word one title lacks lowers nothing: it is as often a
   * merchant's word ("original"), and the line's products are all the query's.
   */
  @Test
  void aLinesOwnProductLackingAWordItsSiblingHoldsKeepsItsCode() {
    Product bare =
        new Product(
            "b",
            "Lexmark T420 High Yield, 10k Original Black 1 pc(s)",
            "Lexmark",
            "T420",
            "",
            null,
            null);
    Product cartridge =
        new Product(
            "c",
            "Lexmark T420 Print Cartridge (5K) Original Black",
            "Lexmark",
            "T420 Print Cartridge",
            "",
            null,
            null);
    List<HybridRanker.Scored> fused = fuseLexical("t420 cartridge", bare, 1, cartridge, 0.9);
    assertThat(byId(fused, "b")[RankingFeatures.CODE_EXACT]).isEqualTo(1);
  }

  /** Two BM25 hits with normalised scores {@code bm25a}, {@code bm25b} (cosine 0.5) fused for q. */
  private List<HybridRanker.Scored> fuseLexical(
      String q, Product a, double bm25a, Product b, double bm25b) {
    RankingFeatures.QueryTerms qt = features.query(q);
    return HybridRanker.fuse(
        q,
        List.of(),
        List.of(
            new HybridRanker.Scored(a.id(), a.title(), features.of(qt, a, 0.5, bm25a, -1, -1)),
            new HybridRanker.Scored(b.id(), b.title(), features.of(qt, b, 0.5, bm25b, -1, -1))),
        EntryCutTest.SERVED,
        20,
        10);
  }

  private List<HybridRanker.Scored> fuseOne(String q, Product p) {
    RankingFeatures.QueryTerms qt = features.query(q);
    return HybridRanker.fuse(
        q,
        List.of(),
        List.of(new HybridRanker.Scored(p.id(), p.title(), features.of(qt, p, 0.5, 1, -1, -1))),
        EntryCutTest.SERVED,
        20,
        10);
  }

  private List<HybridRanker.Scored> fuse(String q) {
    return fuse(q, q);
  }

  /** The three products fused for query {@code q}, the fusion told {@code text}. */
  private List<HybridRanker.Scored> fuse(String text, String q) {
    RankingFeatures.QueryTerms qt = features.query(q);
    List<HybridRanker.Scored> lexical = new ArrayList<>();
    double bm25 = 1;
    for (Product p : List.of(RIBBON, PRINTER, OTHER_RIBBON)) {
      lexical.add(
          new HybridRanker.Scored(p.id(), p.title(), features.of(qt, p, 0.5, bm25, -1, -1)));
      bm25 -= 0.1;
    }
    return HybridRanker.fuse(text, List.of(), lexical, EntryCutTest.SERVED, 20, 10);
  }

  static double[] byId(List<HybridRanker.Scored> fused, String id) {
    return fused.stream()
        .filter(s -> s.productId().equals(id))
        .findFirst()
        .orElseThrow()
        .features();
  }
}
