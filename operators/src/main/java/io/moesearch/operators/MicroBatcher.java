package io.moesearch.operators;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Collects items from any thread and hands them to one worker thread in batches of at most {@code
 * maxSize}, waiting at most {@code maxWaitMillis} after the first item of a batch for more to
 * arrive. Plain Java, so the batching policy is testable without Flink.
 */
public final class MicroBatcher<T> implements AutoCloseable {
  private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
  private final int maxSize;
  private final long maxWaitNanos;
  private final Consumer<List<T>> worker;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  public MicroBatcher(String name, int maxSize, long maxWaitMillis, Consumer<List<T>> worker) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("batch.max-size must be >= 1, got " + maxSize);
    }
    if (maxWaitMillis < 0) {
      throw new IllegalArgumentException("batch.max-wait-ms must be >= 0, got " + maxWaitMillis);
    }
    this.maxSize = maxSize;
    this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
    this.worker = worker;
    this.thread = new Thread(this::loop, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues an item; fails if the batcher is closed or its worker has failed. */
  public void add(T item) {
    if (failure != null) {
      throw new IllegalStateException("batch worker failed: " + failure, failure);
    }
    if (!running) {
      throw new IllegalStateException("batcher is closed");
    }
    queue.add(item);
  }

  private void loop() {
    List<T> batch = new ArrayList<>(maxSize);
    while (running) {
      try {
        T first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + maxWaitNanos;
        while (batch.size() < maxSize) {
          queue.drainTo(batch, maxSize - batch.size());
          long left = deadline - System.nanoTime();
          if (batch.size() >= maxSize || left <= 0) {
            break;
          }
          T next = queue.poll(left, TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        worker.accept(List.copyOf(batch));
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        // The worker must handle its own errors; if one escapes, stop accepting work loudly
        // instead of leaving callers waiting for batches that will never run.
        failure = t;
        running = false;
        return;
      }
    }
  }

  /**
   * Stops the worker; returns whether it has stopped (it may still be inside a batch otherwise).
   */
  public boolean stop(long timeoutMillis) {
    running = false;
    thread.interrupt();
    try {
      thread.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  @Override
  public void close() {
    stop(5_000);
  }
}
