package io.moesearch.operators;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.embed.LengthSortedChunks;
import io.moesearch.core.embed.SharedEmbeddingModels;
import io.moesearch.core.overload.DegradationLevel;
import io.moesearch.core.overload.DegradationPolicy;
import io.moesearch.core.overload.QueueWaitEstimate;
import io.moesearch.core.overload.ReplayWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Embeds queries through async I/O with micro-batching: queries queue up and one model thread per
 * subtask takes up to {@code batch.max-size} of them, waiting at most {@code batch.max-wait-ms} for
 * a batch to fill, sorts them by length and runs the model on chunks of {@code modelBatch}
 * similar-length texts (padding to the longest text in a chunk is what makes large mixed batches
 * slow on CPU). The task thread never blocks on the model, and in-flight queries are part of
 * Flink's checkpoints (async I/O replays them after a restore). The subtasks of a TaskManager share
 * one loaded model ({@link SharedEmbeddingModels}), each with its own predictor.
 *
 * <p>Overload: with {@code overload.max-wait-ms} set, each query is given a {@link
 * DegradationLevel} when it arrives, by a {@link DegradationPolicy} over its estimated wait ({@link
 * QueueWaitEstimate}: the queries then waiting for the model in this subtask times the recent model
 * time per query). From the bound on (or with {@link #HARD_BACKLOG} queries waiting), a query is
 * not queued at all: it leaves at once as an {@linkplain EmbeddedQuery#overloaded overloaded}
 * query, so the queue (and the wait) stays bounded and the operator's capacity ({@link #capacity})
 * is never reached, which is what keeps back pressure away from the cache's hit path.
 *
 * <p>Recovery ({@link ReplayWindow}): with {@code replayFullQualityMillis} set (at-least-once
 * delivery), for that long after this subtask was restored from a checkpoint every query is queued
 * at full quality whatever the wait (counted in {@code replaysServedInFull}): the replays, the
 * backlog behind them and fresh queries on the cold model alike. At-least-once publishes a replay's
 * answer again: undegraded, it equals the first (batch-invariant embeddings, event-time routing),
 * unless the first was degraded by an overload before the failure. Those queries count against the
 * async buffer's capacity, so in the window a backlog pushes back on the source instead of being
 * shed. {@link MergePartials} waits longer for partials in the window, for the same reason.
 *
 * <p>A query still waiting for the model when its async I/O timeout fires is answered {@linkplain
 * EmbeddedQuery#overloaded overloaded} (counted in {@code embedTimeouts}) instead of failing the
 * task, as Flink's default {@code timeout} would: a stalled model turns its queue away, it does not
 * restart the job. A model error still fails the task (the job restarts and replays the batch): no
 * text the query codec accepts makes the model fail ({@code EmbedderLimitsTest}).
 */
public final class EmbedQueries extends RichAsyncFunction<AcceptedQuery, EmbeddedQuery>
    implements CheckpointedFunction {
  private final EmbedderConfig embedderConfig;
  private final int maxBatch;
  private final int modelBatch;
  private final long maxWaitMillis;
  private final long maxWaitMillisOverload;
  private final long replayFullQualityMillis;

  private transient SharedEmbeddingModels.Lease model;
  private transient Embedder embedder;
  private transient MicroBatcher<Pending> batcher;
  private transient Histogram batchSizes;
  private transient DegradationPolicy overload;
  private transient AtomicInteger backlog;
  private transient QueueWaitEstimate waitEstimate;
  private transient Counter timeouts;
  private transient Counter replaysInFull;
  private transient ReplayWindow replays;

  /** A query waiting for the model; {@code queuedNanos} is when it reached this operator. */
  private record Pending(
      SearchQuery query,
      long acceptedMillis,
      long queuedNanos,
      DegradationLevel degradation,
      boolean cacheFill,
      ResultFuture<EmbeddedQuery> future) {}

  /** Without overload protection: queries queue without limit. */
  public EmbedQueries(
      EmbedderConfig embedderConfig, int maxBatch, int modelBatch, long maxWaitMillis) {
    this(embedderConfig, maxBatch, modelBatch, maxWaitMillis, 0);
  }

  /**
   * @param overloadMaxWaitMillis {@code overload.max-wait-ms}: the {@link DegradationPolicy} bound
   *     on a query's estimated wait for the model in this subtask, or 0 for none (queue without
   *     limit)
   */
  public EmbedQueries(
      EmbedderConfig embedderConfig,
      int maxBatch,
      int modelBatch,
      long maxWaitMillis,
      long overloadMaxWaitMillis) {
    this(embedderConfig, maxBatch, modelBatch, maxWaitMillis, overloadMaxWaitMillis, 0);
  }

  /**
   * @param overloadMaxWaitMillis {@code overload.max-wait-ms}, or 0 for no overload protection
   * @param replayFullQualityMillis {@code overload.replay-full-quality-ms} under at-least-once
   *     delivery, else 0: how long after a restore queries older than the restore are not degraded
   */
  public EmbedQueries(
      EmbedderConfig embedderConfig,
      int maxBatch,
      int modelBatch,
      long maxWaitMillis,
      long overloadMaxWaitMillis,
      long replayFullQualityMillis) {
    if (modelBatch < 1 || modelBatch > maxBatch) {
      throw new IllegalArgumentException(
          "batch.model-batch-size must be in 1..batch.max-size ("
              + maxBatch
              + "), got "
              + modelBatch);
    }
    this.embedderConfig = embedderConfig;
    this.maxBatch = maxBatch;
    this.modelBatch = modelBatch;
    this.maxWaitMillis = maxWaitMillis;
    if (overloadMaxWaitMillis < 0) {
      throw new IllegalArgumentException(
          "overload.max-wait-ms must be >= 0 (0 = off), got " + overloadMaxWaitMillis);
    }
    this.maxWaitMillisOverload = overloadMaxWaitMillis;
    this.replayFullQualityMillis = ReplayWindow.checked(replayFullQualityMillis);
  }

  /**
   * Queries that may wait for the model in one subtask with overload protection on, whatever the
   * wait estimate says: a hard bound under the operator's {@link #capacity}.
   */
  public static final int HARD_BACKLOG = 1024;

  /**
   * The async operator's capacity for this stage: with overload protection, room for {@link
   * #HARD_BACKLOG}, the batch in the model and the immediate "overloaded" answers of a burst, so
   * the operator never blocks its input (and with it the cache's hit path) while the policy sheds
   * load; without it, four batches (the queue then pushes back upstream).
   */
  public static int capacity(int maxBatch, boolean overloadProtection) {
    return overloadProtection ? HARD_BACKLOG + 4 * maxBatch : maxBatch * 4;
  }

  /** Notes whether this subtask restarts from a checkpoint or savepoint; it keeps no state. */
  @Override
  public void initializeState(FunctionInitializationContext ctx) {
    replays =
        ReplayWindow.starting(
            replayFullQualityMillis, ctx.isRestored(), System.currentTimeMillis());
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) {}

  @Override
  public void open(OpenContext ctx) {
    model = SharedEmbeddingModels.acquire(embedderConfig);
    embedder = model.model().newEmbedder();
    var metrics = getRuntimeContext().getMetricGroup();
    batchSizes = metrics.histogram("embedBatchSize", new DescriptiveStatisticsHistogram(1000));
    backlog = new AtomicInteger();
    waitEstimate = new QueueWaitEstimate();
    overload = maxWaitMillisOverload == 0 ? null : new DegradationPolicy(maxWaitMillisOverload);
    metrics.gauge("embedMillisPerQuery", waitEstimate::millisPerQuery);
    metrics.gauge("embedBacklog", backlog::get);
    timeouts = metrics.counter("embedTimeouts");
    replaysInFull = metrics.counter("replaysServedInFull");
    batcher =
        new MicroBatcher<>(
            "embed-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
            maxBatch,
            maxWaitMillis,
            this::embedBatch);
  }

  @Override
  public void asyncInvoke(AcceptedQuery accepted, ResultFuture<EmbeddedQuery> future) {
    int waiting = backlog.get();
    DegradationLevel level;
    if (overload == null) {
      level = DegradationLevel.NONE;
    } else if (replays.inWindow(System.currentTimeMillis())) {
      replaysInFull.inc();
      level = DegradationLevel.NONE;
    } else if (waiting >= HARD_BACKLOG) {
      level = DegradationLevel.OVERLOADED;
    } else {
      level = overload.admit(waitEstimate.waitMillis(waiting));
    }
    if (level == DegradationLevel.OVERLOADED) {
      answerOverloaded(accepted, future);
      return;
    }
    backlog.incrementAndGet();
    batcher.add(
        new Pending(
            accepted.query(),
            accepted.tsInMillis(),
            System.nanoTime(),
            level,
            accepted.cacheFill(),
            future));
  }

  /**
   * Answers a query that waited longer than the async I/O timeout {@linkplain
   * EmbeddedQuery#overloaded overloaded}; the model's later result for it is ignored (Flink keeps
   * the first completion of a result future).
   */
  @Override
  public void timeout(AcceptedQuery accepted, ResultFuture<EmbeddedQuery> future) {
    timeouts.inc();
    answerOverloaded(accepted, future);
  }

  /** Completes {@code future} with the query turned away, not embedded. */
  private static void answerOverloaded(AcceptedQuery accepted, ResultFuture<EmbeddedQuery> future) {
    future.complete(
        List.of(
            EmbeddedQuery.overloaded(
                accepted.query(),
                accepted.tsInMillis(),
                Math.max(0, System.currentTimeMillis() - accepted.tsInMillis()),
                accepted.cacheFill())));
  }

  private void embedBatch(List<Pending> batch) {
    batchSizes.update(batch.size());
    for (List<Pending> chunk : LengthSortedChunks.of(batch, p -> p.query().text(), modelBatch)) {
      List<String> texts = new ArrayList<>(chunk.size());
      for (Pending p : chunk) {
        texts.add(p.query().text());
      }
      List<List<EmbeddedQuery>> answers = new ArrayList<>(chunk.size());
      try {
        long start = System.nanoTime();
        float[][] vectors = embedder.embed(texts);
        long now = System.nanoTime();
        waitEstimate.record(chunk.size(), now - start);
        for (int i = 0; i < chunk.size(); i++) {
          Pending p = chunk.get(i);
          answers.add(
              List.of(
                  new EmbeddedQuery(
                      p.query(),
                      vectors[i],
                      p.acceptedMillis(),
                      (now - p.queuedNanos()) / 1e6,
                      false,
                      p.degradation(),
                      p.cacheFill())));
        }
      } catch (Throwable e) {
        backlog.addAndGet(-chunk.size());
        for (Pending p : chunk) {
          p.future().completeExceptionally(e);
        }
        continue;
      }
      // The chunk leaves the backlog before its answers do: a query that follows one of them
      // must not count it as still queued (and be turned away by a backlog that has drained).
      backlog.addAndGet(-chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        chunk.get(i).future().complete(answers.get(i));
      }
    }
  }

  @Override
  public void close() {
    if (batcher != null && !batcher.stop(30_000)) {
      // Still inside a model call: closing the native session under it would crash the JVM.
      return;
    }
    if (embedder != null) {
      embedder.close();
    }
    if (model != null) {
      model.close();
    }
  }
}
