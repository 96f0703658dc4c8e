package io.moesearch.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Live filter matches per expert: the artifact's counts with each changed product's difference. */
class LiveMatchCountsTest {
  private static final LiveFilter HP_IN_STOCK =
      new LiveFilter(new String[] {"HP"}, null, null, true);
  private static final LiveFilter UP_TO_10 = new LiveFilter(null, null, 10.0, false);

  @Test
  void aChangeCountsItsLiveListingInsteadOfItsArtifactOne() {
    LiveMatchCounts live = new LiveMatchCounts();
    int[] artifact = {2, 0, 1};
    assertThat(live.counts(artifact, HP_IN_STOCK)).isSameAs(artifact);
    FilterListing hpIn0 = new FilterListing(new int[] {0}, "hp", 20.0, true);
    // Out of stock now: expert 0 holds one match less.
    live.put("a", hpIn0, FilterListing.after(hpIn0, new LivePatch(1, null, false), null));
    // A new HP product assigned to experts 1 and 2, priced 5.
    live.put(
        "b",
        null,
        FilterListing.after(null, LivePatch.ofProduct(1, 5.0, true, "HP"), new int[] {1, 2}));
    assertThat(live.counts(artifact, HP_IN_STOCK)).containsExactly(1, 1, 2);
    assertThat(live.counts(artifact, UP_TO_10)).containsExactly(2, 1, 2);
    assertThat(artifact).containsExactly(2, 0, 1);
  }

  @Test
  void aDeletedProductCountsNowhereAndAFoldedChangeIsForgotten() {
    LiveMatchCounts live = new LiveMatchCounts();
    FilterListing cheap = new FilterListing(new int[] {1}, "", 3.0, true);
    live.put("c", cheap, FilterListing.after(cheap, null, null));
    assertThat(live.counts(new int[] {0, 1}, UP_TO_10)).containsExactly(0, 0);
    // The artifact lists it as it is now (its change compacted in): nothing to count.
    live.put("c", cheap, FilterListing.after(cheap, new LivePatch(2, 3.0, true), null));
    assertThat(live.size()).isZero();
  }

  @Test
  void aPatchKeepingTheCataloguePriceKeepsTheArtifactsAndAnUnpricedUpsertHasNone() {
    FilterListing priced = new FilterListing(new int[] {0}, "hp", 8.0, true);
    assertThat(FilterListing.after(priced, new LivePatch(1, null, true), null).price())
        .isEqualTo(8.0);
    FilterListing unpriced =
        FilterListing.after(priced, LivePatch.ofProduct(1, null, true, "HP"), new int[] {0});
    assertThat(unpriced.price()).isNull();
    assertThat(unpriced.matches(UP_TO_10)).isFalse();
    assertThat(unpriced.matches(HP_IN_STOCK)).isTrue();
  }
}
