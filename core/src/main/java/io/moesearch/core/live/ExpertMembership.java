package io.moesearch.core.live;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which experts' artifact indexes hold each product of one index version (its {@code members.bin}),
 * looked up by product id: the slots that may serve a product from the artifact, so a catalogue
 * update need reach only those ({@link CatalogChanges#markArtifactSlots}). Compact: one array of
 * experts for all products (4 bytes per membership) plus the id map. Immutable.
 */
public final class ExpertMembership {
  private final Map<String, Integer> ordinals;

  /** Product {@code o}'s experts are {@code experts[start[o] .. start[o + 1])}, ascending. */
  private final int[] start;

  private final int[] experts;

  private ExpertMembership(Map<String, Integer> ordinals, int[] start, int[] experts) {
    this.ordinals = ordinals;
    this.start = start;
    this.experts = experts;
  }

  /**
   * @param ids the version's product ids by ordinal
   * @param members per expert, the ordinals its index holds ({@code members.bin})
   * @throws IllegalArgumentException when an ordinal is outside {@code ids}
   */
  public static ExpertMembership of(List<String> ids, int[][] members) {
    Map<String, Integer> ordinals = new HashMap<>(ids.size() * 2);
    for (int i = 0; i < ids.size(); i++) {
      ordinals.put(ids.get(i), i);
    }
    int[] start = new int[ids.size() + 1];
    for (int[] m : members) {
      for (int ord : m) {
        if (ord < 0 || ord >= ids.size()) {
          throw new IllegalArgumentException(
              "member ordinal " + ord + " outside the " + ids.size() + " products");
        }
        start[ord + 1]++;
      }
    }
    for (int i = 0; i < ids.size(); i++) {
      start[i + 1] += start[i];
    }
    int[] experts = new int[start[ids.size()]];
    int[] fill = Arrays.copyOf(start, ids.size());
    for (int e = 0; e < members.length; e++) {
      for (int ord : members[e]) {
        experts[fill[ord]++] = e;
      }
    }
    return new ExpertMembership(ordinals, start, experts);
  }

  /** Whether the version holds {@code productId} (in an expert or not). */
  public boolean contains(String productId) {
    return ordinals.containsKey(productId);
  }

  /** The experts whose index holds {@code productId}, ascending; empty when none does. */
  public int[] experts(String productId) {
    Integer ord = ordinals.get(productId);
    return ord == null ? new int[0] : Arrays.copyOfRange(experts, start[ord], start[ord + 1]);
  }
}
