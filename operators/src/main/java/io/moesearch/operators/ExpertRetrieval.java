package io.moesearch.operators;

import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.state.ExpertLoad;
import io.moesearch.state.StateDescriptors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.lucene.search.Query;

/**
 * Searches one expert's Lucene HNSW index, keyed by expert id: {@code top_k × oversample}
 * candidates (brand/price filters applied inside the graph search), rescored exactly and cut to
 * {@code top_k}. Keeps the expert's live load statistics in keyed state and publishes them as
 * metrics. Expert indexes are opened on first use and closed in {@link #close()}.
 */
public final class ExpertRetrieval
    extends KeyedProcessFunction<Integer, ExpertRequest, PartialResult> {
  private final String artifactDir;
  private final int oversample;

  private transient IndexArtifact artifact;
  private transient Map<Integer, ExpertIndex> open;
  private transient Map<Integer, ExpertLoad> published;
  private transient ValueState<ExpertLoad> load;
  private transient Counter served;
  private transient Counter candidatesReturned;

  public ExpertRetrieval(String artifactDir, int oversample) {
    if (oversample < 1) {
      throw new IllegalArgumentException("retrieval.oversample must be >= 1, got " + oversample);
    }
    this.artifactDir = artifactDir;
    this.oversample = oversample;
  }

  @Override
  public void open(OpenContext ctx) {
    artifact = IndexArtifact.loadVerified(Path.of(artifactDir));
    open = new HashMap<>();
    published = new HashMap<>();
    load = getRuntimeContext().getState(StateDescriptors.expertLoad());
    served = getRuntimeContext().getMetricGroup().counter("expertRequests");
    candidatesReturned = getRuntimeContext().getMetricGroup().counter("candidatesReturned");
  }

  @Override
  public void processElement(ExpertRequest req, Context ctx, Collector<PartialResult> out)
      throws Exception {
    int expert = req.expert();
    if (expert >= artifact.manifest().experts()) {
      throw new IllegalStateException(
          "expert " + expert + " is not in index " + artifact.version());
    }
    ExpertIndex index = open.computeIfAbsent(expert, artifact::openExpert);
    long t0 = System.nanoTime();
    Filters f = req.query().filters();
    Query filter =
        f == null
            ? null
            : io.moesearch.core.retrieval.Filters.of(f.brands(), f.priceMin(), f.priceMax());
    List<Candidate> top =
        Retriever.expertTopK(index, req.vector(), req.query().topK(), oversample, filter);
    double ms = (System.nanoTime() - t0) / 1e6;
    RankedItem[] items = new RankedItem[top.size()];
    for (int i = 0; i < items.length; i++) {
      Candidate c = top.get(i);
      items[i] = new RankedItem(c.productId(), c.title(), c.score());
    }
    ExpertLoad current = load.value();
    ExpertLoad next =
        (current == null ? ExpertLoad.EMPTY : current)
            .record(items.length, ms, ctx.timerService().currentProcessingTime());
    load.update(next);
    publish(expert, next);
    served.inc();
    candidatesReturned.inc(items.length);
    out.collect(
        new PartialResult(
            req.query(),
            expert,
            req.experts(),
            items,
            req.tsInMillis(),
            req.embedMs(),
            req.routeMs(),
            ms));
  }

  /** Mirrors the expert's state into gauges (registered once per expert this subtask serves). */
  private void publish(int expert, ExpertLoad value) {
    if (published.put(expert, value) == null) {
      MetricGroup g =
          getRuntimeContext().getMetricGroup().addGroup("expert", Integer.toString(expert));
      g.gauge("queries", () -> published.get(expert).queries());
      g.gauge("candidates", () -> published.get(expert).candidates());
      g.gauge("latencyEwmaMs", () -> published.get(expert).latencyEwmaMs());
    }
  }

  @Override
  public void close() {
    if (open != null) {
      open.values().forEach(ExpertIndex::close);
      open.clear();
    }
  }
}
