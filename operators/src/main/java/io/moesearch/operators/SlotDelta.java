package io.moesearch.operators;

import io.moesearch.core.live.DeltaEntry;

/**
 * One serving slot's share of an applied catalogue update: what the slot does with the product from
 * now on. Keyed by {@link #slot} into the retrieval operator, like the {@link ExpertRequest}s it
 * answers (lexical slots are negative).
 *
 * @param slot the serving slot (an expert replica's, or a lexical shard's key)
 * @param entry the product's state as the slot sees it
 * @param producedAtMillis when the update was produced (for the update-to-searchable latency)
 * @param appliedAtMillis when {@code apply-catalog-updates} applied it, the time the query cache's
 *     coherence check knows it by ({@code 0}: unknown); the slot measures its delta lag from it
 * @param relaid whether this is a product's kept state fanned out again over a new serving layout
 *     (not a new update): it replaces the slot's entry of the same {@code ts} if that is of another
 *     kind ({@link io.moesearch.core.live.LiveSlot#apply(DeltaEntry, boolean)})
 */
public record SlotDelta(
    int slot, DeltaEntry entry, long producedAtMillis, long appliedAtMillis, boolean relaid) {
  public SlotDelta {
    if (entry == null) {
      throw new IllegalArgumentException("entry is required");
    }
    if (slot < -ExpertRequest.LEXICAL_SHARDS) {
      throw new IllegalArgumentException("slot must be >= " + -ExpertRequest.LEXICAL_SHARDS);
    }
  }

  /** A new update's delta. */
  public SlotDelta(int slot, DeltaEntry entry, long producedAtMillis, long appliedAtMillis) {
    this(slot, entry, producedAtMillis, appliedAtMillis, false);
  }

  /** A delta whose apply time is unknown. */
  public SlotDelta(int slot, DeltaEntry entry, long producedAtMillis) {
    this(slot, entry, producedAtMillis, 0);
  }
}
