package io.moesearch.core.live;

/**
 * A product's newest catalogue change as a router keeps it to count filter matches live ({@link
 * LiveMatchCounts}): its listing follows from it and the artifact's ({@link FilterListing#after}).
 *
 * @param patch the product's live brand, price and stock; {@code null} after a delete
 * @param experts the experts an upsert assigned it to; {@code null} for a patch of a catalogue
 *     product (where the artifact has it) and for a delete
 */
public record ListingChange(LivePatch patch, int[] experts) {}
