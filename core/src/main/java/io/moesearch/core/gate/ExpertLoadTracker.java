package io.moesearch.core.gate;

import java.util.Arrays;

/**
 * Decayed per-expert load counters: how often each expert was activated (and, optionally, how many
 * candidates it scored) recently. Counts decay exponentially with a half-life measured on the
 * <em>event timestamps passed in</em>, never the wall clock, so a replay of the same events gives
 * the same loads. An event older than the newest seen is added with its weight already decayed
 * (order-independent up to rounding, for events less than the bounded step below apart). Not
 * thread-safe: one tracker per router instance / operator subtask.
 *
 * <p><b>Bounded clock steps.</b> Event timestamps come from clients, so one of them may lie far
 * ahead (the job accepts a client {@code ts} up to an hour past its Kafka record). Moving the clock
 * there would weigh every genuine event after it by {@code 0.5^(Δt / half-life)} ≈ 0 against the
 * far-ahead one, switching load-aware routing off until real time caught up (and the clock is
 * checkpointed). So one timestamp moves the clock by at most {@value #MAX_STEP_HALF_LIVES}
 * half-lives: a timestamp further ahead is taken as that ({@link #clockAfter}); and an event later
 * than that step behind the clock weighs {@code 2^-}{@value #MAX_STEP_HALF_LIVES}, not less (which
 * also covers a fresh tracker whose very first event, the clock's start, was far ahead: the events
 * after it count alike, their decay resuming once real time catches up). One record then decays the
 * counts by at most {@code 2^-}{@value #MAX_STEP_HALF_LIVES} and weighs as much as {@code
 * 2^}{@value #MAX_STEP_HALF_LIVES} genuine events; genuine traffic after an idle gap catches the
 * clock up by that step per event. The rule reads only the tracker's clock and the timestamp, so
 * the same events in the same order from the same snapshot still give the same loads. It bounds
 * what one record does, not a flood of them: each far-ahead record still moves the clock by a step.
 *
 * <p>Snapshot: {@link #snapshot()} returns the timestamp the counters are decayed to and plain
 * {@code double[]} copies, which {@link #restore} takes back; that is all an operator needs to
 * checkpoint.
 */
public final class ExpertLoadTracker {
  /** How many half-lives one timestamp may move the clock (class comment). */
  public static final int MAX_STEP_HALF_LIVES = 4;

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

  /** How far the clock may move at once, and how late an event may weigh less (class comment). */
  private static long step(long halfLifeMs) {
    return halfLifeMs > Long.MAX_VALUE / MAX_STEP_HALF_LIVES
        ? Long.MAX_VALUE
        : MAX_STEP_HALF_LIVES * halfLifeMs;
  }

  /**
   * The time an event at {@code ts} is counted at, given the clock {@code clockMs}: {@code ts}, or,
   * when it is more than {@link #MAX_STEP_HALF_LIVES} half-lives ahead, the clock moved by that
   * much (class comment).
   */
  static long clockAfter(long clockMs, long ts, long halfLifeMs) {
    if (ts <= clockMs) {
      return ts;
    }
    long step = step(halfLifeMs);
    long ahead = ts - clockMs; // negative when it overflows: further ahead than any step
    if (ahead >= 0 && ahead <= step) {
      return ts;
    }
    return clockMs > Long.MAX_VALUE - step ? Long.MAX_VALUE : clockMs + step;
  }

  /**
   * Moves the counters forward to {@code ts} (by a bounded step); returns the weight of an event at
   * {@code ts}: 1 at or past the clock, decayed when late, but never below {@code 2^-}{@value
   * #MAX_STEP_HALF_LIVES} (class comment).
   */
  private double weightAt(long ts) {
    long t = started ? clockAfter(timestampMs, ts, halfLifeMs) : ts;
    advance(t);
    if (t >= timestampMs) {
      return 1.0;
    }
    long step = step(halfLifeMs);
    long late = timestampMs - t; // negative when it overflows: later than any step
    return decay(late >= 0 && late <= step ? late : step);
  }

  private void advance(long requested) {
    if (!started) {
      started = true;
      timestampMs = requested;
      return;
    }
    long ts = clockAfter(timestampMs, requested, halfLifeMs);
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
