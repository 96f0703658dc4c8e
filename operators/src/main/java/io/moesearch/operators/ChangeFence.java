package io.moesearch.operators;

import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.live.LivePatch;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The merge's check of a slot's candidates against the newest catalogue changes: a serving slot
 * applies a change when its share reaches it, so the slots of one answer can apply it at different
 * times, and a slot that has not yet would return a deleted product, or an old price or stock. The
 * merge hears of every change as it is applied upstream of the slots ({@link CatalogChange}), so
 * before ranking it drops the candidates deleted since, gives patched ones their live price and
 * stock, and drops those the query's filters now exclude (by an upsert's live brand too); the page
 * is then filled from the other candidates.
 */
final class ChangeFence {
  private ChangeFence() {}

  /**
   * {@code p} without the candidates {@code removed} holds, with the live values of those {@code
   * patches} holds (dropped when they fail {@code filters}); {@code p} itself when none is
   * concerned.
   *
   * @param removed whether a product was deleted (and not upserted since)
   * @param patches a product's newest patch, {@code null} when none is kept
   */
  static PartialResult apply(
      PartialResult p,
      Filters filters,
      Predicate<String> removed,
      Function<String, LivePatch> patches) {
    return apply(
        p,
        filters,
        filters == null ? null : LivePatch.brandKeys(filters.brands()),
        removed,
        patches);
  }

  /**
   * {@link #apply(PartialResult, Filters, Predicate, Function)} with the filter's brands already
   * read ({@link LivePatch#brandKeys}: once per query, not once per candidate).
   */
  static PartialResult apply(
      PartialResult p,
      Filters filters,
      Set<String> brandKeys,
      Predicate<String> removed,
      Function<String, LivePatch> patches) {
    RankedItem[] items = p.items();
    RankedItem[] kept = new RankedItem[items.length];
    int[] from = new int[items.length];
    int n = 0;
    boolean changed = false;
    for (int i = 0; i < items.length; i++) {
      RankedItem item = items[i];
      RankedItem now = item;
      if (removed.test(item.productId())) {
        now = null;
      } else {
        LivePatch lp = patches.apply(item.productId());
        if (lp != null) {
          Double price = lp.priceOver(item.price());
          now =
              LiveValues.pass(filters, price, lp.inStock()) && lp.passesBrands(brandKeys)
                  ? item.withLive(price, lp.inStock())
                  : null;
        }
      }
      changed |= now != item;
      if (now != null) {
        from[n] = i;
        kept[n++] = now;
      }
    }
    if (!changed) {
      return p;
    }
    return p.keep(kept, from, n);
  }
}
