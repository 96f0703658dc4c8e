package io.moesearch.operators;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.connectors.message.StageLatency;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.retrieval.ExactReranker;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Collects a query's partial results, keyed by {@link #key} (query id and acceptance time, so two
 * submissions of one id never mix), and emits the final ranking once every activated expert has
 * answered: the union of exactly-scored candidates, deduplicated and cut to {@code top_k}. A
 * processing-time timer bounds the wait: if a partial never arrives the query is answered with what
 * is there. After answering, a small "done" marker stays for one more timeout so a late or replayed
 * partial is dropped instead of producing a second answer; then all state and timers are gone.
 */
public final class MergePartials extends KeyedProcessFunction<String, PartialResult, SearchResult> {
  private final String indexVersion;
  private final long timeoutMillis;

  private transient MapState<Integer, PartialResult> partials;
  private transient ValueState<Long> timer;
  private transient ValueState<Boolean> done;
  private transient Counter timeouts;
  private transient Counter lateDropped;

  public MergePartials(String indexVersion, long timeoutMillis) {
    if (timeoutMillis < 1) {
      throw new IllegalArgumentException("merge.timeout-ms must be >= 1, got " + timeoutMillis);
    }
    this.indexVersion = indexVersion;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    partials =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "partials", Types.INT, TypeInformation.of(PartialResult.class)));
    timer = getRuntimeContext().getState(new ValueStateDescriptor<>("merge-timer", Types.LONG));
    done = getRuntimeContext().getState(new ValueStateDescriptor<>("merge-done", Types.BOOLEAN));
    timeouts = getRuntimeContext().getMetricGroup().counter("mergeTimeouts");
    lateDropped = getRuntimeContext().getMetricGroup().counter("latePartialsDropped");
  }

  /** The merge key of a partial: its query id and the time the job accepted the query. */
  public static String key(PartialResult p) {
    return p.query().queryId() + "#" + p.tsInMillis();
  }

  @Override
  public void processElement(PartialResult p, Context ctx, Collector<SearchResult> out)
      throws Exception {
    if (Boolean.TRUE.equals(done.value())) {
      lateDropped.inc();
      return;
    }
    partials.put(p.expert(), p);
    int received = 0;
    for (Integer ignored : partials.keys()) {
      received++;
    }
    if (received >= p.experts().length) {
      emit(p, out);
      finish(ctx.timerService());
    } else if (timer.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + timeoutMillis;
      ctx.timerService().registerProcessingTimeTimer(at);
      timer.update(at);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SearchResult> out)
      throws Exception {
    if (Boolean.TRUE.equals(done.value())) {
      // The marker has outlived any straggler: forget the query.
      done.clear();
      timer.clear();
      return;
    }
    PartialResult any = null;
    for (PartialResult p : partials.values()) {
      any = p;
      break;
    }
    timer.clear();
    if (any != null) {
      timeouts.inc();
      emit(any, out);
      finish(ctx.timerService());
    } else {
      partials.clear();
    }
  }

  private void emit(PartialResult sample, Collector<SearchResult> out) throws Exception {
    long t0 = System.nanoTime();
    List<List<Candidate>> lists = new ArrayList<>();
    double retrieveMs = 0;
    for (PartialResult p : partials.values()) {
      List<Candidate> c = new ArrayList<>(p.items().length);
      for (RankedItem item : p.items()) {
        c.add(new Candidate(-1, item.productId(), item.title(), item.score()));
      }
      lists.add(c);
      retrieveMs = Math.max(retrieveMs, p.retrieveMs());
    }
    List<Candidate> top = ExactReranker.topK(lists, sample.query().topK());
    RankedItem[] items = new RankedItem[top.size()];
    for (int i = 0; i < items.length; i++) {
      Candidate c = top.get(i);
      items[i] = new RankedItem(c.productId(), c.title(), c.score());
    }
    double rerankMs = (System.nanoTime() - t0) / 1e6;
    long now = System.currentTimeMillis();
    StageLatency latency =
        new StageLatency(
            sample.embedMs(),
            sample.routeMs(),
            retrieveMs,
            rerankMs,
            Math.max(0, now - sample.tsInMillis()));
    out.collect(
        new SearchResult(
            sample.query().queryId(),
            sample.query().text(),
            items,
            sample.experts(),
            indexVersion,
            latency,
            SearchResult.CACHE_MISS,
            sample.tsInMillis(),
            now));
  }

  /** Drops the partials, replaces the wait timer by a cleanup timer and marks the query done. */
  private void finish(org.apache.flink.streaming.api.TimerService timers) throws Exception {
    Long at = timer.value();
    if (at != null) {
      timers.deleteProcessingTimeTimer(at);
    }
    partials.clear();
    done.update(true);
    long cleanup = timers.currentProcessingTime() + timeoutMillis;
    timers.registerProcessingTimeTimer(cleanup);
    timer.update(cleanup);
  }
}
