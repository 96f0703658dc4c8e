package io.moesearch.state;

/**
 * The merge's per-query bookkeeping, one value so each partial costs one read and one write: the
 * experts heard from, the pending timer, and whether the query has been answered.
 */
public record MergeStatus(int[] received, long timerAt, boolean done) {}
