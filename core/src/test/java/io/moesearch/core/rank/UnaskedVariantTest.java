package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A query naming a product ("x52", "kensington smartfit solemate") asks for that product, not for
 * its line's other model whose title continues the name with a variant word the query does not ask
 * for ("Logitech X52 Pro", "SoleMate Plus"): that one ranks below a title holding the name without
 * it ({@link RankingFeatures#lowerUnaskedVariants}), where BM25 and the cosine score the two alike
 * and a shorter title or a closer embedding decides.
 */
class UnaskedVariantTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private static Product product(String id, String title) {
    return Fused.product(id, title);
  }

  private static final Product PRO =
      product("pro", "Logitech X52 Pro Flight Control System Flight Sim");
  private static final Product PLAIN =
      product("plain", "Logitech X52 Flight Control System Joystick");

  @Test
  void aTitleContinuingTheQuerysNameWithAnUnaskedVariantWordIsAVariant() {
    RankingFeatures.QueryTerms x52 = features.query("x52");
    assertThat(features.variantOf(x52, PRO.title())).isTrue();
    assertThat(features.variantOf(x52, PLAIN.title())).isFalse();
    assertThat(features.variantOf(features.query("logitech x52 pro"), PRO.title()))
        .as("the variant word asked")
        .isFalse();
    assertThat(
            features.variantOf(
                features.query("tripp lite right-angle cat6 molded cable"),
                "Tripp Lite Right-Angle Cat6 Gigabit Molded Slim UTP Ethernet Cable"))
        .as("between the query's words")
        .isTrue();
    assertThat(features.variantOf(features.query("smartpro 1500"), "Tripp Lite SmartPro 1500VA"))
        .as("before the query's first word held")
        .isFalse();
    assertThat(
            features.variantOf(
                features.query("hp laserjet m402dn"), "HP LaserJet Pro M402dn laser printer"))
        .as("before the query's code, which names the model")
        .isFalse();
    assertThat(features.variantOf(features.query("hp 3500"), "HP Pro 3500 MT"))
        .as("the line's own name: the title's first two words")
        .isFalse();
    assertThat(features.variantOf(x52, "Logitech X52 Flight Control System Pro"))
        .as("not right after a word of the query")
        .isFalse();
    assertThat(
            features.variantOf(
                features.query("philips sonicare toothbrush"),
                "Philips Sonicare FlexCare+ Rechargeable sonic toothbrush"))
        .as("a \"+\" glued to a word is no word of its own")
        .isFalse();
    assertThat(features.variantOf(x52, "Logitech X52 Flight Control + Pro Mount"))
        .as("what comes with it")
        .isFalse();
    assertThat(features.variantOf(x52, "Thrustmaster Pro Stick for Logitech X52"))
        .as("the name only after the compatibility marker")
        .isFalse();
  }

  @Test
  void aVariantWordGluedToTheQuerysWordIsReadAsTheShopperWritesIt() {
    assertThat(
            features.variantOf(
                features.query("startech.com 6 ft miniusb cable"),
                "StarTech.com 6 ft Mini USB 2.0 Cable - A to Mini B"))
        .as("asked, glued to the title's next word")
        .isFalse();
    assertThat(features.variantOf(features.query("hp 920 black ink"), "HP 920XL Black Ink"))
        .as("glued to the query's word in the title")
        .isTrue();
    Product plus = product("plus", "HP 57+ Tri-colour Ink Cartridge");
    Product plain = product("plain", "HP 57 Tri-colour Ink Cartridge Original");
    assertThat(EntryCutTest.ids(Fused.served("hp 57 ink", plus, plain)))
        .as("no word of the list of its own in either title")
        .containsExactly("plain", "plus");
    assertThat(features.variantOf(features.query("hp 57 ink"), "HP 57+ Tri-colour Ink"))
        .as("a \"+\" ending the query's word")
        .isTrue();
    assertThat(features.variantOf(features.query("hp 920xl black ink"), "HP 920XL Black Ink"))
        .as("asked glued")
        .isFalse();
    assertThat(features.variantOf(features.query("hp 920 high yield ink"), "HP 920XL Black Ink"))
        .as("an XL asked in words")
        .isFalse();
    assertThat(
            features.variantOf(
                features.query("contour shuttle 2"), "Contour Design Shuttle-Pro 2 Wired"))
        .as("a hyphenated name, and a stem of letters only, glue nothing")
        .isFalse();
    assertThat(
            features.variantOf(
                features.query("msi modern i5 10th gen notebook"),
                "MSI Modern 14 Notebook 10th gen Intel Core i5 Windows 10 Pro"))
        .as("a number the query holds only inside a word (\"10th\")")
        .isFalse();
  }

  @Test
  void aBoxedProductIsAVariantOfOneAskedForLoose() {
    Product box = product("box", "Intel Xeon E5620 processor 2.4 GHz Box 12 MB Smart Cache");
    Product tray = product("tray", "Intel Xeon E5620 processor 2.4 GHz 12 MB Smart Cache");
    RankingFeatures.QueryTerms oem = features.query("intel e5620 oem");
    assertThat(features.of(oem, box, 0.5, 1, -1, -1)[RankingFeatures.WORDS_UNCOVERED])
        .isEqualTo(RankingFeatures.VARIANT_UNCOVERED);
    assertThat(features.of(oem, tray, 0.5, 1, -1, -1)[RankingFeatures.WORDS_UNCOVERED]).isZero();
    assertThat(
            features
                .of(features.query("intel e5620 box"), box, 0.5, 1, -1, -1)[
                RankingFeatures.WORDS_UNCOVERED])
        .as("the box asked")
        .isZero();
    assertThat(EntryCutTest.ids(Fused.served("tray xeon e5620", box, tray)))
        .containsExactly("tray", "box");
  }

  @Test
  void aVariantRanksBelowTheProductTheQueryNames() {
    assertThat(EntryCutTest.ids(Fused.bm25Only("x52", PRO, PLAIN)))
        .as("BM25 alone: the first hit first")
        .containsExactly("pro", "plain");
    assertThat(EntryCutTest.ids(Fused.served("x52", PRO, PLAIN))).containsExactly("plain", "pro");
    Product plus = product("plus", "Kensington SmartFit® SoleMate Plus Footrest");
    Product sole = product("sole", "Kensington SmartFit® SoleMate Footrest");
    List<HybridRanker.Scored> fused = Fused.served("kensington smartfit solemate", plus, sole);
    assertThat(EntryCutTest.ids(fused)).containsExactly("sole", "plus");
    assertThat(DeviceFitTest.byId(fused, "plus")[RankingFeatures.WORDS_UNCOVERED])
        .as("as if it lacked one more of the query's words")
        .isEqualTo(RankingFeatures.VARIANT_UNCOVERED);
  }

  @Test
  void aVariantStaysWhereNoOtherTitleHoldsTheNameWithoutOne() {
    Product other = product("o", "Saitek Pro Flight X-56 Rhino");
    List<HybridRanker.Scored> fused = Fused.served("x52", PRO, other);
    assertThat(EntryCutTest.ids(fused).get(0)).isEqualTo("pro");
    assertThat(DeviceFitTest.byId(fused, "pro")[RankingFeatures.WORDS_UNCOVERED]).isZero();
    Product named = product("n", "Logitech X52 Pro Flight Control System");
    assertThat(DeviceFitTest.byId(Fused.served("logitech x52 pro", PRO, named, PLAIN), "pro"))
        .as("a query asking for the variant lowers none")
        .satisfies(f -> assertThat(f[RankingFeatures.WORDS_UNCOVERED]).isZero());
  }
}
