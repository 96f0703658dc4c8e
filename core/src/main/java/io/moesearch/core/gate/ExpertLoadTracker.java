package io.moesearch.core.gate;

import java.util.Arrays;

/**
 * Decayed per-expert load counters: how often each expert was activated (and, optionally, how many
 * candidates it scored) recently. Counts decay exponentially with a half-life measured on the
 * <em>event timestamps passed in</em>, never the wall clock, so a replay of the same events gives
 * the same loads. An event older than the newest seen is added with its weight already decayed
 * (order-independent up to rounding). Not thread-safe: one tracker per router instance / operator
 * subtask.
 *
 * <p>Snapshot: {@link #snapshot()} returns the timestamp the counters are decayed to and plain
 * {@code double[]} copies, which {@link #restore} takes back; that is all an operator needs to
 * checkpoint.
 */
public final class ExpertLoadTracker {
  private final long halfLifeMs;
  private final double[] activations;
  private final double[] candidates;
  private long timestampMs;
  private boolean started;

  /** The checkpointable state: counters decayed to {@code timestampMs}. */
  public record Snapshot(long timestampMs, double[] activations, double[] candidates) {
    public Snapshot {
      if (activations == null || candidates == null || activations.length != candidates.length) {
        throw new IllegalArgumentException(
            "a load snapshot needs activation and candidate arrays of the same length");
      }
      activations = activations.clone();
      candidates = candidates.clone();
    }

    @Override
    public double[] activations() {
      return activations.clone();
    }

    @Override
    public double[] candidates() {
      return candidates.clone();
    }
  }

  /**
   * @param experts number of experts, at least 1
   * @param halfLifeMs {@code routing.load-half-life-ms}: a count halves after this much event time
   */
  public ExpertLoadTracker(int experts, long halfLifeMs) {
    if (experts < 1) {
      throw new IllegalArgumentException("experts must be >= 1, got " + experts);
    }
    if (halfLifeMs < 1) {
      throw new IllegalArgumentException("halfLifeMs must be >= 1, got " + halfLifeMs);
    }
    this.halfLifeMs = halfLifeMs;
    this.activations = new double[experts];
    this.candidates = new double[experts];
  }

  /** A tracker holding {@code snapshot}'s counts. */
  public static ExpertLoadTracker restore(Snapshot snapshot, long halfLifeMs) {
    ExpertLoadTracker t = new ExpertLoadTracker(snapshot.activations.length, halfLifeMs);
    System.arraycopy(snapshot.activations, 0, t.activations, 0, t.activations.length);
    System.arraycopy(snapshot.candidates, 0, t.candidates, 0, t.candidates.length);
    t.timestampMs = snapshot.timestampMs;
    t.started = true;
    return t;
  }

  public int experts() {
    return activations.length;
  }

  public long halfLifeMs() {
    return halfLifeMs;
  }

  /** Records one activation of each of {@code experts} at event time {@code timestampMs}. */
  public void recordActivations(int[] experts, long timestampMs) {
    double w = weightAt(timestampMs);
    for (int e : experts) {
      activations[check(e)] += w;
    }
  }

  /** Records that {@code expert} scored {@code count} candidates at {@code timestampMs}. */
  public void recordCandidates(int expert, long count, long timestampMs) {
    if (count < 0) {
      throw new IllegalArgumentException("candidate count must be >= 0, got " + count);
    }
    candidates[check(expert)] += weightAt(timestampMs) * count;
  }

  /** Decayed activation counts at {@code timestampMs} (a copy). */
  public double[] activations(long timestampMs) {
    advance(timestampMs);
    return activations.clone();
  }

  /** Decayed candidate counts at {@code timestampMs} (a copy). */
  public double[] candidates(long timestampMs) {
    advance(timestampMs);
    return candidates.clone();
  }

  /**
   * Each expert's share of the recent activations relative to uniform: {@code N · a_e / Σ a}; 1.0
   * means an even share, 0 an idle expert. All 1.0 before any activation.
   */
  public double[] loads(long timestampMs) {
    advance(timestampMs);
    return LoadStats.relativeLoads(activations);
  }

  /** The state, decayed to the newest timestamp seen. */
  public Snapshot snapshot() {
    return new Snapshot(timestampMs, activations, candidates);
  }

  private int check(int e) {
    if (e < 0 || e >= activations.length) {
      throw new IllegalArgumentException(
          "expert " + e + " out of range 0.." + (activations.length - 1));
    }
    return e;
  }

  /** Moves the counters forward to {@code ts}; returns the weight of an event at {@code ts}. */
  private double weightAt(long ts) {
    advance(ts);
    return ts >= timestampMs ? 1.0 : decay(timestampMs - ts);
  }

  private void advance(long ts) {
    if (!started) {
      started = true;
      timestampMs = ts;
      return;
    }
    if (ts > timestampMs) {
      double f = decay(ts - timestampMs);
      for (int e = 0; e < activations.length; e++) {
        activations[e] *= f;
        candidates[e] *= f;
      }
      timestampMs = ts;
    }
  }

  private double decay(long dtMs) {
    return Math.pow(0.5, (double) dtMs / halfLifeMs);
  }

  @Override
  public String toString() {
    return "ExpertLoadTracker{t="
        + timestampMs
        + ", activations="
        + Arrays.toString(activations)
        + "}";
  }
}
