package io.moesearch.operators;

import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.rank.RankingFeatures;
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
 * Searches one expert's Lucene HNSW index (or, for negative keys, the BM25 lexical branch), keyed
 * by expert id: {@code top_k × oversample} candidates (brand/price filters applied inside the graph
 * search), rescored exactly and cut to {@code top_k}. Keeps the expert's live load statistics in
 * keyed state and publishes them as metrics. Expert indexes are opened on first use and closed in
 * {@link #close()}.
 */
public final class ExpertRetrieval
    extends KeyedProcessFunction<Integer, ExpertRequest, PartialResult> {
  private final String artifactDir;
  private final int oversample;
  private final RankingSettings ranking;

  private transient IndexArtifact artifact;
  private transient Map<Integer, ExpertIndex> open;
  private transient ExpertIndex lexical;
  private transient HybridRanker hybrid;
  private transient Map<Integer, ExpertLoad> published;
  private transient ValueState<ExpertLoad> load;
  private transient Counter served;
  private transient Counter candidatesReturned;

  /** Dense-only ranking. */
  public ExpertRetrieval(String artifactDir, int oversample) {
    this(artifactDir, oversample, RankingSettings.denseOnly());
  }

  public ExpertRetrieval(String artifactDir, int oversample, RankingSettings ranking) {
    if (oversample < 1) {
      throw new IllegalArgumentException("retrieval.oversample must be >= 1, got " + oversample);
    }
    this.artifactDir = artifactDir;
    this.oversample = oversample;
    this.ranking = ranking;
  }

  @Override
  public void open(OpenContext ctx) {
    artifact = IndexArtifact.loadVerified(Path.of(artifactDir));
    open = new HashMap<>();
    hybrid = new HybridRanker();
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
    long t0 = System.nanoTime();
    Filters f = req.query().filters();
    Query filter =
        f == null
            ? null
            : io.moesearch.core.retrieval.Filters.of(f.brands(), f.priceMin(), f.priceMax());
    String text = req.query().text();
    List<HybridRanker.Scored> scored;
    if (ExpertRequest.isLexical(expert)) {
      if (lexical == null) {
        lexical = artifact.openLexical();
      }
      // The lexical branch scores its BM25 hits densely too, from the full-precision vectors.
      scored =
          hybrid.lexical(
              lexical, artifact.vectors(), text, req.vector(), ranking.lexicalDepth(), filter);
    } else {
      ExpertIndex index = open.computeIfAbsent(expert, artifact::openExpert);
      int k =
          ranking.hybrid()
              ? Math.max(req.query().topK(), ranking.denseDepth())
              : req.query().topK();
      List<Candidate> top = Retriever.expertTopK(index, req.vector(), k, oversample, filter);
      scored = ranking.hybrid() ? hybrid.dense(text, top) : plain(top);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    RankedItem[] items = new RankedItem[scored.size()];
    double[][] features = ranking.hybrid() ? new double[scored.size()][] : null;
    for (int i = 0; i < items.length; i++) {
      HybridRanker.Scored c = scored.get(i);
      items[i] =
          new RankedItem(c.productId(), c.title(), (float) c.features()[RankingFeatures.DENSE]);
      if (features != null) {
        features[i] = c.features();
      }
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
            ms,
            features,
            req.embeddingCached()));
  }

  private static List<HybridRanker.Scored> plain(List<Candidate> top) {
    List<HybridRanker.Scored> out = new java.util.ArrayList<>(top.size());
    for (Candidate c : top) {
      double[] f = new double[RankingFeatures.NAMES.size()];
      f[RankingFeatures.DENSE] = c.score();
      out.add(new HybridRanker.Scored(c.productId(), c.title(), f));
    }
    return out;
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
    if (lexical != null) {
      lexical.close();
      lexical = null;
    }
  }
}
