package io.moesearch.operators;

import org.apache.flink.runtime.execution.CancelTaskException;

/**
 * Lets a task's cancellation through the catch-alls that turn a record's failure into a counted
 * dead letter or a failed answer: Flink signals a task being cancelled by throwing {@link
 * CancelTaskException} from its outputs ("Buffer pool has already been destroyed"), which is not a
 * failure of the record and must end the task, not be counted and logged as one.
 */
final class Cancellation {
  private Cancellation() {}

  /**
   * Throws {@code e} if it is a task's cancellation; returns otherwise.
   *
   * @throws CancelTaskException {@code e}, when it is one
   */
  static void rethrow(Throwable e) {
    if (e instanceof CancelTaskException cancel) {
      throw cancel;
    }
  }
}
