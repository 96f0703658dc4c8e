package io.moesearch.jobs.search;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Passes records through, but in the first attempt of the task throws on the first record after a
 * checkpoint taken once it had passed {@code n} records has completed: the failure always comes
 * after a checkpoint that covers part of the stream, so the job recovers mid-stream from it. Until
 * the next record the subtask is {@link #ARMED}, so a test can hold input back until then.
 */
final class FailOnceAfter<T> extends RichMapFunction<T, T>
    implements CheckpointedFunction, CheckpointListener {
  /** Failures injected in this JVM (the MiniCluster runs in the test's JVM). */
  static final AtomicInteger FAILURES = new AtomicInteger();

  /** First-attempt subtasks whose next record fails. */
  static final AtomicInteger ARMED = new AtomicInteger();

  /** The completed checkpoint the (last) failing subtask had been notified of when it threw. */
  static final AtomicLong CHECKPOINT_BEFORE_FAILURE = new AtomicLong();

  private final int n;
  private transient int seen;
  private transient boolean firstAttempt;
  private transient long covering;
  private transient long completed;

  FailOnceAfter(int n) {
    this.n = n;
  }

  /** Resets the counters before a test. */
  static void reset() {
    FAILURES.set(0);
    ARMED.set(0);
    CHECKPOINT_BEFORE_FAILURE.set(0);
  }

  @Override
  public void open(OpenContext ctx) {
    firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
  }

  @Override
  public T map(T value) {
    if (firstAttempt && completed > 0) {
      CHECKPOINT_BEFORE_FAILURE.set(completed);
      FAILURES.incrementAndGet();
      throw new IllegalStateException(
          "injected failure after " + seen + " records and checkpoint " + completed);
    }
    seen++;
    return value;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) {
    if (covering == 0 && seen >= n) {
      covering = ctx.getCheckpointId();
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    if (firstAttempt && completed == 0 && covering > 0 && checkpointId >= covering) {
      completed = checkpointId;
      ARMED.incrementAndGet();
    }
  }

  @Override
  public void initializeState(FunctionInitializationContext ctx) {}
}
