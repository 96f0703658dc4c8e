package io.moesearch.core.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A query of words names a kind of product ("monitor"); a title in which those words only qualify
 * an accessory noun ("HP Standard Monitor Stand") or come after its compatibility marker ("Stand
 * for Monitor") is an accessory of that kind, not one of it, and ranks below the products that are
 * ({@link RankingFeatures#lowerAccessoriesOf}), which BM25 scores alike and a shorter title first.
 */
class AccessoryOfTest {
  private final RankingFeatures features = new RankingFeatures(Analyzers.allText());

  private static Product product(String id, String title) {
    return Fused.product(id, title);
  }

  private static final Product STAND = product("s", "HP Standard Monitor Stand");
  private static final Product MONITOR =
      product("m", "HP L1950 LCD monitor 48.3 cm (19\") 1280 x 1024 pixels Black");

  @Test
  void wordsBeforeAnAccessoryNounOrAfterAMarkerNameAnAccessory() {
    RankingFeatures.QueryTerms monitor = features.query("monitor");
    assertThat(features.accessoryOf(monitor, STAND.title())).isTrue();
    assertThat(features.accessoryOf(monitor, "Targus Universal Stand for Monitor"))
        .as("the query's word only after the marker")
        .isTrue();
    assertThat(features.accessoryOf(monitor, MONITOR.title())).isFalse();
    assertThat(features.accessoryOf(monitor, "HP Compaq 615 Notebook PC"))
        .as("holding none of the query's words")
        .isFalse();
    RankingFeatures.QueryTerms card = features.query("micro sd card");
    assertThat(features.accessoryOf(card, "V7 8GB Class 10 Micro SDHC Card + Adapter"))
        .as("what comes with it")
        .isFalse();
    assertThat(
            features.accessoryOf(features.query("usb stick"), "Memory Stick 16GB with USB Adaptor"))
        .as("what comes with it, after \"with\"")
        .isFalse();
    assertThat(features.accessoryOf(features.query("monitor stand"), STAND.title()))
        .as("a query asking for the accessory")
        .isFalse();
    assertThat(features.accessoryOf(features.query("hp l1950 stand"), STAND.title()))
        .as("a query naming a code: the code features decide")
        .isFalse();
    assertThat(features.accessoryOf(features.query("monitor"), "Monitor Stand"))
        .as("the title's first word, its brand's place, qualifies nothing")
        .isFalse();
  }

  @Test
  void anAccessoryRanksBelowTheProductItServes() {
    assertThat(EntryCutTest.ids(Fused.bm25Only("monitor", STAND, MONITOR)))
        .as("BM25 alone: the shorter title first")
        .containsExactly("s", "m");
    List<HybridRanker.Scored> fused = Fused.served("monitor", STAND, MONITOR);
    assertThat(EntryCutTest.ids(fused)).containsExactly("m", "s");
    assertThat(DeviceFitTest.byId(fused, "s")[RankingFeatures.WORDS_UNCOVERED])
        .isEqualTo(features.query("monitor").length());
  }

  @Test
  void aProductWhoseKindWordASpecsAcronymFollowsLowersItsAccessories() {
    Product pad = product("p", "HyperX FURY S Pro Shroud Multicolor Gaming mouse pad");
    Product mouse = product("m", "HP Voodoo Laser Gaming mouse USB Type-A 3200 DPI");
    List<HybridRanker.Scored> fused = Fused.served("gaming mouse", pad, mouse);
    assertThat(EntryCutTest.ids(fused)).containsExactly("m", "p");
    assertThat(DeviceFitTest.byId(fused, "p")[RankingFeatures.WORDS_UNCOVERED])
        .as("\"mouse USB\": the acronym of a spec ends the noun phrase")
        .isEqualTo(features.query("gaming mouse").length());
    Product cable = product("c", "Philips Headphone extension cable SWA4531S/10");
    Product plugs = product("u", "PHILIPS SWA2568W HEADPHONE EXTENSION PLUGS");
    assertThat(DeviceFitTest.byId(Fused.served("philips headphone extension", cable, plugs), "c"))
        .as("in a title in capitals no word reads as an acronym: \"EXTENSION PLUGS\"")
        .satisfies(f -> assertThat(f[RankingFeatures.WORDS_UNCOVERED]).isZero());
  }

  @Test
  void anAccessoryStaysWhereNoOtherProductHoldsItsWords() {
    Product sleeve = product("s", "HP SlimFit Notebook Sleeve notebook case Gray");
    Product notebook = product("n", "HP Compaq 615 Notebook PC");
    List<HybridRanker.Scored> fused = Fused.served("hp slimfit notebook", sleeve, notebook);
    assertThat(EntryCutTest.ids(fused).get(0)).as("the sleeve the query names").isEqualTo("s");
    assertThat(DeviceFitTest.byId(fused, "s")[RankingFeatures.WORDS_UNCOVERED]).isZero();
  }

  @Test
  void aProductOfTheAccessorysKindLowersNoAccessory() {
    Product batteries = product("b", "Verbatim AA Alkaline Batteries");
    Product cell = product("c", "Varta AA battery Alkaline");
    Product cable = product("u", "HP GW405AA mouse");
    List<HybridRanker.Scored> fused = Fused.served("aa", cell, batteries, cable);
    assertThat(DeviceFitTest.byId(fused, "c")[RankingFeatures.WORDS_UNCOVERED])
        .as("another battery, and a code's piece \"aa\", hold no AA as another kind")
        .isZero();
  }

  @Test
  void onlyAProductNamedByTheQuerysLastWordLowersAnAccessory() {
    Product cable = product("c", "Philips Headphone extension cable SWA4531S/10");
    Product plugs = product("p", "Philips SWA2568W Headphone extension plugs");
    List<HybridRanker.Scored> fused = Fused.served("philips headphone extension", cable, plugs);
    assertThat(features.accessoryOf(features.query("philips headphone extension"), cable.title()))
        .isTrue();
    assertThat(DeviceFitTest.byId(fused, "c")[RankingFeatures.WORDS_UNCOVERED])
        .as("\"extension plugs\" names no extension as what it is")
        .isZero();
  }
}
