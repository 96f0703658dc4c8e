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

  /**
   * A brand filter visits only the changes listed with one of its brands (it walked every change,
   * normalising the filter's brands for each: 90 ms a query at 100,000 changes; found in review),
   * and counts exactly what a walk over all of them counts, a product re-branded included.
   */
  @Test
  void aBrandFilterCountsItsBrandsChangesAsAWalkOverAllWould() {
    LiveMatchCounts live = new LiveMatchCounts();
    java.util.Random random = new java.util.Random(7);
    String[] brands = {"hp", "acme", "", "zeta"};
    java.util.Map<String, FilterListing[]> truth = new java.util.HashMap<>();
    for (int i = 0; i < 2_000; i++) {
      String id = "p" + random.nextInt(500);
      FilterListing a =
          random.nextInt(4) == 0
              ? null
              : new FilterListing(
                  new int[] {random.nextInt(8)},
                  brands[random.nextInt(4)],
                  random.nextBoolean() ? null : random.nextDouble() * 20,
                  random.nextBoolean());
      FilterListing now =
          random.nextInt(5) == 0
              ? null
              : new FilterListing(
                  new int[] {random.nextInt(8), random.nextInt(8)},
                  brands[random.nextInt(4)],
                  random.nextDouble() * 20,
                  random.nextBoolean());
      live.put(id, a, now);
      truth.put(id, new FilterListing[] {a, now});
    }
    LiveFilter f = new LiveFilter(new String[] {"HP", " Acme "}, 2.0, 15.0, true);
    assertCountsAsAWalk(live, truth, f);
  }

  /**
   * Any filter, brands or none, price bounds open, closed, equal or crossed, in stock or not,
   * counts exactly what a walk over every change counts, through re-listings, deletes, folds,
   * unpriced listings and -0.0.
   */
  @Test
  void everyFilterCountsAsAWalkOverAllChangesWould() {
    LiveMatchCounts live = new LiveMatchCounts();
    java.util.Random random = new java.util.Random(11);
    String[] brands = {"hp", "acme", "", "zeta"};
    double[] prices = {-0.0, 0.0, 1.0, 2.5, 5.0, 9.99, 10.0, 20.0};
    java.util.Map<String, FilterListing[]> truth = new java.util.HashMap<>();
    for (int round = 0; round < 40; round++) {
      for (int i = 0; i < 200; i++) {
        String id = "p" + random.nextInt(300);
        FilterListing a = random.nextInt(4) == 0 ? null : listing(random, brands, prices);
        FilterListing now = random.nextInt(5) == 0 ? null : listing(random, brands, prices);
        if (random.nextInt(10) == 0) {
          now = a; // folded: counts as the artifact lists it
        }
        live.put(id, a, now);
        truth.put(id, new FilterListing[] {a, now});
      }
      for (int j = 0; j < 20; j++) {
        String[] fb =
            random.nextBoolean()
                ? null
                : new String[] {brands[random.nextInt(4)].toUpperCase(), " acme "};
        Double min = random.nextInt(3) == 0 ? null : prices[random.nextInt(prices.length)];
        Double max = random.nextInt(3) == 0 ? null : prices[random.nextInt(prices.length)];
        LiveFilter f = new LiveFilter(fb, min, max, random.nextBoolean());
        assertCountsAsAWalk(live, truth, f);
      }
    }
  }

  /**
   * A filtered count reads a bounded number of sorted lists (four per expert holding a change),
   * however many products changed: 50,000 changes cost one count what 50 do.
   */
  @Test
  void aCountReadsAsManyListsForFiftyThousandChangesAsForFifty() {
    LiveFilter f = new LiveFilter(null, 1.0, 100.0, false);
    LiveFilter brand = new LiveFilter(new String[] {"hp", "acme"}, 1.0, 100.0, false);
    long[] read = new long[2];
    int[] sizes = {50, 50_000};
    for (int s = 0; s < 2; s++) {
      LiveMatchCounts live = new LiveMatchCounts();
      java.util.Random random = new java.util.Random(3);
      for (int i = 0; i < sizes[s]; i++) {
        live.put(
            "p" + i,
            new FilterListing(new int[] {i % 8}, i % 2 == 0 ? "hp" : "acme", 10.0, true),
            new FilterListing(
                new int[] {random.nextInt(8)},
                i % 2 == 0 ? "hp" : "acme",
                random.nextDouble() * 200,
                random.nextBoolean()));
      }
      long before = live.listsRead();
      live.counts(new int[8], f);
      live.counts(new int[8], brand);
      read[s] = live.listsRead() - before;
    }
    // 8 experts × 4 lists for the unbranded filter, and as many for each of the two brands.
    assertThat(read[0]).isEqualTo(3L * 8 * 4);
    assertThat(read[1]).isEqualTo(read[0]);
  }

  /**
   * Asserts that {@code live} counts {@code f} over 8 experts of 1,000 artifact matches each as a
   * walk over every change in {@code truth} (id → artifact and live listing) would.
   */
  private static void assertCountsAsAWalk(
      LiveMatchCounts live, java.util.Map<String, FilterListing[]> truth, LiveFilter f) {
    int[] expected = new int[8];
    java.util.Arrays.fill(expected, 1_000);
    for (FilterListing[] c : truth.values()) {
      if (!java.util.Objects.equals(c[0], c[1])) {
        for (int side = 0; side < 2; side++) {
          if (c[side] != null && c[side].matches(f)) {
            for (int e : c[side].experts()) {
              expected[e] += side == 0 ? -1 : 1;
            }
          }
        }
      }
    }
    int[] base = new int[8];
    java.util.Arrays.fill(base, 1_000);
    assertThat(live.counts(base, f)).as("filter %s", f).containsExactly(expected);
  }

  private static FilterListing listing(java.util.Random random, String[] brands, double[] prices) {
    int[] experts =
        random.nextBoolean()
            ? new int[] {random.nextInt(8)}
            : new int[] {random.nextInt(8), random.nextInt(8)};
    return new FilterListing(
        experts,
        brands[random.nextInt(4)],
        random.nextInt(6) == 0 ? null : prices[random.nextInt(prices.length)],
        random.nextBoolean());
  }
}
