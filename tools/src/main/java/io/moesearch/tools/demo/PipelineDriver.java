package io.moesearch.tools.demo;

import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.eval.LatencyStats;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.tools.bench.JvmActivity;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Streams queries into a running {@link EmbeddedPipeline} at a target rate while consuming results,
 * and measures end-to-end latency (produce time → result consumed) and throughput.
 */
public final class PipelineDriver {

  /** What a run measured. Field names are the JSON output's. */
  public static final class Figures {
    public int queriesSent;
    public int malformedSent;
    public int resultsReceived;
    public int duplicateResults;
    public int deadLetters;
    public double targetRatePerSec;
    public double sendSeconds;
    public double throughputPerSec;

    /**
     * Answers searched as configured ({@code degraded: none}) per second: the throughput that
     * counts when overload protection sheds load.
     */
    public double fullAnswersPerSec;

    /** Answers per {@code degraded} level ({@code none}, ..., {@code overloaded}). */
    public Map<String, Integer> degraded = new TreeMap<>();

    public double e2eP50Ms;
    public double e2eP95Ms;
    public double e2eP99Ms;
    public double inJobP50Ms;
    public double inJobP99Ms;
    public double avgExperts;

    /**
     * In-job stage latencies (ms) of computed results: embed (queue + batched inference), route,
     * retrieve, rerank.
     */
    public Map<String, Double> stageMs = new LinkedHashMap<>();

    /** Results by cache path ({@code miss}, {@code embedding}, {@code l1}, {@code l2}, ...). */
    public Map<String, Integer> cachePaths = new TreeMap<>();

    /**
     * Latency by cache path: {@code <path>_e2e_p50}, {@code <path>_e2e_p99}, {@code
     * <path>_in_job_p50}, {@code <path>_in_job_p99} (ms).
     */
    public Map<String, Double> cachePathLatencyMs = new TreeMap<>();

    public boolean timedOut;

    /**
     * Records written to the cache-fill topic while these queries ran (results, embeddings,
     * releases), where the caller counted them; null otherwise.
     */
    public Long cacheFillsWritten;

    /**
     * This JVM's CPU, JIT and GC time from the first query sent to the last answer awaited (the
     * broker and the job run in it too).
     */
    public JvmActivity jvm;
  }

  /** Per cache path: end-to-end and in-job latencies. */
  private record PathStats(LatencyStats e2e, LatencyStats inJob) {}

  private PipelineDriver() {}

  /**
   * Sends {@code queries} (and {@code malformed} raw payloads interleaved) at {@code ratePerSec} (0
   * = as fast as possible) and waits up to {@code timeout} for every answer; {@code onResult} sees
   * each result as it arrives (on the consumer thread).
   *
   * <p>The producer (this thread) and the consumer (a thread of its own) never share a thread, so
   * the end-to-end latency is the pipeline's and not this driver's backlog: a result is timed when
   * the consumer receives it, whatever the producer is doing.
   */
  public static Figures run(
      EmbeddedPipeline pipeline,
      List<SearchQuery> queries,
      List<byte[]> malformed,
      double ratePerSec,
      Duration timeout,
      Consumer<SearchResult> onResult) {
    return run(pipeline, queries, malformed, ratePerSec, timeout, onResult, i -> {});
  }

  /**
   * As {@link #run(EmbeddedPipeline, List, List, double, Duration, Consumer)}, calling {@code
   * beforeSend} with each query's index on the producer thread just before the query is sent (at
   * its paced time): other messages sent there (catalogue updates) keep the same clock.
   */
  public static Figures run(
      EmbeddedPipeline pipeline,
      List<SearchQuery> queries,
      List<byte[]> malformed,
      double ratePerSec,
      Duration timeout,
      Consumer<SearchResult> onResult,
      IntConsumer beforeSend) {
    MessageJson json = new MessageJson();
    Figures f = new Figures();
    f.targetRatePerSec = ratePerSec;
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    LatencyStats e2e = new LatencyStats();
    LatencyStats inJob = new LatencyStats();
    Map<String, LatencyStats> stages = new LinkedHashMap<>();
    for (String st : List.of("embed", "route", "retrieve", "rerank")) {
      stages.put(st, new LatencyStats());
    }
    Map<String, PathStats> paths = new TreeMap<>();
    int expectedBad = malformed.size();
    AtomicLong deadline = new AtomicLong(Long.MAX_VALUE);
    AtomicLong lastResult = new AtomicLong();
    CountDownLatch subscribed = new CountDownLatch(1);
    AtomicReference<RuntimeException> consumerFailure = new AtomicReference<>();
    Thread consumer =
        new Thread(
            () -> {
              try (var results = pipeline.newResults();
                  var dead = pipeline.deadLetters()) {
                // Subscribe before sending so no partition assignment delay skews the first
                // latencies.
                results.poll(Duration.ofMillis(100));
                dead.poll(Duration.ofMillis(10));
                subscribed.countDown();
                while ((f.resultsReceived < queries.size() || f.deadLetters < expectedBad)
                    && System.currentTimeMillis() < deadline.get()) {
                  int before = f.resultsReceived;
                  drain(
                      results,
                      dead,
                      sentAt,
                      seen,
                      e2e,
                      inJob,
                      stages,
                      paths,
                      f,
                      onResult,
                      Duration.ofMillis(50));
                  if (f.resultsReceived > before) {
                    lastResult.set(System.currentTimeMillis());
                  }
                }
              } catch (RuntimeException e) {
                consumerFailure.set(e);
              } finally {
                subscribed.countDown();
              }
            },
            "pipeline-driver-consumer");
    consumer.setDaemon(true);
    consumer.start();
    try {
      subscribed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    JvmActivity.Reading before = JvmActivity.read();
    long start = System.nanoTime();
    int malformedEvery =
        malformed.isEmpty() ? Integer.MAX_VALUE : Math.max(1, queries.size() / malformed.size());
    int sentBad = 0;
    long firstSend = System.currentTimeMillis();
    for (int i = 0; i < queries.size(); i++) {
      if (ratePerSec > 0) {
        long wait = start + (long) (i * 1e9 / ratePerSec) - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      beforeSend.accept(i);
      SearchQuery q = queries.get(i);
      sentAt.put(q.queryId(), System.currentTimeMillis());
      pipeline.send(q.queryId(), json.encodeQuery(q));
      if (i % malformedEvery == 0 && sentBad < malformed.size()) {
        pipeline.send(null, malformed.get(sentBad++));
      }
      // Paced runs flush often (latency); an as-fast-as-possible run lets the producer batch.
      if (i % (ratePerSec > 0 ? 16 : 4096) == 0) {
        pipeline.flush();
      }
    }
    while (sentBad < malformed.size()) {
      pipeline.send(null, malformed.get(sentBad++));
    }
    pipeline.flush();
    f.queriesSent = queries.size();
    f.malformedSent = sentBad;
    f.sendSeconds = (System.nanoTime() - start) / 1e9;
    deadline.set(System.currentTimeMillis() + timeout.toMillis());
    try {
      consumer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    f.jvm = before.since();
    if (consumerFailure.get() != null) {
      throw consumerFailure.get();
    }
    f.timedOut = f.resultsReceived < queries.size() || f.deadLetters < sentBad;
    double seconds = Math.max(1e-3, (lastResult.get() - firstSend) / 1000.0);
    f.throughputPerSec = f.resultsReceived / seconds;
    f.fullAnswersPerSec = f.degraded.getOrDefault(SearchResult.NOT_DEGRADED, 0) / seconds;
    f.e2eP50Ms = e2e.percentile(50);
    f.e2eP95Ms = e2e.percentile(95);
    f.e2eP99Ms = e2e.percentile(99);
    f.inJobP50Ms = inJob.percentile(50);
    f.inJobP99Ms = inJob.percentile(99);
    stages.forEach(
        (k, v) -> {
          f.stageMs.put(k + "_p50", v.percentile(50));
          f.stageMs.put(k + "_p99", v.percentile(99));
        });
    paths.forEach(
        (k, v) -> {
          f.cachePaths.put(k, v.e2e().count());
          f.cachePathLatencyMs.put(k + "_e2e_p50", v.e2e().percentile(50));
          f.cachePathLatencyMs.put(k + "_e2e_p99", v.e2e().percentile(99));
          f.cachePathLatencyMs.put(k + "_in_job_p50", v.inJob().percentile(50));
          f.cachePathLatencyMs.put(k + "_in_job_p99", v.inJob().percentile(99));
        });
    return f;
  }

  /** Whether the result was computed (a miss, or from a cached embedding) rather than cached. */
  public static boolean computed(SearchResult r) {
    return r.cache().equals(SearchResult.CACHE_MISS)
        || r.cache().equals(SearchResult.CACHE_EMBEDDING);
  }

  private static void drain(
      EmbeddedPipeline.Consumer<SearchResult> results,
      EmbeddedPipeline.Consumer<DeadLetter> dead,
      Map<String, Long> sentAt,
      Map<String, Integer> seen,
      LatencyStats e2e,
      LatencyStats inJob,
      Map<String, LatencyStats> stages,
      Map<String, PathStats> paths,
      Figures f,
      Consumer<SearchResult> onResult,
      Duration wait) {
    for (var r : results.poll(wait)) {
      SearchResult res = r.value();
      if (!sentAt.containsKey(res.queryId())) {
        continue; // an answer to an earlier run's query (the topic is read from the start)
      }
      if (seen.merge(res.queryId(), 1, Integer::sum) > 1) {
        f.duplicateResults++;
        continue;
      }
      f.resultsReceived++;
      long e2eMs = r.receivedMillis() - sentAt.get(res.queryId());
      e2e.add(e2eMs);
      inJob.add(res.latency().totalMs());
      PathStats path =
          paths.computeIfAbsent(
              res.cache(), k -> new PathStats(new LatencyStats(), new LatencyStats()));
      path.e2e().add(e2eMs);
      path.inJob().add(res.latency().totalMs());
      if (computed(res)) {
        stages.get("embed").add(res.latency().embedMs());
        stages.get("route").add(res.latency().routeMs());
        stages.get("retrieve").add(res.latency().retrieveMs());
        stages.get("rerank").add(res.latency().rerankMs());
      }
      f.avgExperts += (res.experts().length - f.avgExperts) / f.resultsReceived;
      f.degraded.merge(res.degraded(), 1, Integer::sum);
      onResult.accept(res);
    }
    f.deadLetters += dead.poll(Duration.ZERO).size();
  }
}
