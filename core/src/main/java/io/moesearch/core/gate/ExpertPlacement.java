package io.moesearch.core.gate;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Which serving slots hold a replica of which expert. A slot is one unit of serving capacity (in
 * the streaming job: one key of the expert-retrieval operator); every replica of an expert serves
 * the same index, so the router may send a query for expert {@code e} to any of {@code e}'s slots
 * without changing its results.
 *
 * <p>Why: under skewed traffic a hot query's neighbours live in one or two experts, and routing
 * alone can only move load away from them by sending the query where its neighbours are not (recall
 * cost). Replicating the experts that a query log shows to be hot, and choosing the least-loaded
 * replica per query from live counts, balances the slots with no recall cost; the price is memory
 * ({@link #replicationFactor()}).
 *
 * <p>This class is the layout value: the replicas, the live replica choice ({@link #leastLoaded},
 * {@link #hashed}) and the file format ({@link #write}, {@link #read}). {@link #identity(int)} is
 * the unreplicated layout (slot e = expert e); {@link ExpertPlacementPlanner} sizes and places
 * replicas from expected per-expert loads.
 */
public final class ExpertPlacement implements Serializable {
  private static final long serialVersionUID = 1L;

  /** File name of a placement inside an index artifact version. */
  public static final String FILE = "placement.txt";

  private final int slots;
  private final int[][] replicas;

  /**
   * @param slots number of serving slots, at least 1
   * @param replicas per expert, the distinct slots holding a replica (at least one each)
   */
  public ExpertPlacement(int slots, int[][] replicas) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
    if (replicas == null || replicas.length == 0) {
      throw new IllegalArgumentException("a placement needs at least one expert");
    }
    this.slots = slots;
    this.replicas = new int[replicas.length][];
    boolean[] used = new boolean[slots];
    for (int e = 0; e < replicas.length; e++) {
      int[] r = replicas[e] == null ? new int[0] : replicas[e].clone();
      if (r.length == 0) {
        throw new IllegalArgumentException("expert " + e + " has no replica");
      }
      Arrays.sort(r);
      for (int i = 0; i < r.length; i++) {
        if (r[i] < 0 || r[i] >= slots) {
          throw new IllegalArgumentException(
              "expert " + e + ": slot " + r[i] + " out of range 0.." + (slots - 1));
        }
        if (i > 0 && r[i] == r[i - 1]) {
          throw new IllegalArgumentException("expert " + e + ": slot " + r[i] + " listed twice");
        }
        used[r[i]] = true;
      }
      this.replicas[e] = r;
    }
    for (int s = 0; s < slots; s++) {
      if (!used[s]) {
        throw new IllegalArgumentException("slot " + s + " holds no expert");
      }
    }
  }

  /** One replica per expert, slot e = expert e. */
  public static ExpertPlacement identity(int experts) {
    int[][] r = new int[experts][];
    for (int e = 0; e < experts; e++) {
      r[e] = new int[] {e};
    }
    return new ExpertPlacement(experts, r);
  }

  public int experts() {
    return replicas.length;
  }

  public int slots() {
    return slots;
  }

  /** The slots holding expert {@code e}, ascending (a copy). */
  public int[] replicas(int e) {
    return replicas[e].clone();
  }

  public boolean isIdentity() {
    if (slots != replicas.length) {
      return false;
    }
    for (int e = 0; e < replicas.length; e++) {
      if (replicas[e].length != 1 || replicas[e][0] != e) {
        return false;
      }
    }
    return true;
  }

  /** Replicas per expert on average: the serving memory relative to one copy of each expert. */
  public double replicationFactor() {
    long total = 0;
    for (int[] r : replicas) {
      total += r.length;
    }
    return (double) total / replicas.length;
  }

  /**
   * Replicas per expert weighted by expert size: the serving memory relative to one copy of each
   * expert when memory is proportional to the vectors an expert holds (experts differ in size, so
   * replicating the small ones is cheaper than {@link #replicationFactor()} suggests, the big ones
   * dearer).
   *
   * @param expertSizes per expert, the vectors (postings) it holds
   */
  public double replicationFactor(int[] expertSizes) {
    if (expertSizes.length != replicas.length) {
      throw new IllegalArgumentException(
          "expected " + replicas.length + " expert sizes, got " + expertSizes.length);
    }
    long held = 0;
    long served = 0;
    for (int e = 0; e < replicas.length; e++) {
      if (expertSizes[e] < 0) {
        throw new IllegalArgumentException("expert " + e + " has a negative size");
      }
      held += expertSizes[e];
      served += (long) expertSizes[e] * replicas[e].length;
    }
    return held == 0 ? replicationFactor() : (double) served / held;
  }

  /**
   * Each expert's load for the gate's balancing term: the lowest load among its replicas (a busy
   * expert with an idle replica is not busy).
   *
   * @param slotLoads one per slot
   */
  public double[] expertLoads(double[] slotLoads) {
    checkSlots(slotLoads);
    double[] out = new double[replicas.length];
    for (int e = 0; e < replicas.length; e++) {
      double min = Double.POSITIVE_INFINITY;
      for (int s : replicas[e]) {
        min = Math.min(min, slotLoads[s]);
      }
      out[e] = min;
    }
    return out;
  }

  /**
   * For each expert, its replica with the least load, counting the picks already made for this
   * query (ties to the lower slot).
   *
   * @param slotCounts recent activation counts per slot (not modified)
   */
  public int[] leastLoaded(int[] experts, double[] slotCounts) {
    checkSlots(slotCounts);
    double[] c = slotCounts.clone();
    int[] out = new int[experts.length];
    for (int i = 0; i < experts.length; i++) {
      int best = -1;
      for (int s : replicas[check(experts[i])]) {
        if (best < 0 || c[s] < c[best]) {
          best = s;
        }
      }
      out[i] = best;
      c[best] += 1;
    }
    return out;
  }

  /**
   * A load-unaware choice: the replica picked by a hash of {@code salt} and the expert (the same
   * salt always picks the same replica). The contrast for {@link #leastLoaded}.
   */
  public int[] hashed(int[] experts, long salt) {
    int[] out = new int[experts.length];
    for (int i = 0; i < experts.length; i++) {
      int[] r = replicas[check(experts[i])];
      long h = mix(salt * 0x9E3779B97F4A7C15L + experts[i]);
      out[i] = r[(int) Math.floorMod(h, (long) r.length)];
    }
    return out;
  }

  /** Writes {@code slots N} then one line per expert: its slots, space-separated. */
  public void write(Path file) throws IOException {
    StringBuilder sb = new StringBuilder("slots ").append(slots).append('\n');
    for (int[] r : replicas) {
      for (int i = 0; i < r.length; i++) {
        sb.append(i == 0 ? "" : " ").append(r[i]);
      }
      sb.append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** Reads what {@link #write} wrote; {@code experts} must match. */
  public static ExpertPlacement read(Path file, int experts) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).startsWith("slots ")) {
      throw new IOException(file + ": expected a 'slots N' first line");
    }
    try {
      int slots = Integer.parseInt(lines.get(0).substring(6).trim());
      if (lines.size() - 1 != experts) {
        throw new IOException(
            file + ": " + (lines.size() - 1) + " expert lines, the gate has " + experts);
      }
      int[][] r = new int[experts][];
      for (int e = 0; e < experts; e++) {
        String line = lines.get(e + 1).trim();
        r[e] =
            line.isEmpty()
                ? new int[0]
                : Arrays.stream(line.split(" +")).mapToInt(Integer::parseInt).toArray();
      }
      return new ExpertPlacement(slots, r);
    } catch (IllegalArgumentException ex) {
      throw new IOException(file + ": " + ex.getMessage(), ex);
    }
  }

  private int check(int e) {
    if (e < 0 || e >= replicas.length) {
      throw new IllegalArgumentException(
          "expert " + e + " out of range 0.." + (replicas.length - 1));
    }
    return e;
  }

  private void checkSlots(double[] perSlot) {
    if (perSlot.length != slots) {
      throw new IllegalArgumentException(
          "expected " + slots + " slot values, got " + perSlot.length);
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExpertPlacement p
        && slots == p.slots
        && Arrays.deepEquals(replicas, p.replicas);
  }

  @Override
  public int hashCode() {
    return 31 * slots + Arrays.deepHashCode(replicas);
  }

  @Override
  public String toString() {
    return "ExpertPlacement{experts="
        + replicas.length
        + ", slots="
        + slots
        + ", replication="
        + replicationFactor()
        + "}";
  }
}
