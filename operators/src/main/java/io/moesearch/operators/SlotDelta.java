package io.moesearch.operators;

import io.moesearch.core.live.DeltaEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * @param more further entries for the same slot, applied after {@code entry} in order (a bulk
 *     record: the entries of products the slot does not hold, {@link ApplyCatalogUpdatesOperator});
 *     {@code producedAtMillis} is then 0 and {@code appliedAtMillis} the oldest entry's
 */
public record SlotDelta(
    int slot,
    DeltaEntry entry,
    long producedAtMillis,
    long appliedAtMillis,
    boolean relaid,
    DeltaEntry[] more) {
  public SlotDelta {
    if (entry == null || more == null) {
      throw new IllegalArgumentException("entry and more are required");
    }
    for (DeltaEntry e : more) {
      if (e == null) {
        throw new IllegalArgumentException("more holds no null entry");
      }
    }
    if (slot < -ExpertRequest.LEXICAL_SHARDS) {
      throw new IllegalArgumentException("slot must be >= " + -ExpertRequest.LEXICAL_SHARDS);
    }
  }

  private static final DeltaEntry[] NONE = new DeltaEntry[0];

  /** One entry. */
  public SlotDelta(
      int slot, DeltaEntry entry, long producedAtMillis, long appliedAtMillis, boolean relaid) {
    this(slot, entry, producedAtMillis, appliedAtMillis, relaid, NONE);
  }

  /**
   * A bulk record: {@code entries} (at least one) in order, the oldest applied at {@code
   * appliedAtMillis}.
   */
  public static SlotDelta bulk(int slot, List<DeltaEntry> entries, long appliedAtMillis) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a bulk record holds at least one entry");
    }
    return new SlotDelta(
        slot,
        entries.get(0),
        0,
        appliedAtMillis,
        false,
        entries.subList(1, entries.size()).toArray(DeltaEntry[]::new));
  }

  /** Every entry of this record, in order. */
  public List<DeltaEntry> entries() {
    List<DeltaEntry> all = new ArrayList<>(1 + more.length);
    all.add(entry);
    all.addAll(Arrays.asList(more));
    return all;
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
