package io.moesearch.core.live;

/**
 * A product's newest catalogue change as a router keeps it to count filter matches live ({@link
 * LiveMatchCounts}): its listing follows from it and the artifact's ({@link FilterListing#after}).
 *
 * @param patch the product's live brand, price and stock; {@code null} after a delete
 * @param experts the experts an upsert assigned it to; {@code null} for a patch of a catalogue
 *     product (where the artifact has it) and for a delete
 * @param ts the version of the product's state after the change ({@link DeltaEntry#ts}: the newest
 *     applied update's {@code ts} or past it), as a compacted version's folded list records it
 *     ({@link CatalogFold#folded}): a version that folded the product at this {@code ts} or a newer
 *     one lists it as this change left it or newer, so the change counts nothing there. 0 when not
 *     known (the oldest): also a change kept before changes carried their {@code ts} (restored
 *     state)
 */
public record ListingChange(LivePatch patch, int[] experts, long ts) {
  /**
   * Whether a version that folded this change's product at {@code foldedTs} ({@code null}: not
   * folded) holds it as this change left it or newer.
   */
  public boolean foldedAt(Long foldedTs) {
    return foldedTs != null && ts <= foldedTs;
  }
}
