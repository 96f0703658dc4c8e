package io.moesearch.jobs.prewarm;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.config.OverloadOptions;
import io.moesearch.jobs.search.SearchJob;
import io.moesearch.operators.AcceptedQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * The cache-prewarm batch job: computes the results of the most popular queries of a log with the
 * streaming job's own path ({@link SearchJob#compute}: embed, route, retrieve, rank) and writes
 * them, with their embeddings, as cache fills. A running search job consumes the fills into its
 * caches, so it answers those queries from cache from the first time they are asked.
 *
 * <p>The job searches the artifact without the live catalogue's changes, so its result fills are
 * dated at the artifact's {@link io.moesearch.core.artifact.Manifest#catalogueAsOfMillis} (0 for a
 * built version, the topic's end offsets' reading for a compacted one): the running job's cache
 * keeps one only when no change it knows of since then concerns it (no item changed, no new product
 * would enter it), and drops it once changes that old are pruned.
 */
public final class PrewarmJob {
  static final String PROGRESS_ACCUMULATOR = "prewarmed";

  private final MoeSearchConfig config;
  private final IndexArtifact artifact;
  private final Consumer<String> log;

  public PrewarmJob(MoeSearchConfig config, IndexArtifact artifact, Consumer<String> log) {
    this.config = config;
    this.artifact = artifact;
    this.log = log;
  }

  /** What a run did. */
  public record Result(int queries, long results, double seconds) {}

  /**
   * Runs the job on {@code env} (bounded: it ends when every query is answered), reporting progress
   * every few seconds.
   */
  public Result run(StreamExecutionEnvironment env, List<QueryLog.Entry> top, Sink<CacheFill> fills)
      throws Exception {
    if (top.isEmpty()) {
      throw new IllegalArgumentException("nothing to pre-warm: the query log selection is empty");
    }
    long t0 = System.nanoTime();
    List<AcceptedQuery> queries = new ArrayList<>(top.size());
    long now = System.currentTimeMillis();
    for (int i = 0; i < top.size(); i++) {
      SearchQuery q = top.get(i).query();
      queries.add(
          new AcceptedQuery(
              new SearchQuery("prewarm-" + i, q.text(), q.topK(), q.filters(), 0, null), now));
    }
    DataStream<AcceptedQuery> source =
        env.fromData(queries, TypeInformation.of(AcceptedQuery.class)).name("top-queries");
    // A batch job queues its whole input at once: it must compute every query in full, never
    // shed load the way the streaming job does under overload.
    SearchJob.Computed computed =
        SearchJob.compute(
            config.with(Map.of(OverloadOptions.ENABLED.key(), "false")),
            artifact,
            source,
            null,
            true);
    // Computed on the artifact alone, without the live catalogue's changes: dated when the
    // artifact's catalogue was current, so the job's cache checks them against every change since.
    computed
        .fills()
        .map(new DateAt(artifact.manifest().catalogueAsOfMillis()))
        .name("date-at-catalogue")
        .sinkTo(fills)
        .name("cache-fill-sink");
    computed
        .results()
        .flatMap(new CountResults())
        .name("progress")
        .sinkTo(new DiscardingSink<>())
        .name("discard");

    JobClient job = env.executeAsync("moe-search prewarm " + artifact.version());
    CompletableFuture<JobExecutionResult> done = job.getJobExecutionResult();
    long reported = -1;
    while (!done.isDone()) {
      try {
        done.get(3, TimeUnit.SECONDS);
      } catch (TimeoutException stillRunning) {
        Object n = job.getAccumulators().get(5, TimeUnit.SECONDS).get(PROGRESS_ACCUMULATOR);
        if (n instanceof Number count && count.longValue() != reported) {
          reported = count.longValue();
          double s = (System.nanoTime() - t0) / 1e9;
          log.accept(
              String.format(
                  "pre-warmed %d / %d queries (%.0f/s)", reported, queries.size(), reported / s));
        }
      }
    }
    JobExecutionResult result = done.get();
    Long count = result.getAccumulatorResult(PROGRESS_ACCUMULATOR);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long results = count == null ? 0 : count;
    log.accept(
        String.format("pre-warmed %d / %d queries in %.1f s", results, queries.size(), seconds));
    return new Result(queries.size(), results, seconds);
  }

  /** Counts answered queries into the progress accumulator. */
  private static final class CountResults extends RichFlatMapFunction<SearchResult, Long> {
    private transient LongCounter counter;

    @Override
    public void open(OpenContext ctx) {
      counter = new LongCounter();
      getRuntimeContext().addAccumulator(PROGRESS_ACCUMULATOR, counter);
    }

    @Override
    public void flatMap(SearchResult r, Collector<Long> out) {
      counter.add(1);
    }
  }

  /** Dates result fills no later than {@code asOfMillis}; other fills pass unchanged. */
  static final class DateAt implements MapFunction<CacheFill, CacheFill> {
    private final long asOfMillis;

    DateAt(long asOfMillis) {
      this.asOfMillis = asOfMillis;
    }

    @Override
    public CacheFill map(CacheFill f) {
      if (f.kind() != CacheFill.Kind.RESULT || f.ts() <= asOfMillis) {
        return f;
      }
      return new CacheFill(
          f.kind(),
          f.text(),
          f.topK(),
          f.filters(),
          f.version(),
          f.items(),
          f.experts(),
          f.embedding(),
          asOfMillis,
          f.denseFloor(),
          f.lexicalFloor(),
          f.degraded(),
          f.entryCut(),
          f.embeddingModel());
    }
  }
}
