package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The model-code features {@code code_exact} and {@code code_near}: a query naming a code matches
 * the product carrying that code (in its model field or, for an offer without one, its title)
 * across case and separators, and a product with a near-identical code is told apart from it.
 */
class CodeMatchTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private static Product offer(String id, String title) {
    return new Product(id, title, "", "", "", null, null); // a shop offer: no brand, no model
  }

  private double[] f(String query, Product p) {
    return features.of(features.query(query), p, 0.8, 0.5, -1, -1);
  }

  private static final Product MAGENTA =
      new Product("m", "Canon CLI-521 M Original Magenta", "Canon", "CLI-521 M", "", null, null);
  private static final Product CYAN =
      new Product("c", "Canon CLI-521 Original Cyan", "Canon", "CLI-521", "", null, null);

  /** The products' {@code code_exact} as the fusion scales them in a list of their own. */
  private double[] exactScaled(String query, Product... products) {
    List<double[]> fs = new java.util.ArrayList<>();
    for (Product p : products) {
      fs.add(f(query, p));
    }
    RankingFeatures.normaliseCodeShare(fs);
    return fs.stream().mapToDouble(x -> x[RankingFeatures.CODE_EXACT]).toArray();
  }

  /** A product's {@code code_exact} as the fusion scales it in a list of its own. */
  private double exactAlone(String query, Product p) {
    return exactScaled(query, p)[0];
  }

  /** A query written as a URL slug with underscores ("canon_bci-1421c") names its code. */
  @Test
  void underscoresSeparateAQuerysWordsAsSpacesDo() {
    Product cyan =
        product("b", "Canon BCI-1421C ink cartridge Original Cyan", "Canon", "BCI-1421C");
    assertThat(exactAlone("canon_bci-1421c", cyan)).isEqualTo(1);
    Product printer = product("x", "Xerox Phaser 7500V_DN", "Xerox", "7500V_DN");
    assertThat(exactAlone("xerox 7500v_dn", printer)).as("a model code holding one").isEqualTo(1);
  }

  @Test
  void codesAreNormalisedAcrossCaseAndSeparatorsAndSplitCodesAreJoined() {
    assertThat(RankingFeatures.codes("Hoover DXOC67C3")).contains("dxoc67c3");
    assertThat(RankingFeatures.codes("hoover dxoc-67c3")).contains("dxoc67c3");
    assertThat(RankingFeatures.codes("DXOC 67C3 washer")).contains("dxoc67c3");
    assertThat(RankingFeatures.codes("dxoc67c3/dxoc67c3")).contains("dxoc67c3");
    assertThat(RankingFeatures.codes("Intel i9-7940X")).contains("i97940x");
    assertThat(RankingFeatures.codes("Moto G5 2GB RAM")).contains("motog5").doesNotContain("2gb");
  }

  @Test
  void quantitiesAndPlainWordsAreNotCodes() {
    assertThat(RankingFeatures.codes("usb cable 3m 16GB black")).isEmpty();
    assertThat(RankingFeatures.codes("washing machine")).isEmpty();
  }

  @Test
  void aDecimalCommaAndAPerUnitMeasureAreNoCodes() {
    // "x" + "30" of "30,5m" read as a code, and "160g/m²" as "160gm": paper rolls of other sizes
    // carried the query's "codes", the named one (its "x 30" past the title's first words) not
    assertThat(
            RankingFeatures.codes(
                "epson premium semigloss photo paper roll, 24\" x 30,5m, 160g/m²"))
        .isEmpty();
    assertThat(RankingFeatures.codes("Epson Premium Glossy Photo Paper Roll, 16\" x 30,5 m"))
        .isEmpty();
    assertThat(RankingFeatures.codes("fan 100km/h 5 MB/s")).isEmpty();
    // a comma after a letter still breaks a list
    assertThat(RankingFeatures.codes("C2G Cat5E,25ft"))
        .contains("cat5e")
        .doesNotContain("cat5e25ft");
  }

  @Test
  void aDecimalNumberIsNeverACodePart() {
    assertThat(RankingFeatures.codes("C2G Cat5E 7.62 networking cable"))
        .contains("cat5e")
        .noneMatch(c -> c.contains("762") || c.endsWith("7") || c.endsWith("62"));
    assertThat(RankingFeatures.codes("HDMI 2.5 m")).isEmpty();
    assertThat(RankingFeatures.codes("cable 1.5m RJ45")).containsExactly("rj45");
  }

  @Test
  void codesAreNotJoinedAcrossAListOfWords() {
    assertThat(RankingFeatures.codes("Cat5E, 7ft, 25pk")).containsExactly("cat5e");
    assertThat(RankingFeatures.codes("Cat5e STP, 1 x RJ-45, 1 x RJ-45, 75ft"))
        .containsExactlyInAnyOrder("cat5e", "cat5estp", "rj45");
    assertThat(RankingFeatures.codes("Cat5E 25 ft")).containsExactly("cat5e");
  }

  @Test
  void aCodeHasLettersAndDigitsAndAtLeastThreeCharacters() {
    assertThat(RankingFeatures.codes("G5")).isEmpty();
    assertThat(RankingFeatures.codes("i7")).isEmpty();
    assertThat(RankingFeatures.codes("2008 5200")).as("short numbers: years, sizes").isEmpty();
    assertThat(RankingFeatures.codes("ABCDEF")).isEmpty();
    assertThat(RankingFeatures.codes("G5S")).containsExactly("g5s");
  }

  @Test
  void aDecimalInTheQueryNamesNoModelCode() {
    Product named = cable("named", "Cat5E, 25ft");
    Product other = cable("other", "Cat5E, 7ft");
    String q = "C2G Cat5E, 7.62 networking cable 25ft m Black";
    // "cat5e" + "7" (of 7.62) is no code: the other cable is neither named nor a near miss
    assertThat(f(q, other)[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(f(q, other)[RankingFeatures.CODE_NEAR]).isZero();
    assertThat(f(q, named)[RankingFeatures.CODE_NEAR]).isZero();
  }

  @Test
  void aModelFieldThatReadsAsOneCodeIsNamedAsWrittenNotByOneOfItsWords() {
    Product named = cable("named", "Cat5E, 25ft");
    Product sibling = cable("sibling", "Cat5E, 75ft");
    for (String q : List.of("C2G Cat5E, 25ft", "c2g cat5e,25ft", "Cat5E 25ft cable")) {
      double[] n = f(q, named);
      double[] s = f(q, sibling);
      RankingFeatures.normaliseCodeShare(List.of(n, s)); // as the fusion does
      assertThat(n[RankingFeatures.CODE_EXACT]).as(q).isEqualTo(1);
      assertThat(s[RankingFeatures.CODE_EXACT]).as(q).isZero();
      assertThat(s[RankingFeatures.CODE_NEAR]).as(q).isEqualTo(1);
    }
    assertThat(f("C2G Cat5E cable", named)[RankingFeatures.CODE_EXACT]).isZero();
  }

  @Test
  void aModelFieldThatIsAProductNameGivesNoCodeMatchByOneOfItsWords() {
    Product p = cable("p", "100ft Cat5E 350MHz Snagless Patch Cable");
    assertThat(features.productCodes(p)).isEmpty();
    assertThat(f("C2G Cat5E, 7.62 networking cable 25ft", p)[RankingFeatures.CODE_EXACT]).isZero();
  }

  /**
   * A model field that is a product name names its product by the code among its words (eighth
   * review: "brother tn200" ranked the TN2000, whose code extends it, above "Genuine TN-200 Toner
   * Cartridge Black"; "hp lj p3005 printer" the P3005n, x, d and dn above the P3005).
   */
  @Test
  void aModelFieldThatIsAProductNameCarriesTheCodeAmongItsWords() {
    Product tn200 =
        new Product(
            "a",
            "Brother Genuine TN-200 Toner Cartridge Black",
            "Brother",
            "Genuine TN-200 Toner Cartridge Black",
            "",
            null,
            null);
    Product tn2000 =
        new Product("b", "Brother TN2000 Original Black", "Brother", "TN2000", "", null, null);
    List<double[]> fs = List.of(f("brother tn200", tn200), f("brother tn200", tn2000));
    RankingFeatures.normaliseCodeShare(fs);
    assertThat(fs.get(0)[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fs.get(1)[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(fs.get(1)[RankingFeatures.CODE_PARTIAL]).as("the extension names another").isZero();
    assertThat(fs.get(0)[RankingFeatures.BRAND_MATCH]).isEqualTo(1);

    Product printer = product("p", "HP LaserJet P3005 printer", "HP", "LaserJet P3005 printer");
    Product sibling = product("n", "HP LaserJet P3005n printer", "HP", "P3005n");
    assertThat(exactScaled("hp lj p3005 printer", printer, sibling)).containsExactly(1, 0);
  }

  /**
   * A product name's code of two digits beside letters ("Epson ERC38B Ribbon Cartridge for ...")
   * names it as one of three digits does: "epson erc38b ribbon" ranked the ERC38BR, whose code
   * extends it, first (review 11's {@code name_code_same_type}).
   */
  @Test
  void aModelFieldThatIsAProductNameCarriesACodeOfTwoDigitsBesideLetters() {
    String erc38b = "Epson ERC38B Ribbon Cartridge for TM-U200/U210/U220/U230/U300/U375, black";
    String erc38br = "Epson ERC38BR Ribbon Cartridge for TM-300/U300/U210D/U220/U230, black/red";
    assertThat(RankingFeatures.modelNameCodes(erc38b)).containsExactly("erc38b");
    Product named = product("a", erc38b, "Epson", erc38b);
    Product extension = product("b", erc38br, "Epson", erc38br);
    assertThat(exactScaled("epson erc38b ribbon", named, extension)).containsExactly(1, 0);
    // a connector's two letters and two digits name no product: "DB25F", "HD15F"
    assertThat(RankingFeatures.modelNameCodes("Serial DB25F cable for printers, 2 m")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("HD15F to HD15F adapter, black")).isEmpty();
  }

  /**
   * A toner line's four process colours, each a product name holding the code ("Canon C9060/9070
   * Pro Toner Jaune CEXV30", "C-EXV30 Toner Black", ...), all carry it (review 13: "toner cexv-30"
   * ranked CEXV31 second when the fourth name made the holders too many to carry).
   */
  @Test
  void aLinesFourColoursHoldingTheCodeInTheirNamesCarryIt() {
    Product[] line = {
      product("k", "Canon C-EXV30 Toner Black", "Canon", "C-EXV30 Toner Black"),
      product("c", "Canon C-EXV30 Toner Cyan", "Canon", "C-EXV30 Toner Cyan"),
      product("m", "Canon C-EXV30 Toner Magenta", "Canon", "C-EXV30 Toner Magenta"),
      product(
          "y",
          "Canon C9060/9070 Pro Toner Jaune CEXV30 Original Yellow",
          "Canon",
          "C9060/9070 Pro Toner Jaune CEXV30"),
      product("o", "Canon CEXV31 Original Magenta 1 pc(s)", "Canon", "CEXV31")
    };
    assertThat(exactScaled("toner cexv-30", line)).containsExactly(1, 1, 1, 1, 0);
  }

  @Test
  void aNameCodeYieldsToAModelFieldThatIsTheCodeAndToAStandardManyNamesHold() {
    Product device = product("d", "Lexmark C500 colour laser printer", "Lexmark", "C500");
    Product bottle =
        product(
            "w",
            "Lexmark C500, X500, X502 Waste Toner Bottle",
            "Lexmark",
            "C500, X500, X502 Waste Toner Bottle");
    assertThat(exactScaled("lexmark c500", device, bottle)).containsExactly(1, 0);
    assertThat(exactScaled("lexmark c500", bottle)).containsExactly(1);
    // beside the model field that is the code, a name covering more of the query carries it too
    assertThat(exactScaled("lexmark c500 waste toner bottle", device, bottle))
        .containsExactly(1, 1);
    Product z3200 = product("z", "HP Designjet Z3200 large format printer", "HP", "Z3200");
    Product photo =
        product(
            "p",
            "HP Designjet Z3200 44-in Photo Printer large format printer",
            "HP",
            "Designjet Z3200 44-in Photo Printer");
    assertThat(exactScaled("hp dsj z3200 44-in photo printer", z3200, photo)).containsExactly(1, 1);
    // not the device's supply, whose name cites the device's code
    Product phaser = product("x", "Xerox Phaser 3300MFP laser printer", "Xerox", "3300MFP");
    Product toner =
        product(
            "t",
            "Xerox Phaser 3300MFP High Capacity Toner Cartridge",
            "Xerox",
            "Phaser 3300MFP High Capacity Toner Cartridge");
    assertThat(exactScaled("xerox phaser 3300mfp paper tray", phaser, toner)).containsExactly(1, 0);
    assertThat(exactScaled("xerox phaser 3300mfp paper tray", toner)).containsExactly(0);
    Product[] many = new Product[RankingFeatures.MAX_NAME_HOLDERS + 1];
    for (int i = 0; i < many.length; i++) {
      many[i] = product("k" + i, "Kit " + i, "Acme", "Service Kit C500 part " + i);
    }
    assertThat(exactScaled("acme c500", many)).containsOnly(0);
  }

  /**
   * A sibling whose own title names the query's code as a word, under the brand the query names, is
   * the same product in another size, not a near miss, when a model field that is a name carries
   * the code (review 11: "hp z2100" ranked the Designjet Z2100 44" (model field "Z2100 44\"")
   * fifth, below other large-format printers, once "Designjet Z2100 24-in Photo Printer" carried
   * the code; before revision 11 nothing carried it and both ranked first and second; "hp z200"
   * likewise the "Z200 MT" beside "Z200 Workstation").
   */
  @Test
  void aSiblingWhoseTitleNamesTheCodeIsNoNearMissBesideAModelNameCarryingIt() {
    Product named =
        product(
            "a",
            "HP Designjet Z2100 24-in Photo Printer large format printer Ethernet LAN",
            "HP",
            "Designjet Z2100 24-in Photo Printer");
    Product sized =
        product(
            "b",
            "HP Designjet Z2100 44\" large format printer Colour 2400 x 1200 DPI A0",
            "HP",
            "Z2100 44\"");
    List<double[]> fs = List.of(f("hp z2100", named), f("hp z2100", sized));
    RankingFeatures.normaliseCodeShare(fs);
    assertThat(fs.get(0)[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fs.get(1)[RankingFeatures.CODE_NEAR]).as("its title names the code").isZero();

    // A sibling whose title names another code near it stays a near miss ("P3005n").
    Product printer = product("p", "HP LaserJet P3005 printer", "HP", "LaserJet P3005 printer");
    Product sibling = product("n", "HP LaserJet P3005n printer", "HP", "P3005n");
    List<double[]> gs = List.of(f("hp p3005", printer), f("hp p3005", sibling));
    RankingFeatures.normaliseCodeShare(gs);
    assertThat(gs.get(0)[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(gs.get(1)[RankingFeatures.CODE_NEAR]).isEqualTo(1);
  }

  @Test
  void aNameCodeOfAnotherKindOfProductThanTheQueryAsksForDoesNotCarryIt() {
    Product drum =
        product("d", "OKI Image Drum for B4000 Original", "OKI", "Image Drum B4000 Original");
    Product tray = product("t", "OKI 500 Sheet Second Paper Tray", "OKI", "500 Sheet Paper Tray");
    assertThat(exactScaled("oki b4000 drum", drum, tray)).containsExactly(1, 0);
    assertThat(exactScaled("oki b4000 paper tray", drum, tray)).containsExactly(0, 0);
  }

  @Test
  void theCodesOfAModelFieldThatIsAProductNameAreItsCodeWordsBeforeADevice() {
    assertThat(RankingFeatures.modelNameCodes("Genuine TN-200 Toner Cartridge Black"))
        .containsExactly("tn200");
    assertThat(RankingFeatures.modelNameCodes("DK-11218 Round Labels")).containsExactly("dk11218");
    assertThat(RankingFeatures.modelNameCodes("Genuine 12A7460 Toner")).containsExactly("12a7460");
    assertThat(RankingFeatures.modelNameCodes("Electric shaver HQ7180/16"))
        .containsExactly("hq718016");
    // a standard, a size, a number with a suffix, a device after a marker: none
    assertThat(RankingFeatures.modelNameCodes("100ft Cat5E 350MHz Snagless Patch Cable")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("Labels Premium A4 105x50.8 mm white")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("LaserJet 2430t")).containsExactly("2430t");
    assertThat(RankingFeatures.modelNameCodes("Black drum/toner f B6100 15000sh")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("Black drum 15000sh")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("Toner for WorkCentre 7132 Black")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("Drum compatible with HL-5240 units")).isEmpty();
    // one code as a whole, with no name word: its words give none
    assertThat(RankingFeatures.modelNameCodes("CLI-521 M")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("TK 550C")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("ThinkPad T460s")).containsExactly("t460s");
    // a standard cited beside the product's own code
    assertThat(RankingFeatures.modelNameCodes("1GB DDR3-1333 ECC module")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("Telephone RJ11-RJ11 5 m")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("TLBP-113 Blue/Black")).containsExactly("tlbp113");
    // a part number leads the name; a later number counts labels; a code before "series" is a line
    assertThat(RankingFeatures.modelNameCodes("44016213 tray/feeder")).containsExactly("44016213");
    assertThat(RankingFeatures.modelNameCodes("Labels white 16000 pcs")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("Image Drum (B4000 series)")).isEmpty();
    // fewer digits in a vendor's lettered part number ("LC-E6"), not a count or a port ("PS-2")
    assertThat(RankingFeatures.modelNameCodes("LC-E6 battery charger")).containsExactly("lce6");
    assertThat(RankingFeatures.modelNameCodes("DSAVIQ-PS2M KVM cable Black"))
        .containsExactly("dsaviqps2m");
    assertThat(RankingFeatures.modelNameCodes("C-EXV2 Toner Magenta")).containsExactly("cexv2");
    assertThat(RankingFeatures.modelNameCodes("2-pack Toner Cartridge")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("PS-2 keyboard adapter")).isEmpty();
    assertThat(RankingFeatures.modelNameCodes("Wireless E5 mouse")).isEmpty();
  }

  private static Product cable(String id, String model) {
    return new Product(id, "C2G " + model + " networking cable", "C2G", model, "", null, null);
  }

  @Test
  void theBrandIsNotACodeOfTheProduct() {
    Product p = offer("p", "C2G USB cable"); // no model field: the title's codes count
    p = new Product("p", p.title(), "C2G", "", "", null, null);
    assertThat(f("C2G 28106", p)[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(f("C2G 28106", p)[RankingFeatures.CODE_NEAR]).isZero();
  }

  @Test
  void nearCodesDifferByADigitOrAnExtension() {
    assertThat(RankingFeatures.nearCode("dxoc67c3", "dxoc47c3")).isTrue();
    assertThat(RankingFeatures.nearCode("dxoc67c3", "dxoc68c3b")).isTrue();
    assertThat(RankingFeatures.nearCode("mw8014s", "mw8014p")).isTrue();
    assertThat(RankingFeatures.nearCode("g5", "g5s")).isTrue();
    assertThat(RankingFeatures.nearCode("dxoc67c3", "dxoc67c3")).isFalse();
    assertThat(RankingFeatures.nearCode("mw8014s", "mwd7512s")).isFalse();
    assertThat(RankingFeatures.nearCode("i7", "i5")).as("too short to tell").isFalse();
  }

  /**
   * Without a model field {@code code_exact} is the share of the query's codes the title carries
   * (positive when it names one), scaled to the list's best by the fusion.
   */
  @Test
  void theNamedCodeIsAnExactMatchEvenWithoutAModelFieldItsNeighboursAreNear() {
    Product named = offer("named", "hoover dxoc67c3 washing machine 7kg");
    Product digit = offer("digit", "Hoover DXOC47C3 washing machine");
    Product longer = offer("longer", "Hoover DXOC68C3B washing machine");
    Product other = offer("other", "Hoover HL4 washing machine");
    for (String q : List.of("Hoover DXOC67C3", "hoover dxoc-67c3", "DXOC 67C3 washing machine")) {
      assertThat(f(q, named)[RankingFeatures.CODE_EXACT]).as(q).isPositive();
      assertThat(f(q, named)[RankingFeatures.CODE_NEAR]).as(q).isZero();
      assertThat(f(q, digit)[RankingFeatures.CODE_EXACT]).as(q).isZero();
      assertThat(f(q, digit)[RankingFeatures.CODE_NEAR]).as(q).isEqualTo(1);
      assertThat(f(q, longer)[RankingFeatures.CODE_NEAR]).as(q).isEqualTo(1);
      assertThat(f(q, other)[RankingFeatures.CODE_EXACT] + f(q, other)[RankingFeatures.CODE_NEAR])
          .as(q)
          .isZero();
    }
    Product g5 = offer("g5", "Motorola Moto G5 2GB RAM 16GB grey");
    Product g5s = offer("g5s", "Motorola moto g5s 3GB RAM 32GB");
    assertThat(f("Moto G5 2GB RAM", g5)[RankingFeatures.CODE_EXACT]).isPositive();
    assertThat(f("Moto G5 2GB RAM", g5s)[RankingFeatures.CODE_NEAR]).isEqualTo(1);
  }

  @Test
  void theModelFieldCountsToo() {
    Product p =
        new Product("p", "Xerox toner cartridge black", "Xerox", "006R90321", "", null, null);
    assertThat(exactAlone("xerox 006r90321", p)).isEqualTo(1);
    assertThat(f("xerox 006r90322", p)[RankingFeatures.CODE_NEAR]).isEqualTo(1);
  }

  @Test
  void aNumberOfFourDigitsWithAUnitLikeLetterIsACodeNotAQuantity() {
    assertThat(RankingFeatures.codes("HP ProBook 4710s")).contains("4710s");
    assertThat(RankingFeatures.codes("hp elitebook 8540p")).contains("8540p");
    assertThat(RankingFeatures.codes("Intel Core i7 2600K")).contains("2600k");
    assertThat(RankingFeatures.hasModelCode("HP 8540p")).isTrue();
    // "p" is a unit of video resolutions only: 3 digits and another p make a code
    assertThat(RankingFeatures.codes("DYMO 260P")).contains("260p");
    assertThat(RankingFeatures.hasModelCode("DYMO 260P")).isTrue();
    // a number and s names a model ("IdeaCentre 510S", "HP 35s"), whatever its digits
    assertThat(RankingFeatures.codes("Lenovo IdeaCentre 510S")).contains("510s");
    assertThat(RankingFeatures.codes("HP 35s Scientific Calculator")).contains("35s");
    assertThat(RankingFeatures.hasModelCode("Lenovo IdeaCentre 510S")).isTrue();
    // still quantities: short numbers, video resolutions, decades
    assertThat(RankingFeatures.codes("480p 720p 1080p 2160p 16x 4k 1990s 80s")).isEmpty();
    assertThat(RankingFeatures.hasModelCode("tv 1080p")).isFalse();
    Product named = offer("named", "HP EliteBook 8540p 39.6 cm (15.6\") 1600 x 900 pixels");
    Product sibling = offer("sibling", "HP Compaq 8510p Notebook PC");
    assertThat(f("HP 8540p", named)[RankingFeatures.CODE_EXACT]).isPositive();
    assertThat(f("HP 8540p", sibling)[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(f("HP 8540p", sibling)[RankingFeatures.CODE_NEAR]).isEqualTo(1);
  }

  @Test
  void anOptionSuffixAfterAHashMakesNoCodeUnreadable() {
    // HP writes a localisation option after "#" ("Q6275A#UUS"); the code signal reads the code as
    // the code features do, so the dense cosine is trusted as little as for any code query.
    assertThat(RankingFeatures.hasModelCode("5543#ABA")).isTrue();
    assertThat(RankingFeatures.hasModelCode("HP Q6275A#UUS")).isTrue();
    assertThat(RankingFeatures.codes("5543#ABA")).contains("5543aba");
    assertThat(RankingFeatures.hasModelCode("Lexmark #41 cartridge")).as("a number").isFalse();
  }

  @Test
  void aPartNumberInDigitsOnlyIsACodeOfAWholeWord() {
    assertThat(RankingFeatures.codes("NEC 50030764 projector lamp")).contains("50030764");
    assertThat(RankingFeatures.codes("Crayola 81-7958 finger paint")).contains("817958");
    assertThat(RankingFeatures.codes("10000 mAh power bank")).as("a quantity").isEmpty();
    assertThat(RankingFeatures.codes("1 2 3 4 5")).as("never a run of words").isEmpty();
    assertThat(RankingFeatures.codes("Gigabit Ethernet (10/100/1000)")).as("a list").isEmpty();
    assertThat(RankingFeatures.hasModelCode("switch 10/100/1000")).isFalse();
    assertThat(RankingFeatures.hasModelCode("43865721")).isTrue();
    Product named = offer("named", "OKI 43865721 toner cartridge Original Yellow");
    Product sibling = offer("sibling", "OKI 43865722 toner cartridge Original Magenta");
    assertThat(f("43865721", named)[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(f("43865721", sibling)[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(f("43865721", sibling)[RankingFeatures.CODE_NEAR]).isEqualTo(1);
  }

  /**
   * Codes after a compatibility marker name the device the product fits, which the device and all
   * its parts carry: they are not the query's codes ("C734X24G for Lexmark C736" named every C736
   * part as fully as the imaging unit; "toner for HP 1020" named the printer).
   */
  @Test
  void codesAfterACompatibilityMarkerNameTheDeviceNotTheProduct() {
    String q = "C734X24G for Lexmark C736";
    Product unit = offer("unit", "Lexmark C734X24G imaging unit 20000 pages");
    Product part = offer("part", "Lexmark C736, X736, X738 Original Cyan");
    assertThat(f(q, unit)[RankingFeatures.CODE_EXACT]).isPositive();
    assertThat(f(q, part)[RankingFeatures.CODE_EXACT]).isZero();
    Product printer = offer("printer", "HP LaserJet 1020 printer");
    assertThat(f("toner for HP LaserJet 1020", printer)[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(RankingFeatures.productPart("42126665 fits OKI C3200")).isEqualTo("42126665");
    assertThat(RankingFeatures.productPart("X compatible with Y")).isEqualTo("X");
    assertThat(RankingFeatures.productPart("Forte 3000 comfort")).isEqualTo("Forte 3000 comfort");
    // the marker as the shop's other markets write it (eighth review: "ribbon para epson lq-630"
    // ranked the LQ-630 printer, which carries the code, above the ribbon for it)
    assertThat(RankingFeatures.productPart("ribbon para epson lq-630")).isEqualTo("ribbon");
    assertThat(RankingFeatures.productPart("toner für HP 1020")).isEqualTo("toner");
    assertThat(RankingFeatures.productPart("cartouche pour epson T0711")).isEqualTo("cartouche");
    assertThat(RankingFeatures.productPart("toner voor oki C110")).isEqualTo("toner");
    assertThat(RankingFeatures.productPart("taśma per oki ml3410")).isEqualTo("taśma");
    assertThat(RankingFeatures.productPart("toner do kyocera fs-1920")).isEqualTo("toner");
    assertThat(RankingFeatures.productPart("what do i need to print"))
        .isEqualTo("what do i need to print");
    assertThat(RankingFeatures.productPart("pages per minute laser"))
        .isEqualTo("pages per minute laser");
    Product printer630 = product("lq", "Epson LQ-630 dot matrix printer", "Epson", "LQ-630");
    assertThat(exactAlone("ribbon para epson lq-630", printer630)).isZero();
    assertThat(exactAlone("ribbon epson lq-630", printer630)).as("without it").isEqualTo(1);
    // without a marker the query names the product: its codes all count
    assertThat(f("Lexmark C736 cyan", part)[RankingFeatures.CODE_EXACT]).isPositive();
  }

  /**
   * A brand with a digit makes every run of it and a plain word read as a code ("C2G USB" as
   * c2gusb): such a run is the brand, not a code of the query; a run of the brand and a code still
   * is one ("HP 650A" names hp650a).
   */
  @Test
  void aRunOfADigitBrandAndPlainWordsIsNoCodeOfTheQuery() {
    Product other =
        new Product("o", "C2G USB A Male to A Male Cable, Black 2m", "C2G", "", "", null, null);
    assertThat(f("C2G usb male 3m black", other)[RankingFeatures.CODE_EXACT]).isZero();
    Product named = new Product("n", "HP 650A Original Yellow 1 pc(s)", "HP", "", "", null, null);
    assertThat(f("HP 650A yellow", named)[RankingFeatures.CODE_EXACT]).isPositive();
    assertThat(RankingFeatures.brandOnly("c2gusb", "c2g")).isTrue();
    assertThat(RankingFeatures.brandOnly("usbc2g", "c2g")).isTrue();
    assertThat(RankingFeatures.brandOnly("c2g", "c2g")).isTrue();
    assertThat(RankingFeatures.brandOnly("c2g40505", "c2g")).isFalse();
    assertThat(RankingFeatures.brandOnly("hp650a", "hp")).isFalse();
    assertThat(RankingFeatures.brandOnly("c2gusb", "")).isFalse();
  }

  /**
   * A query that opens with a compatibility word ("compatible CE285A toner") names the product
   * after it: its codes count (cut at the first marker anywhere, it kept none).
   */
  @Test
  void aLeadingCompatibilityWordDoesNotDropTheProductsCode() {
    Product toner = offer("t", "CE285A black toner cartridge");
    assertThat(f("compatible CE285A toner", toner)[RankingFeatures.CODE_EXACT]).isPositive();
    assertThat(RankingFeatures.productPart("compatible CE285A toner for HP P1102"))
        .isEqualTo("compatible CE285A toner");
  }

  /**
   * A run of query words glued into a code weighs only its characters in words holding a digit: the
   * plain words around a code are spellings of it, not more of the product's identity. A merchant's
   * offer in another order ("Xeon X3440 2.53 Intel") carried 14 of 60 characters of "Intel Xeon
   * X3440 processor 2.53"'s codes (intelxeonx3440, xeonx3440processor and x3440processor weighed 46
   * of them), and a sibling holding "tray/feeder 500" (trayfeeder500, 13 characters) carried more
   * of "HP Q5985A tray/feeder 500" than the named offer "q5985a 500 sheets" (q5985a, 6). The brand
   * beside a code still tells an offer naming it from one citing it.
   */
  @Test
  void runsOfPlainWordsAroundACodeWeighOnlyTheirCodesCharacters() {
    String q = "Intel Xeon X3440 processor 2.53";
    Product reordered = offer("r", "Xeon X3440 2.53 Intel Free Delivery");
    // x3440 and xeonx3440 of x3440, intelxeonx3440, xeonx3440, xeonx3440processor, x3440processor
    assertThat(f(q, reordered)[RankingFeatures.CODE_EXACT]).isCloseTo(2.0 / 5, within(1e-9));
    assertThat(
            f(q, offer("o", "Intel Xeon x3440 processor 2.53GHz 8MB"))[RankingFeatures.CODE_EXACT])
        .isEqualTo(1);
    assertThat(f(q, offer("s", "Intel Xeon E5540 processor 2.53 8"))[RankingFeatures.CODE_EXACT])
        .isZero();

    String tray = "HP Q5985A tray/feeder 500";
    double named = f(tray, offer("n", "q5985a 500 sheets"))[RankingFeatures.CODE_EXACT];
    double sibling =
        f(tray, offer("s", "HP LaserJet q 7548a tray/feeder 500"))[RankingFeatures.CODE_EXACT];
    assertThat(named).isGreaterThan(sibling);
    assertThat(sibling).isPositive();

    assertThat(f("APC SYBT2", offer("b", "APC SYBT2 UPS battery"))[RankingFeatures.CODE_EXACT])
        .isEqualTo(1);
    assertThat(
            f("APC SYBT2", offer("f", "APC Symmetra battery frame w/4 SYBT2"))[
                RankingFeatures.CODE_EXACT])
        .isCloseTo(0.5, within(1e-9));
  }

  @Test
  void anOfferCarryingMoreOfTheQuerysCodesHasTheLargerCodeShare() {
    Product named = offer("named", "Canon CLI-521 M Original Magenta 1 pc(s)");
    Product sibling = offer("sibling", "Canon CLI-521 BK Original Black 1 pc(s)");
    assertThat(f("Canon CLI-521 M", named)[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    // cli521 and canoncli521 of cli521, cli521m, canoncli521, canoncli521m, each weighing its
    // characters in words holding a digit (cli521's 6): 12 / 24
    assertThat(f("Canon CLI-521 M", sibling)[RankingFeatures.CODE_EXACT])
        .isCloseTo(12.0 / 24, within(1e-9));
    // "HP CG-823A" also names 823a by its piece: another product's code, a smaller share
    Product media = offer("media", "HP CG823A large format media 22.9 m");
    Product toner = offer("toner", "HP 823A Original Black 1 pc(s)");
    assertThat(f("HP CG-823A", media)[RankingFeatures.CODE_EXACT])
        .isGreaterThan(f("HP CG-823A", toner)[RankingFeatures.CODE_EXACT])
        .isPositive();
    assertThat(f("HP CG-823A", toner)[RankingFeatures.CODE_EXACT]).isPositive();
  }

  /**
   * A run of the brand and a code ("lexmarkc935") is that code next to the brand: in an offer's
   * code share it weighs the code's characters, not the brand's too, so the accessories of a device
   * the query names beside the brand carry no more of the query's codes than the offer named by its
   * other code, twice as long (they carried 15 characters to its 8), and the brand next to a code
   * still tells two offers of that code apart.
   */
  @Test
  void aRunOfTheBrandAndACodeCountsAsTheCodeBesideTheBrand() {
    String q = "Lexmark C935 C930H2MG";
    Product stand = branded("s", "Lexmark C935 Cabinet Stand printer cabinet/stand", "Lexmark");
    Product toner = branded("t", "Lexmark C930H2MG toner cartridge Original Magenta", "Lexmark");
    assertThat(f(q, toner)[RankingFeatures.CODE_EXACT])
        .isPositive()
        .isGreaterThanOrEqualTo(f(q, stand)[RankingFeatures.CODE_EXACT]);
    Product battery = branded("b", "APC SYBT2 UPS battery", "APC");
    Product frame = branded("f", "APC Symmetra battery frame w/4 SYBT2", "APC");
    assertThat(f("APC SYBT2", battery)[RankingFeatures.CODE_EXACT])
        .isGreaterThan(f("APC SYBT2", frame)[RankingFeatures.CODE_EXACT]);
    assertThat(RankingFeatures.brandRun("lexmarkc935", "lexmark")).isTrue();
    assertThat(RankingFeatures.brandRun("c935", "lexmark")).isFalse();
    assertThat(RankingFeatures.brandRun("lexmark", "lexmark")).isFalse();
    assertThat(RankingFeatures.brandRun("hp650a", "")).isFalse();
  }

  /**
   * A query that names a code beside another brand than the few offers carrying it ("KYOCERA
   * Q8029A" for HP's photo paper Q8029A): no candidate earns {@code brand_match} (Kyocera's toner
   * kits ranked above the paper by it); with a carrier of the brand named, or more carriers than
   * name one product, the others keep theirs.
   */
  @Test
  void theBrandBesideACodeOnlyOtherBrandsCarryEarnsNothing() {
    String q = "KYOCERA Q8029A";
    Product paper = branded("p", "HP Q8029A photo paper High-gloss A6", "HP");
    Product kit = branded("k", "KYOCERA MK-703", "KYOCERA");
    double[] fp = f(q, paper);
    double[] fk = f(q, kit);
    assertThat(fk[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
    RankingFeatures.normaliseCodeShare(List.of(fp, fk));
    assertThat(fk[RankingFeatures.BRAND_MATCH]).isZero();
    assertThat(fp[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    // A carrier of the brand named: the brand tells its products apart again.
    Product own = branded("o", "KYOCERA Q8029A compatible photo paper", "KYOCERA");
    double[] fo = f(q, own);
    double[] fk2 = f(q, kit);
    RankingFeatures.normaliseCodeShare(List.of(f(q, paper), fo, fk2));
    assertThat(fo[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
    assertThat(fk2[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
    // A code more offers carry than name one product is a standard: the brand still counts.
    List<double[]> many = new java.util.ArrayList<>();
    for (int i = 0; i <= RankingFeatures.MAX_NAMED_CARRIERS; i++) {
      many.add(f(q, branded("p" + i, "HP Q8029A photo paper " + i, "HP")));
    }
    double[] fk3 = f(q, kit);
    many.add(fk3);
    RankingFeatures.normaliseCodeShare(many);
    assertThat(fk3[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
  }

  /**
   * A code no candidate carries as its own (no model field, no offer's leading title words) but the
   * title of a product with a model field of its own names it: a third party's compatible, "Xerox
   * Yellow toner cartridge. Equivalent to HP Q5952A", the only product the catalogue has for "hp
   * q5952a" when HP's own cartridge is not in it. That product then carries the code ({@code
   * code_exact} 1), and the brand written beside the code earns the brand's other products nothing
   * (HP's media ranked above it by {@code brand_match} and the cosine; BM25 ranks it first). With
   * the original among the candidates, the compatible carries the code beside it, and the brand
   * keeps its {@code brand_match}: the original first, the compatible above HP's media (which, with
   * {@code code_exact} 0 for the compatible, ranked it out of the top 10 for the bare code); a code
   * more titles hold than name one product is a standard.
   */
  @Test
  void aCodeOnlyATitleNamesCarriesItWhenNoCandidateCarriesItAsItsOwn() {
    String q = "hp q5952a";
    Product compatible =
        product(
            "x",
            "Xerox Yellow toner cartridge. Equivalent to HP Q5952A. Compatible with HP Colour"
                + " LaserJet 4700",
            "Xerox",
            "006R01331");
    Product media = product("h", "HP Q8673A large format media", "HP", "Q8673A");
    double[] fx = f(q, compatible);
    double[] fh = f(q, media);
    assertThat(fh[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
    RankingFeatures.normaliseCodeShare(List.of(fx, fh));
    assertThat(fx[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fh[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(fh[RankingFeatures.BRAND_MATCH]).as("the brand beside the code").isZero();

    Product original =
        product("o", "HP 643A Yellow Original LaserJet Toner Cartridge", "HP", "Q5952A");
    double[] fo = f(q, original);
    double[] fx2 = f(q, compatible);
    double[] fh2 = f(q, media);
    RankingFeatures.normaliseCodeShare(List.of(fo, fx2, fh2));
    assertThat(fo[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fo[RankingFeatures.BRAND_MATCH]).as("the original's brand").isEqualTo(1);
    assertThat(fx2[RankingFeatures.CODE_EXACT]).as("beside the original").isEqualTo(1);
    assertThat(fh2[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(fh2[RankingFeatures.BRAND_MATCH]).isEqualTo(1);

    List<double[]> many = new java.util.ArrayList<>();
    for (int i = 0; i <= RankingFeatures.MAX_NAMED_CARRIERS; i++) {
      many.add(f(q, product("x" + i, "Toner " + i + " equivalent to HP Q5952A", "Xerox", "T" + i)));
    }
    double[] fh3 = f(q, media);
    many.add(fh3);
    RankingFeatures.normaliseCodeShare(many);
    assertThat(many.get(0)[RankingFeatures.CODE_EXACT]).as("a standard").isZero();
    assertThat(fh3[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
  }

  /**
   * A title naming the query's code names the product only as another brand's replacement for it:
   * the supplies of a device of the brand the query names, and what a title names after a
   * compatibility marker, name the device ("xerox phaser 3300mfp paper tray" asks for a tray, not
   * the Phaser's toner; "Compatible with Kyocera FS-3830" names the printer a toner fits).
   */
  @Test
  void aTitleNamingTheCodeOfItsOwnBrandsDeviceOrAfterAMarkerCarriesNothing() {
    Product toner =
        product("t", "Xerox Phaser 3300MFP High Capacity Toner Cartridge", "Xerox", "106R01412");
    Product tray = product("p", "Xerox 250-sheet Paper Tray", "Xerox", "097S03625");
    double[] ft = f("xerox phaser 3300mfp paper tray", toner);
    double[] fp = f("xerox phaser 3300mfp paper tray", tray);
    RankingFeatures.normaliseCodeShare(List.of(ft, fp));
    assertThat(ft[RankingFeatures.CODE_EXACT]).isZero();
    Product other =
        product(
            "x",
            "Xerox Black toner cartridge. Equivalent to Kyocera TK-65. Compatible with Kyocera"
                + " FS-3830",
            "Xerox",
            "006R01261");
    double[] fx = f("kyocera fs-3830 fuser", other);
    RankingFeatures.normaliseCodeShare(List.of(fx));
    assertThat(fx[RankingFeatures.CODE_EXACT]).isZero();
  }

  /**
   * Another brand's title carries a code only as the query writes it, behind the same word ("HP
   * Q5952A"): a standard or a size ("IEEE 1394", "1440 x 900") is held by titles of any brand.
   * Beside the original carrying the code (its model field) the replacement carries it too, the
   * original keeping its brand; a title of the brand the query names holding the code while its
   * model field is another code (the original under a part number) leaves the replacement nothing.
   */
  @Test
  void anotherBrandsTitleCarriesTheCodeOnlyBehindTheQuerysWordAndNotBesideTheNamedBrands() {
    Product card = product("c", "HP Firewire IEEE 1394 PCI interface card", "HP", "PCI1394CARD");
    double[] fc = f("StarTech.com 15 ft IEEE-1394 Firewire Cable", card);
    RankingFeatures.normaliseCodeShare(List.of(fc));
    assertThat(fc[RankingFeatures.CODE_EXACT]).isZero();

    String q = "BROTHER DR-3000 DRUM";
    Product original =
        product(
            "o", "Brother DR-3000 drum unit printer drum Original", "Brother", "DR-3000 drum unit");
    Product replacement =
        product(
            "x",
            "Xerox Drum cartridge. Equivalent to Brother DR3000. Compatible with Brother HL-5130",
            "Xerox",
            "Drum cartridge. Equivalent to Brother DR3000. Compatible with Brother HL-5130");
    double[] fo = f(q, original);
    double[] fx = f(q, replacement);
    RankingFeatures.normaliseCodeShare(List.of(fo, fx));
    assertThat(fo[RankingFeatures.CODE_EXACT]).as("its model field names it").isEqualTo(1);
    assertThat(fo[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
    assertThat(fx[RankingFeatures.CODE_EXACT]).as("the replacement beside it").isEqualTo(1);
    assertThat(fx[RankingFeatures.BRAND_MATCH]).isZero();
    Product partNumbered =
        product("p", "Brother DR-3000 drum unit printer drum Original", "Brother", "LE5443001");
    assertThat(exactScaled(q, partNumbered, replacement)[1])
        .as("beside the named brand's title")
        .isZero();
    double[] alone = f(q, replacement);
    RankingFeatures.normaliseCodeShare(List.of(alone));
    assertThat(alone[RankingFeatures.CODE_EXACT]).as("without the original").isEqualTo(1);
  }

  /**
   * A query asking for a replacement ("hp q5952a equivalent", "compatible hp q5952a") wants another
   * brand's title naming the code beside the original: both carry it, the original less (the
   * replacement asked for first, the original next), and the brand named (the original's) earns
   * nothing; for the bare code both carry it fully, and the original keeps its brand (it ranks
   * first, the replacement next).
   */
  @Test
  void aQueryAskingForAReplacementLetsAnotherBrandsTitleCarryTheCodeBesideTheOriginal() {
    Product original =
        product("o", "HP 643A Yellow Original LaserJet Toner Cartridge", "HP", "Q5952A");
    Product replacement =
        product(
            "x",
            "Xerox Yellow toner cartridge. Equivalent to HP Q5952A. Compatible with HP Colour"
                + " LaserJet 4700",
            "Xerox",
            "006R01331");
    for (String q :
        List.of("hp q5952a equivalent", "Compatible HP Q5952A toner", "generic hp q5952a")) {
      double[] fo = f(q, original);
      double[] fx = f(q, replacement);
      RankingFeatures.normaliseCodeShare(List.of(fo, fx));
      assertThat(fx[RankingFeatures.CODE_EXACT]).as(q).isEqualTo(1);
      assertThat(fo[RankingFeatures.CODE_EXACT]).as(q).isEqualTo(RankingFeatures.REPLACED_ORIGINAL);
      assertThat(fo[RankingFeatures.BRAND_MATCH]).as(q).isZero();
    }
    double[] fo = f("hp q5952a", original);
    double[] fx = f("hp q5952a", replacement);
    RankingFeatures.normaliseCodeShare(List.of(fo, fx));
    assertThat(fx[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fo[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fo[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
    assertThat(fx[RankingFeatures.BRAND_MATCH]).isZero();
    assertThat(RankingFeatures.REPLACEMENT_INTENT.matcher("incompatible").find()).isFalse();
    assertThat(RankingFeatures.REPLACEMENT_INTENT.matcher("non-OEM hp").find()).isTrue();
  }

  /**
   * Another brand's title carries the code beside the original only when the query names the
   * original's brand: "Compaq 6730b" names HP's notebook (model 6730b) by its line, and HP's own
   * "HP Compaq 6730b Notebook PC" titles, of no brand the query names, are no replacements of it
   * (carrying the code beside it, one ranked above the notebook named with its memory).
   */
  @Test
  void aTitleCarriesTheCodeBesideAnOriginalOnlyOfTheBrandTheQueryNames() {
    String q = "Compaq 6730b 2GB 160GB";
    Product original =
        product("o", "HP Compaq 6730b Notebook 2 GB DDR2-SDRAM 160 GB HDD", "HP", "6730b");
    Product line = product("l", "HP Compaq 6730b Notebook PC", "HP", "KU123AA");
    double[] fo = f(q, original);
    double[] fl = f(q, line);
    assertThat(fo[RankingFeatures.BRAND_MATCH]).isZero();
    RankingFeatures.normaliseCodeShare(List.of(fo, fl));
    assertThat(fo[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fl[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(exactAlone(q, line)).as("without the original").isEqualTo(1);
  }

  /**
   * A replacement's title names a code of two digits beside letters ("Equivalent to Kyocera TK-65")
   * as it names one of more, and a brand the query writes in two words ("kyocera mita tk-320",
   * Kyocera's former name) writes the code behind its first: the title carries it alone (before,
   * neither did, and the equivalent fell out of the top 10). A standard's two digits ("db25",
   * "rj45") are no product's.
   */
  @Test
  void aReplacementCarriesATwoDigitCodeAndOneBehindTheFirstOfTwoBrandWords() {
    Product tk65 =
        product("x", "Xerox Black toner cartridge. Equivalent to Kyocera TK-65", "Xerox", "006R1");
    assertThat(exactAlone("kyocera TK-65", tk65)).isEqualTo(1);
    Product tk320 =
        product("y", "Xerox Black toner cartridge. Equivalent to Kyocera TK-320", "Xerox", "006R2");
    assertThat(exactAlone("kyocera mita tk-320", tk320)).isEqualTo(1);
    assertThat(RankingFeatures.titleNamed("tk65")).isTrue();
    assertThat(RankingFeatures.titleNamed("q5952a")).isTrue();
    assertThat(RankingFeatures.titleNamed("db25")).isFalse();
    assertThat(RankingFeatures.titleNamed("rj45")).isFalse();
    assertThat(RankingFeatures.titleNamed("a4")).isFalse();
    assertThat(RankingFeatures.titleNamed("x5")).isFalse();
  }

  /**
   * "replacement for hp c9732a" names the product replaced, by its code, as "hp c9732a replacement"
   * does: a "for" right after "replacement" marks no device ("replacement battery for dell xps 13"
   * still names the laptop after its "for").
   */
  @Test
  void aForRightAfterReplacementNamesTheProductReplaced() {
    assertThat(RankingFeatures.productPart("replacement for hp c9732a"))
        .isEqualTo("replacement for hp c9732a");
    assertThat(RankingFeatures.productPart("replacement battery for dell xps 13"))
        .isEqualTo("replacement battery");
    Product replacement =
        product(
            "x", "Xerox Yellow Toner. Equivalent to HP C9732A", "Xerox", "Yellow Toner 006R01150");
    double[] fx = f("replacement for hp c9732a", replacement);
    RankingFeatures.normaliseCodeShare(List.of(fx));
    assertThat(fx[RankingFeatures.CODE_EXACT]).isEqualTo(1);
  }

  /** A replacement's title lists the codes it replaces behind the brand: each is written so. */
  @Test
  void aCodeListedBehindTheBrandInAReplacementsTitleIsWrittenBehindIt() {
    Product replacement =
        product(
            "x",
            "Xerox Black toner cartridge. Equivalent to Lexmark E450H11E, E450H21E. Compatible with"
                + " Lexmark E450",
            "Xerox",
            "Black toner cartridge. Equivalent to Lexmark E450H11E, E450H21E");
    for (String q : List.of("lexmark E450H21E", "lexmark e450h11e")) {
      double[] fx = f(q, replacement);
      RankingFeatures.normaliseCodeShare(List.of(fx));
      assertThat(fx[RankingFeatures.CODE_EXACT]).as(q).isEqualTo(1);
    }
    assertThat(RankingFeatures.writesInList("HP 64436XE/64416XE", "hp", "64416xe")).isTrue();
    assertThat(RankingFeatures.writesInList("HP Q5950A toner, black Q5951A", "hp", "q5951a"))
        .as("the list ended at a word")
        .isFalse();
  }

  /**
   * A code after a compatibility marker names a device ("drum for oki c7100") or the product a
   * replacement stands for ("toner cartridge compatible with lexmark E450H21E"): another brand's
   * title writing it in its own product part behind the query's word is such a replacement, and
   * carries it; a device's code is written after the title's marker, and the brand's own device
   * holding it in its title leaves other titles nothing.
   */
  @Test
  void aCodeAfterTheMarkerIsCarriedByAReplacementsTitleNotByADevicesSupplies() {
    Product replacement =
        product(
            "x",
            "Xerox Black toner cartridge. Equivalent to Lexmark E450H11E, E450H21E. Compatible with"
                + " Lexmark E450",
            "Xerox",
            "Black toner cartridge. Equivalent to Lexmark E450H11E, E450H21E");
    Product sibling = product("l", "Lexmark E450 Toner Cartridge Original", "Lexmark", "0E450A11E");
    for (String q :
        List.of(
            "toner cartridge compatible with lexmark E450H21E",
            "toner for lexmark e450h11e",
            "compatible toner cartridge for Lexmark e450h11e")) {
      double[] fx = f(q, replacement);
      double[] fl = f(q, sibling);
      RankingFeatures.normaliseCodeShare(List.of(fx, fl));
      assertThat(fx[RankingFeatures.CODE_EXACT]).as(q).isEqualTo(1);
      assertThat(fl[RankingFeatures.CODE_EXACT]).as(q).isZero();
      assertThat(fl[RankingFeatures.BRAND_MATCH]).as(q).isZero();
    }
    Product drum =
        product(
            "d",
            "Xerox Drum cartridge. Equivalent to OKI 42126608. Compatible with OKI C7100",
            "Xerox",
            "Drum cartridge. Equivalent to OKI 42126608");
    Product printer = product("p", "OKI C7100 colour printer", "OKI", "C7100 printer");
    Product thirdParty = product("t", "Acme drum OKI C7100 series", "Acme", "AD-7100");
    double[] fd = f("drum for oki c7100", drum);
    double[] fp = f("drum for oki c7100", printer);
    double[] ft = f("drum for oki c7100", thirdParty);
    RankingFeatures.normaliseCodeShare(List.of(fd, fp, ft));
    assertThat(fd[RankingFeatures.CODE_EXACT]).as("named after the title's marker").isZero();
    assertThat(ft[RankingFeatures.CODE_EXACT]).as("the brand's own device holds it").isZero();
    assertThat(fp[RankingFeatures.BRAND_MATCH]).isEqualTo(1);
  }

  /**
   * A query asking for a replacement by a code alone ("generic dr4000 drum", "C9700A compatible
   * toner") writes no brand before it: another brand's title naming the code in its product part
   * carries it whatever word precedes it there. Without the intent, the code alone is not enough
   * ("1440 x 900" and "IEEE 1394" are held by titles of any brand).
   */
  @Test
  void aReplacementAskedForByItsCodeAloneIsCarriedByATitleNamingIt() {
    Product replacement =
        product(
            "x",
            "Xerox Drum cartridge. Equivalent to Brother DR4000. Compatible with Brother HL-6050",
            "Xerox",
            "Drum cartridge. Equivalent to Brother DR4000");
    Product other = product("b", "Brother DR-3200 printer drum Original", "Brother", "DR-3200");
    for (String q : List.of("generic dr4000 drum", "dr4000 compatible drum")) {
      double[] fx = f(q, replacement);
      double[] fb = f(q, other);
      RankingFeatures.normaliseCodeShare(List.of(fx, fb));
      assertThat(fx[RankingFeatures.CODE_EXACT]).as(q).isEqualTo(1);
      assertThat(fb[RankingFeatures.CODE_EXACT]).as(q).isZero();
    }
    double[] fx = f("dr4000 drum", replacement);
    RankingFeatures.normaliseCodeShare(List.of(fx));
    assertThat(fx[RankingFeatures.CODE_EXACT]).as("no replacement asked for").isZero();
  }

  /**
   * A code after the query's compatibility marker names a device as often as a replaced product
   * ("toner for hp laserjet p2055", "battery for lenovo thinkpad t480"): another brand's title
   * holding it carries it only when the title names what the query asks for (its words before the
   * marker, but for words asking for a replacement). The device's other accessories ("Acme HP
   * LaserJet P2055 fuser kit" for a toner, a keyboard for "compatible ram for asus x550") are not
   * what the shopper asked for, and must neither carry the code nor take the brand named its {@code
   * brand_match}; a replacement's or accessory's title naming what is asked still carries it.
   */
  @Test
  void aCodeAfterTheMarkerIsCarriedOnlyByATitleNamingWhatTheQueryAsksFor() {
    record Case(String query, Product named, Product other) {}
    for (Case c :
        List.of(
            new Case(
                "toner for hp laserjet p2055",
                product("o", "HP 05A Black Original LaserJet Toner Cartridge", "HP", "CE505A"),
                product("f", "Acme HP LaserJet P2055 fuser kit 220V", "Acme", "FK-2055X")),
            new Case(
                "battery for lenovo thinkpad t480",
                product("l", "Lenovo ThinkPad Battery 61++ 6 cell", "Lenovo", "4X50M08811"),
                product("p", "Acme ThinkPad T480 palmrest cover with touchpad", "Acme", "PR-01")),
            new Case(
                "compatible ram for asus x550",
                product("a", "ASUS 4GB DDR3 SO-DIMM memory module", "ASUS", "04G-1333"),
                product("k", "Acme Asus X550 laptop keyboard", "Acme", "KX-1")),
            new Case(
                "replacement drum for oki c7100",
                product("p", "OKI C7100 colour printer", "OKI", "C7100 printer"),
                product("t", "Acme OKI C7100 toner cartridge black", "Acme", "AT-71")),
            new Case(
                "replacement lamp for optoma hd141x",
                product("o", "Optoma BL-FP190E original lamp", "Optoma", "SP.8VH01GC01"),
                product("m", "Acme Optoma HD141X projector ceiling mount", "Acme", "CM-1")))) {
      double[] fn = f(c.query(), c.named());
      double[] fo = f(c.query(), c.other());
      RankingFeatures.normaliseCodeShare(List.of(fn, fo));
      assertThat(fo[RankingFeatures.CODE_EXACT]).as(c.query() + ": another accessory").isZero();
      assertThat(fn[RankingFeatures.BRAND_MATCH]).as(c.query() + ": the brand named").isEqualTo(1);
    }
    Product toner =
        product("t", "Acme CE505A black toner cartridge HP LaserJet P2055", "Acme", "AC-505");
    double[] ft = f("toner for hp laserjet p2055", toner);
    RankingFeatures.normaliseCodeShare(List.of(ft));
    assertThat(ft[RankingFeatures.CODE_EXACT]).as("the toner asked for").isEqualTo(1);
    Product battery = product("b", "Acme ThinkPad T480 battery 01AV422", "Acme", "AB-03");
    double[] fb = f("replacement battery for lenovo thinkpad t480", battery);
    RankingFeatures.normaliseCodeShare(List.of(fb));
    assertThat(fb[RankingFeatures.CODE_EXACT]).as("the battery asked for").isEqualTo(1);
  }

  /**
   * A replacement asked for by both brands, "xerox hp q5952a equivalent": the brand named first is
   * the replacement's, whose title writes the code behind the other brand ("Equivalent to HP
   * Q5952A"); it carries the code as another brand's replacement does. Without the intent a title
   * of a brand the query names holding the code carries nothing, as before.
   */
  @Test
  void aReplacementAskedForByBothBrandsIsCarriedByTheNamedReplacementsTitle() {
    Product replacement =
        product(
            "x",
            "Xerox Yellow toner cartridge. Equivalent to HP Q5952A. Compatible with HP Colour"
                + " LaserJet 4700",
            "Xerox",
            "006R01331");
    Product media = product("h", "HP Q8673A large format media", "HP", "Q8673A");
    double[] fx = f("xerox hp q5952a equivalent", replacement);
    double[] fh = f("xerox hp q5952a equivalent", media);
    RankingFeatures.normaliseCodeShare(List.of(fx, fh));
    assertThat(fx[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(fh[RankingFeatures.CODE_EXACT]).isZero();
    double[] plain = f("xerox hp q5952a", replacement);
    RankingFeatures.normaliseCodeShare(List.of(plain));
    assertThat(plain[RankingFeatures.CODE_EXACT]).as("no replacement asked for").isZero();
  }

  /**
   * A list of codes pasted without spaces ("TL-SG3210,TL-SG2210P,TL-SF1016", a sheet's cells) names
   * each product as the same list with spaces does: the listed products carry their codes, and a
   * sibling extending one ("TL-SF1016D") carries none (it ranked first, by {@code code_partial},
   * while no listed product carried a code). A decimal comma stays inside its number ("1,5 m" holds
   * no bare 5).
   */
  @Test
  void aListOfCodesPastedWithoutSpacesNamesEachProduct() {
    Product listed = product("a", "TP-Link TL-SG3210 switch", "TP-Link", "TL-SG3210");
    Product sibling = product("b", "TP-Link TL-SF1016D switch", "TP-Link", "TL-SF1016D");
    for (String q : List.of("TL-SG3210,TL-SG2210P,TL-SF1016", "TL-SG3210;TL-SG2210P|TL-SF1016")) {
      double[] fa = f(q, listed);
      double[] fb = f(q, sibling);
      double[] spaced = f(q.replaceAll("[,;|]", ", "), listed);
      RankingFeatures.normaliseCodeShare(List.of(fa, fb));
      RankingFeatures.normaliseCodeShare(List.of(spaced, f(q.replaceAll("[,;|]", ", "), sibling)));
      assertThat(fa[RankingFeatures.CODE_EXACT]).as(q).isEqualTo(1);
      assertThat(fa[RankingFeatures.CODE_EXACT])
          .as(q)
          .isEqualTo(spaced[RankingFeatures.CODE_EXACT]);
      assertThat(fb[RankingFeatures.CODE_EXACT]).as(q).isZero();
      assertThat(fb[RankingFeatures.CODE_PARTIAL]).as(q).isZero();
    }
    Product pack =
        product("p", "Brother LC-1100C,M,Y Original cyan,magenta,yellow", "Brother", "LC1100RBWBP");
    Product cyan =
        product("c", "Brother LC-1100C ink cartridge Original Cyan", "Brother", "LC-1100C");
    String q = "Brother LC-1100C,M,Y Original";
    double[] fp = f(q, pack);
    double[] fc = f(q, cyan);
    RankingFeatures.normaliseCodeShare(List.of(fp, fc));
    assertThat(fc[RankingFeatures.CODE_EXACT]).as("a code's option letters are no list").isZero();
    RankingFeatures features = new RankingFeatures(Analyzers.allText());
    assertThat(features.query("hdmi cable 1,5 m").numbers)
        .as("a decimal comma")
        .doesNotContain("5");
  }

  /**
   * A count of pieces written "set of 2", "bundle of 3" or "box of 10" is no number of the product
   * named, as "2 pack" is not: {@code number_missing} does not look for it in titles ("canon gpr-18
   * black toner set of 2" ranked the GPR-2 above the GPR-18 it names). A number after "of" that no
   * pack word precedes stays one ("edition of 2019").
   */
  @Test
  void aPackCountIsNoNumberOfTheProduct() {
    assertThat(RankingFeatures.numbers("canon gpr-18 black toner set of 2")).doesNotContain("2");
    assertThat(RankingFeatures.numbers("bundle of 3 hp 950xl")).doesNotContain("3");
    assertThat(RankingFeatures.numbers("dvd-r box of 10")).doesNotContain("10");
    assertThat(RankingFeatures.numbers("edition of 2019")).contains("2019");
  }

  private static Product branded(String id, String title, String brand) {
    return new Product(id, title, brand, "", "", null, null); // an offer with a brand, no model
  }

  @Test
  void theWholeCodeOutweighsItsPiecesCarriedByASibling() {
    // "HP RL1-0542-000CN" names rl10542000cn and its pieces rl1 and 000cn; the sibling
    // RL1-0568-000CN carries both pieces, the named offer (its code written whole) carries the
    // code, and with it the pieces it contains.
    Product named = offer("named", "rl10542000cn printer/scanner spare part roller hp");
    Product sibling = offer("sibling", "HP RL1-0568-000CN printer/scanner spare part Roller");
    double n = f("HP RL1-0542-000CN", named)[RankingFeatures.CODE_EXACT];
    double s = f("HP RL1-0542-000CN", sibling)[RankingFeatures.CODE_EXACT];
    assertThat(n).isGreaterThan(2 * s);
    assertThat(s).isPositive();
  }

  @Test
  void aModelFieldNamedAsWrittenIsAFullCodeMatch() {
    Product p =
        new Product("p", "Canon CLI-521 BK ink cartridge", "Canon", "2933B001", "", null, null);
    // the query's runs "2933b001black", ... name no product: the list's best share is this one's
    double[] named = f("canon 2933B001 black ink", p);
    assertThat(named[RankingFeatures.CODE_EXACT]).isPositive();
    RankingFeatures.normaliseCodeShare(List.of(named));
    assertThat(named[RankingFeatures.CODE_EXACT]).isEqualTo(1);
  }

  /**
   * Two model fields the query names, one inside the other: the longer one is the product named
   * ("Canon CLI-521 M" names the magenta cartridge, model CLI-521 M), the shorter one a sibling
   * whose code the query holds only in part (the cyan one, model CLI-521), whatever their cosines.
   */
  @Test
  void theLongestModelCodeTheQueryNamesWins() {
    // the query's runs from "CLI-521" on: cli521, cli521m; the cyan model is the first of them
    assertThat(exactScaled("Canon CLI-521 M", MAGENTA, CYAN)).containsExactly(1, 0.5);
    assertThat(exactAlone("Canon CLI-521", CYAN)).isEqualTo(1);
    // "DYMO RHINO 5200 Kit" names the kit (model 5200 Kit), the printer (5200) in part
    Product kit = new Product("k", "DYMO RHINO 5200 Kit", "DYMO", "5200 Kit", "", null, null);
    Product printer = new Product("p", "DYMO RHINO 5200", "DYMO", "5200", "", null, null);
    assertThat(exactScaled("DYMO RHINO 5200 Kit", kit, printer)).containsExactly(1, 0.5);
  }

  /**
   * Punctuation around the query's words ends a list only between words: a comma, quotes or
   * brackets around "CLI-521 M" leave it the longest match, and a dash or slash standing between
   * two codes neither joins them nor makes the first one longer.
   */
  @Test
  void punctuationBetweenWordsNotAroundThemEndsTheLongestMatch() {
    for (String q :
        List.of(
            "Canon CLI-521 M, magenta",
            "\"Canon CLI-521 M\"",
            "Canon (CLI-521 M)",
            "Canon CLI-521 M!")) {
      assertThat(exactScaled(q, MAGENTA, CYAN)).as(q).containsExactly(1, 0.5);
    }
    Product t0711 = new Product("a", "Epson T0711 black", "Epson", "T0711", "", null, null);
    Product t0714 = new Product("b", "Epson T0714 yellow", "Epson", "T0714", "", null, null);
    for (String q :
        List.of("Epson T0711 - T0714 multipack", "Epson T0711 / T0714", "Epson T0711, . T0714")) {
      assertThat(f(q, t0711)[RankingFeatures.CODE_EXACT])
          .as(q)
          .isEqualTo(f(q, t0714)[RankingFeatures.CODE_EXACT]);
      assertThat(features.query(q).runDepth).as(q).containsEntry("t0711t0714", 1);
    }
  }

  /**
   * A model field and an offer without one are scaled apart: the product whose model field the
   * query names is not scaled down by an offer whose title carries more of the query's word runs
   * ("canon 2933B001 black ink" names 2933b001black, ... too), and an offer carrying part of the
   * codes of a query that names a model field keeps its share.
   */
  @Test
  void aModelFieldAndAnOfferAreScaledApart() {
    Product model =
        new Product("p", "Canon CLI-521 BK ink cartridge", "Canon", "2933B001", "", null, null);
    Product offer = offer("o", "Canon 2933B001 Black Ink Cartridge");
    Product part = offer("q", "Canon 2933B001");
    String q = "canon 2933B001 black ink";
    double[] m = f(q, model);
    double[] o = f(q, offer);
    double[] pt = f(q, part);
    assertThat(pt[RankingFeatures.CODE_EXACT]).isLessThan(o[RankingFeatures.CODE_EXACT]);
    double share = pt[RankingFeatures.CODE_EXACT];
    RankingFeatures.normaliseCodeShare(List.of(m, o, pt));
    assertThat(m[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(o[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(pt[RankingFeatures.CODE_EXACT]).isEqualTo(share);
    // without the offer carrying them all, the part offer is still below the model field named
    assertThat(exactScaled(q, model, part)).containsExactly(1, share);
    assertThat(share).isLessThan(1);
  }

  /**
   * Words before a model code do not make it longer: "Intel Xeon X5260" and X5260 tie; nor do the
   * codes of a list.
   */
  @Test
  void wordsBeforeTheCodeDoNotMakeAModelMoreSpecific() {
    Product hp = new Product("h", "HP Intel Xeon X5260", "HP", "Intel Xeon X5260", "", null, null);
    Product intel = new Product("i", "Intel Xeon X5260", "Intel", "X5260", "", null, null);
    String q = "Intel Xeon X5260 processor 3330 MHz 6 MB L2";
    assertThat(f(q, hp)[RankingFeatures.CODE_EXACT])
        .isPositive()
        .isEqualTo(f(q, intel)[RankingFeatures.CODE_EXACT]);
    // nor does a list of codes after it: a model field "T650, T652, T654" names three printers
    Product list =
        new Product("l", "Lexmark T650, T652, T654", "Lexmark", "T650, T652, T654", "", null, null);
    Product toner =
        new Product("t", "Lexmark T650H04E toner", "Lexmark", "T650H04E", "", null, null);
    String pasted = "Lexmark T650H04E toner cartridge - T650, T652, T654 Print Cartridge";
    assertThat(f(pasted, list)[RankingFeatures.CODE_EXACT])
        .isPositive()
        .isEqualTo(f(pasted, toner)[RankingFeatures.CODE_EXACT]);
  }

  @Test
  void theCodeShareIsRelativeToTheBestCandidateOfTheList() {
    double[] named = new double[RankingFeatures.NAMES.size()];
    double[] half = new double[RankingFeatures.NAMES.size()];
    double[] none = new double[RankingFeatures.NAMES.size()];
    named[RankingFeatures.CODE_EXACT] = 1.0 / 3;
    half[RankingFeatures.CODE_EXACT] = 1.0 / 6;
    RankingFeatures.normaliseCodeShare(List.of(named, half, none));
    assertThat(named[RankingFeatures.CODE_EXACT]).isEqualTo(1);
    assertThat(half[RankingFeatures.CODE_EXACT]).isEqualTo(0.5);
    assertThat(none[RankingFeatures.CODE_EXACT]).isZero();
  }

  @Test
  void aCategoryQueryHasNoCodeFeatures() {
    Product named = offer("named", "hoover dxoc67c3 washing machine");
    assertThat(f("washing machine", named)[RankingFeatures.CODE_EXACT]).isZero();
    assertThat(f("washing machine", named)[RankingFeatures.CODE_NEAR]).isZero();
  }

  /**
   * A product title may hold one word of 16 Ki characters (a catalogue update allows it). Reading
   * its codes for a query naming one must neither overflow the stack (the regular expression for
   * digit groups joined by hyphens recursed once per group: a title "1-1-1-…" failed the retrieval
   * task of every query that scored it, with an Error no catch-all took) nor take quadratic time.
   * Run on a thread with the stack of a task thread (1 MiB).
   */
  @Test
  void aTitleOfOneHugeWordIsReadWithoutOverflowingTheStack() throws Exception {
    List<String> titles =
        List.of(
            "1" + "-1".repeat(8_000) + " toner",
            "12345" + "-6".repeat(8_000),
            "a" + "-".repeat(16_000) + "a toner",
            "(" + "9".repeat(16_000) + ")");
    Throwable[] failed = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                for (String title : titles) {
                  RankingFeatures.codes(title);
                  f("toner 11111-2", offer("x", title));
                  assertThat(RankingFeatures.isNumericCode(title)).isFalse();
                }
              } catch (Throwable e) {
                failed[0] = e;
              }
            },
            "task-sized-stack",
            1 << 20);
    t.start();
    t.join();
    assertThat(failed[0]).isNull();
  }

  /** The part-number rule, as the regular expression it replaced read it. */
  private static boolean numericCodeByRegex(String word) {
    String w = word.replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
    int digits = w.replace("-", "").length();
    return w.matches("[0-9]+(?:-[0-9]+)*") && digits >= 5 && digits <= 30;
  }

  @Test
  void partNumbersAreReadAsBeforeTheRegularExpressionWasReplaced() {
    for (String w :
        List.of(
            "50030764",
            "81-7958",
            "(81-7958),",
            "10/100/1000",
            "1234",
            "12345",
            "81--7958",
            "-81-7958-",
            "\uff18\uff11-\uff17\uff19\uff15\uff18",
            "\u0661\u0662\u0663\u0664\u0665",
            "1".repeat(30),
            "1".repeat(31),
            "1-2-3-4-5",
            "12345a",
            "a12345",
            "\u216b12345",
            "\u00b912345\u00b2")) {
      assertThat(RankingFeatures.isNumericCode(w)).as(w).isEqualTo(numericCodeByRegex(w));
    }
    java.util.Random random = new java.util.Random(7);
    String alphabet = "0123456789--a.( \u0663\u00b2\u216b";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = random.nextInt(70); n > 0; n--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String w = b.toString();
      assertThat(RankingFeatures.isNumericCode(w)).as(w).isEqualTo(numericCodeByRegex(w));
    }
  }

  private static Product product(String id, String title, String brand, String model) {
    return new Product(id, title, brand, model, "", null, null);
  }

  /**
   * {@code code_partial}: a code cut short, or with a suffix dropped, glued or separated, names the
   * product whose code it is part of, whether the code is in the model field or, for an offer, in
   * the title; never a code equal to the query's (that is {@code code_exact}), never across words
   * of the model field, never a code of fewer than 5 characters cut short.
   */
  @Test
  void aCodeCutShortOrWithASuffixNamesTheProductInPart() {
    Product c500 = product("c", "Lexmark C500S2CG toner cyan", "Lexmark", "C500S2CG");
    assertThat(f("Lexmark C500S", c500)[RankingFeatures.CODE_PARTIAL]).as("cut short").isPositive();
    assertThat(f("C500S2CG", c500)[RankingFeatures.CODE_PARTIAL]).as("exact: not partial").isZero();
    assertThat(exactAlone("C500S2CG", c500)).isEqualTo(1);
    Product dr = product("d", "Sharp DR-450 drum", "Sharp", "DR-450");
    assertThat(f("Sharp DR-450-UK", dr)[RankingFeatures.CODE_PARTIAL]).as("suffix").isPositive();
    assertThat(f("dr450uk", dr)[RankingFeatures.CODE_PARTIAL]).as("glued").isPositive();
    Product tv = offer("o", "Samsung UE55MU7000TXXU 55\" 4K TV");
    assertThat(f("samsung ue55mu7000", tv)[RankingFeatures.CODE_PARTIAL]).as("offer").isPositive();
  }

  /**
   * The nearest partial match wins: "Philips PET723/12#ABA" names PET723/12 with a suffix added and
   * PET723 with a longer one; "Lexmark C500S" is cut from both C500S2 and C500S2CG, the first
   * nearer. Each code_partial is the shorter code's share of the longer one, scaled to the list.
   */
  @Test
  void theNearestPartialCodeMatchWins() {
    Product named = product("n", "Philips PET723/12 DVD player", "Philips", "PET723/12");
    Product shorter = product("s", "Philips PET723 DVD player", "Philips", "PET723");
    double[] n = f("Philips PET723/12#ABA", named);
    double[] sh = f("Philips PET723/12#ABA", shorter);
    assertThat(n[RankingFeatures.CODE_PARTIAL]).isCloseTo(8.0 / 11, within(1e-9));
    assertThat(sh[RankingFeatures.CODE_PARTIAL]).isCloseTo(6.0 / 11, within(1e-9));
    RankingFeatures.normaliseCodeShare(List.of(n, sh));
    assertThat(n[RankingFeatures.CODE_PARTIAL]).isEqualTo(1);
    assertThat(sh[RankingFeatures.CODE_PARTIAL]).isCloseTo(0.75, within(1e-9));
    Product c500s2 = product("a", "Lexmark C500S2 toner", "Lexmark", "C500S2");
    Product c500s2cg = product("b", "Lexmark C500S2CG toner", "Lexmark", "C500S2CG");
    assertThat(f("Lexmark C500S", c500s2)[RankingFeatures.CODE_PARTIAL])
        .isGreaterThan(f("Lexmark C500S", c500s2cg)[RankingFeatures.CODE_PARTIAL]);
  }

  @Test
  void aPartialCodeIsReadWordByWordAndNeedsAFiveCharacterCodeAndAShortQuery() {
    Product cable = product("k", "C2G Cat5E patch cable 7ft", "C2G", "Cat5E, 7ft");
    assertThat(f("c2g cat5e patch cable", cable)[RankingFeatures.CODE_PARTIAL])
        .as("\"Cat5E, 7ft\" is two words, no code cat5e7ft extending cat5e")
        .isZero();
    Product cat6a = product("a", "Cat6a cable", "C2G", "Cat6a");
    assertThat(f("cat6", cat6a)[RankingFeatures.CODE_PARTIAL]).as("4 characters").isZero();
    Product printer = product("p", "Xerox Phaser 7500DN", "Xerox", "7500DN");
    assertThat(f("phaser 7500", printer)[RankingFeatures.CODE_PARTIAL])
        .as("a run of words is no code here")
        .isZero();
    Product module = product("m", "HP PC2-5300F memory", "HP", "PC2-5300F");
    assertThat(f("HP PC2-5300", module)[RankingFeatures.CODE_PARTIAL]).isPositive();
    assertThat(f("hp pc2-5300 0.5 gb memory module", module)[RankingFeatures.CODE_PARTIAL])
        .as("the other words name the product")
        .isZero();
  }

  /**
   * A code written without the letters of its series ("hp 1441a" for Q1441A) names the product in
   * part, as a code cut short does: the shopper dropped what every product of the series shares.
   */
  @Test
  void aCodeWithoutItsSeriesLettersNamesTheProductInPart() {
    Product media = product("q", "HP Q1441A large format media 45.7 m", "HP", "Q1441A");
    Product other = product("o", "HP Q8673A large format media 6.1 m", "HP", "Q8673A");
    assertThat(f("hp 1441a large format media", media)[RankingFeatures.CODE_PARTIAL]).isPositive();
    assertThat(f("hp 1441a large format media", other)[RankingFeatures.CODE_PARTIAL]).isZero();
    Product lamp = product("l", "NEC NP12LP projector lamp", "NEC", "NP12LP");
    assertThat(f("nec 12lp projector lamp", lamp)[RankingFeatures.CODE_PARTIAL]).isPositive();
  }

  /**
   * A distributor's part number, the manufacturer's code behind a vendor prefix ("HEWCF280A",
   * "KYOPF110"), names the product in part: no code feature read it, and with the code signal the
   * cosine's weight turned negative, ranking the least similar of BM25's near-ties first.
   */
  @Test
  void aCodeBehindAVendorPrefixNamesTheProductInPart() {
    Product feeder = product("k", "KYOCERA PF-110 500 sheets", "KYOCERA", "PF-110");
    Product kit = product("h", "HP 110-volt Maintenance Kit", "HP", "Q5422A");
    assertThat(f("KYOPF110", feeder)[RankingFeatures.CODE_PARTIAL]).isPositive();
    assertThat(f("KYOPF110", kit)[RankingFeatures.CODE_PARTIAL]).isZero();
    Product toner = product("t", "HP CF280A toner Original Black", "HP", "CF280A");
    assertThat(f("HEWCF280A toner cartridge black", toner)[RankingFeatures.CODE_PARTIAL])
        .isPositive();
    assertThat(RankingFeatures.addsVendorPrefix("kyotk55", "tk55")).isTrue();
    assertThat(RankingFeatures.addsVendorPrefix("mf3110", "3110")).as("digits alone").isFalse();
    assertThat(RankingFeatures.addsVendorPrefix("xcf280a", "cf280a")).as("1 letter").isFalse();
    assertThat(RankingFeatures.addsVendorPrefix("abcdecf280a", "cf280a")).as("5").isFalse();
  }

  @Test
  void dropsSeriesIsOneToFourLettersBeforeACodeOpeningWithADigit() {
    assertThat(RankingFeatures.dropsSeries("q1441a", "1441a")).isTrue();
    assertThat(RankingFeatures.dropsSeries("vf49cpam", "49cpam")).isTrue();
    assertThat(RankingFeatures.dropsSeries("abcde1441a", "1441a")).as("5 letters").isFalse();
    assertThat(RankingFeatures.dropsSeries("21441a", "1441a")).as("a digit").isFalse();
    assertThat(RankingFeatures.dropsSeries("q70t", "70t")).as("3 characters").isFalse();
    assertThat(RankingFeatures.dropsSeries("xcf280a", "cf280a"))
        .as("opens with a letter")
        .isFalse();
  }

  @Test
  void extendsCodeIsAPrefixOfOneToSixMoreCharacters() {
    assertThat(RankingFeatures.extendsCode("c500s2cg", "c500s")).isTrue();
    assertThat(RankingFeatures.extendsCode("c500s", "c500s")).isFalse();
    assertThat(RankingFeatures.extendsCode("c500s2cgxyz1", "c500s")).isFalse();
    assertThat(RankingFeatures.extendsCode("g5splus", "g5s")).isFalse();
    assertThat(RankingFeatures.extendsCode("abcdef", "abcde")).as("no digit").isFalse();
  }

  /**
   * A query holding the whole of a model field that is a product name names that product more fully
   * than a sibling whose model field is the code among its words: "HP EliteBook 2530p Notebook PC"
   * (model field "EliteBook 2530p Notebook PC") above the 2530p configuration (model field
   * "2530p"); a query holding only part of the name ("hp elitebook 2530p") leaves it without.
   */
  @Test
  void aQueryHoldingAWholeModelNameNamesItsProductAboveTheCodeAmongItsWords() {
    Product named =
        new Product(
            "n",
            "HP EliteBook 2530p Notebook PC",
            "HP",
            "EliteBook 2530p Notebook PC",
            "",
            null,
            null);
    Product configuration =
        new Product(
            "c",
            "HP EliteBook 2530p 30.7 cm (12.1\") 1280 x 800 pixels",
            "HP",
            "2530p",
            "",
            null,
            null);
    double[] whole = exactScaled("HP Inc EliteBook 2530p Notebook PC", named, configuration);
    assertThat(whole[0]).isEqualTo(1.0);
    assertThat(whole[1]).isLessThan(1.0);
    double[] part = exactScaled("hp elitebook 2530p", named, configuration);
    assertThat(part[0]).isZero();
    assertThat(part[1]).isEqualTo(1.0);
    // a name of words and sizes names no product: a pasted title of a sibling holds it too
    Product paper =
        new Product(
            "s",
            "HP Heavyweight Coated Paper 1524 mm x 30.5 m large format media",
            "HP",
            "Heavyweight Coated Paper 1524 mm x 30.5 m",
            "",
            null,
            null);
    String pasted =
        "HP Q1416A large format media 30.5 m - HP Universal Heavyweight Coated Paper, 1524 mm x 30.5 m";
    assertThat(f(pasted, paper)[RankingFeatures.CODE_EXACT]).isZero();
    // a name without a digit names no code: its words are the BM25 branch's
    Product plain =
        new Product(
            "p",
            "Logitech Wireless Mouse",
            "Logitech",
            "Wireless Mouse Silent Black",
            "",
            null,
            null);
    assertThat(f("logitech wireless mouse silent black 2", plain)[RankingFeatures.CODE_EXACT])
        .isZero();
  }
}
