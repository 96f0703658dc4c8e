package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batching policy without Flink: size cap, wait bound, exactly-once hand-over, settings. */
class MicroBatcherTest {
  private static final long GENEROUS_MS = 2_000;

  private final List<MicroBatcher<?>> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(MicroBatcher::close);
  }

  private <T> MicroBatcher<T> batcher(
      String name, int maxSize, long maxWaitMs, Consumer<List<T>> worker) {
    MicroBatcher<T> b = new MicroBatcher<>(name, maxSize, maxWaitMs, worker);
    opened.add(b);
    return b;
  }

  /** Collects batches and lets a test wait until a number of items has been handed over. */
  private static final class Sink<T> implements Consumer<List<T>> {
    final List<List<T>> batches = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger items = new AtomicInteger();
    private final Object lock = new Object();

    @Override
    public void accept(List<T> batch) {
      batches.add(batch);
      items.addAndGet(batch.size());
      synchronized (lock) {
        lock.notifyAll();
      }
    }

    boolean awaitItems(int n, long timeoutMs) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      synchronized (lock) {
        while (items.get() < n) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
      }
      return true;
    }

    List<List<T>> snapshot() {
      synchronized (batches) {
        return List.copyOf(batches);
      }
    }
  }

  @Test
  void batchesNeverExceedMaxSizeAndKeepArrivalOrder() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Sink<Integer> sink = new Sink<>();
    MicroBatcher<Integer> b =
        batcher(
            "test-batcher-size",
            4,
            20,
            batch -> {
              sink.accept(batch);
              try {
                release.await(); // hold the worker so the queue backs up
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    b.add(0);
    assertThat(sink.awaitItems(1, GENEROUS_MS)).isTrue();
    for (int i = 1; i < 50; i++) {
      b.add(i); // 49 items queue up while the worker is busy
    }
    release.countDown();
    assertThat(sink.awaitItems(50, GENEROUS_MS)).isTrue();

    List<List<Integer>> batches = sink.snapshot();
    assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 4));
    assertThat(batches)
        .extracting(List::size)
        .containsExactly(1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1);
    assertThat(batches.stream().flatMap(List::stream).toList())
        .containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
  }

  @Test
  void aLoneItemIsFlushedOnceMaxWaitHasPassed() throws Exception {
    long maxWaitMs = 100;
    Sink<String> sink = new Sink<>();
    MicroBatcher<String> b = batcher("test-batcher-lone", 64, maxWaitMs, sink);

    long t0 = System.nanoTime();
    b.add("only");
    assertThat(sink.awaitItems(1, GENEROUS_MS)).as("flushed within %d ms", GENEROUS_MS).isTrue();
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(sink.snapshot()).containsExactly(List.of("only"));
    // The batch was held open for more items, not flushed at once.
    assertThat(waitedMs).isGreaterThanOrEqualTo(maxWaitMs - 1);
  }

  @Test
  void anItemArrivingAfterAFlushStartsANewBatch() throws Exception {
    Sink<String> sink = new Sink<>();
    MicroBatcher<String> b = batcher("test-batcher-two", 64, 10, sink);

    b.add("a");
    assertThat(sink.awaitItems(1, GENEROUS_MS)).isTrue();
    b.add("b");
    assertThat(sink.awaitItems(2, GENEROUS_MS)).isTrue();

    assertThat(sink.snapshot()).containsExactly(List.of("a"), List.of("b"));
  }

  @Test
  void concurrentAddsAreDeliveredExactlyOnceInBoundedBatches() throws Exception {
    int producers = 8;
    int perProducer = 500;
    int maxSize = 16;
    Sink<Long> sink = new Sink<>();
    MicroBatcher<Long> b = batcher("test-batcher-concurrent", maxSize, 2, sink);

    ExecutorService pool = Executors.newFixedThreadPool(producers);
    try {
      CyclicBarrier start = new CyclicBarrier(producers);
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        long base = (long) p * 1_000_000;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perProducer; i++) {
                    b.add(base + i);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int total = producers * perProducer;
    assertThat(sink.awaitItems(total, 10_000)).as("all items handed over").isTrue();

    List<List<Long>> batches = sink.snapshot();
    assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, maxSize));
    List<Long> all = batches.stream().flatMap(List::stream).toList();
    assertThat(all).hasSize(total).doesNotHaveDuplicates();
    for (int p = 0; p < producers; p++) {
      long base = (long) p * 1_000_000;
      // Each producer's items arrive complete and in the order it added them.
      assertThat(all.stream().filter(x -> x >= base && x < base + perProducer).toList())
          .containsExactlyElementsOf(LongStream.range(base, base + perProducer).boxed().toList());
    }
  }

  @Test
  void closeStopsTheWorkerThreadAndRefusesNewItems() throws Exception {
    String name = "test-batcher-close";
    MicroBatcher<String> b = batcher(name, 4, 10, batch -> {});
    assertThat(workerAlive(name)).isTrue();

    b.close();

    assertThat(workerAlive(name)).as("worker thread after close").isFalse();
    assertThatThrownBy(() -> b.add("late"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  private static boolean workerAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  @Test
  void badSettingsAreRejectedNamingTheSetting() {
    assertThatThrownBy(() -> new MicroBatcher<String>("bad", 0, 10, batch -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch.max-size")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> new MicroBatcher<String>("bad", 8, -1, batch -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch.max-wait-ms")
        .hasMessageContaining("-1");
    assertThat(workerAlive("bad")).as("no thread started for rejected settings").isFalse();
  }

  @Test
  void aFailingWorkerMakesFurtherAddsFailLoudly() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    try (MicroBatcher<Integer> b =
        new MicroBatcher<>(
            "failing",
            4,
            1,
            batch -> {
              ran.countDown();
              throw new AssertionError("native crash stand-in");
            })) {
      b.add(1);
      assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
      long deadline = System.currentTimeMillis() + 5_000;
      Throwable thrown = null;
      while (thrown == null && System.currentTimeMillis() < deadline) {
        try {
          b.add(2);
          Thread.sleep(10);
        } catch (IllegalStateException e) {
          thrown = e;
        }
      }
      assertThat(thrown)
          .isNotNull()
          .hasMessageContaining("batch worker failed")
          .hasCauseInstanceOf(AssertionError.class);
    }
  }
}
