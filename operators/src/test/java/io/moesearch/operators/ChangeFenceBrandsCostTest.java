package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.live.LivePatch;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The merge checks every candidate of every partial against the catalogue changes ({@link
 * ChangeFence}), and an upserted candidate's live brand against the query's brand filter. That
 * normalised each of the filter's brands again for each such candidate: a legal query of top_k 100
 * over 16 experts, filtering on 100 brands of 128 Hangul syllables with the upserted products'
 * brand last, brings ~1,700 live candidates and cost the merge ~0.5 s (170,000 normalisations of
 * 128 characters). The filter's brands are read once per query; a candidate costs one look-up.
 */
class ChangeFenceBrandsCostTest {
  private static final int ITEMS = 1_700;

  private static String[] hostileBrands() {
    String[] brands = new String[100];
    for (int i = 0; i < 99; i++) {
      brands[i] = QueryNormalizer.normalize("\ud55c".repeat(127) + (char) ('\uac00' + i));
    }
    brands[99] = "acme";
    return brands;
  }

  /** A set of brand keys that counts its look-ups. */
  private static final class CountingKeys extends HashSet<String> {
    final AtomicInteger lookups = new AtomicInteger();

    CountingKeys(Set<String> keys) {
      super(keys);
    }

    @Override
    public boolean contains(Object o) {
      lookups.incrementAndGet();
      return super.contains(o);
    }
  }

  @Test
  void aLiveCandidateCostsOneLookUpWhateverTheFiltersBrands() {
    String[] brands = hostileBrands();
    Filters filters = new Filters(brands, null, null);
    SearchQuery q = new SearchQuery("q", "acme tool", 100, filters, 0, null);
    RankedItem[] items = new RankedItem[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      items[i] = new RankedItem("p" + i, "Acme tool " + i, 0.5f);
    }
    PartialResult p = new PartialResult(q, 3, new int[] {3}, items, 1L, 1, 1, 1);
    LivePatch acme = LivePatch.ofProduct(1, 9.9, true, "Acme");
    LivePatch other = LivePatch.ofProduct(1, 9.9, true, "Other");
    CountingKeys keys = new CountingKeys(LivePatch.brandKeys(brands));
    PartialResult fenced =
        ChangeFence.apply(
            p,
            filters,
            keys,
            id -> false,
            id -> Integer.parseInt(id.substring(1)) % 2 == 0 ? acme : other);
    assertThat(keys.lookups).hasValue(ITEMS);
    assertThat(fenced.items()).hasSize(ITEMS / 2);
    assertThat(fenced.items()).allMatch(i -> Integer.parseInt(i.productId().substring(1)) % 2 == 0);
    // the same as each candidate's own check against the filter as sent
    PartialResult alone =
        ChangeFence.apply(
            p,
            filters,
            id -> false,
            id -> Integer.parseInt(id.substring(1)) % 2 == 0 ? acme : other);
    assertThat(alone.items()).containsExactly(fenced.items());
  }

  @Test
  void brandKeysReadAFilterAsEachCandidatesCheckDid() {
    String[] brands = {"ＡＣＭＥ", "Hewlett Packard"};
    Set<String> keys = LivePatch.brandKeys(brands);
    for (String live : new String[] {"acme", "Acme", "hewlett  packard", "hp", ""}) {
      LivePatch lp = LivePatch.ofProduct(1, 1.0, true, live);
      assertThat(lp.passesBrands(keys)).as(live).isEqualTo(lp.passesBrands(brands));
    }
    LivePatch catalogue = new LivePatch(1, 1.0, true);
    assertThat(catalogue.passesBrands(keys)).isTrue();
    assertThat(LivePatch.brandKeys(null)).isNull();
    assertThat(LivePatch.brandKeys(new String[0])).isNull();
    assertThat(LivePatch.ofProduct(1, 1.0, true, "x").passesBrands((Set<String>) null)).isTrue();
  }
}
