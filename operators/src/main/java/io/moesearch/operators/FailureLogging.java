package io.moesearch.operators;

/**
 * When an operator logs a record it failed on and went on without: the first {@value #FIRST}, then
 * every {@value #EVERY}th, so a stream of bad records cannot flood the TaskManager's log while its
 * counter still shows them all.
 */
final class FailureLogging {
  static final int FIRST = 10;
  static final int EVERY = 1000;

  private FailureLogging() {}

  /**
   * Whether the {@code count}th failure (1-based, as the failure counter reads after it) is logged.
   */
  static boolean logs(long count) {
    return count <= FIRST || count % EVERY == 0;
  }
}
