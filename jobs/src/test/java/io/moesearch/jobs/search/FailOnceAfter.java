package io.moesearch.jobs.search;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Passes records through, but on the first attempt of the task throws after {@code n} records. */
final class FailOnceAfter<T> extends RichMapFunction<T, T> {
  /** Failures injected in this JVM (the MiniCluster runs in the test's JVM). */
  static final java.util.concurrent.atomic.AtomicInteger FAILURES =
      new java.util.concurrent.atomic.AtomicInteger();

  private final int n;
  private transient int seen;
  private transient boolean firstAttempt;

  FailOnceAfter(int n) {
    this.n = n;
  }

  @Override
  public void open(OpenContext ctx) {
    firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
  }

  @Override
  public T map(T value) {
    if (firstAttempt && ++seen > n) {
      FAILURES.incrementAndGet();
      throw new IllegalStateException("injected failure after " + n + " records");
    }
    return value;
  }
}
