package io.moesearch.operators;

import io.moesearch.connectors.message.Filters;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.gate.ActivationRule;
import io.moesearch.core.gate.Router;
import io.moesearch.core.gate.RoutingConfig;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.util.Collector;

/**
 * Routes each embedded query through the MoE gate of the index artifact and fans it out: one {@link
 * ExpertRequest} per activated expert (every expert for a query with brand or price filters), plus
 * one to the lexical branch when ranking is hybrid.
 */
public final class RouteQueries extends RichFlatMapFunction<EmbeddedQuery, ExpertRequest> {
  private final String indexPath;
  private final RoutingConfig routing;
  private final boolean lexicalBranch;
  private transient Router router;
  private transient Histogram activated;

  /** Dense-only routing. */
  public RouteQueries(String indexPath, RoutingConfig routing) {
    this(indexPath, routing, false);
  }

  /**
   * @param lexicalBranch also send each query to the lexical (BM25) branch, for hybrid ranking
   */
  public RouteQueries(String indexPath, RoutingConfig routing, boolean lexicalBranch) {
    this.indexPath = indexPath;
    this.routing = routing;
    this.lexicalBranch = lexicalBranch;
  }

  @Override
  public void open(OpenContext ctx) {
    router =
        new Router(IndexArtifact.loadVerified(java.nio.file.Path.of(indexPath)).gate(), routing);
    activated =
        getRuntimeContext()
            .getMetricGroup()
            .histogram("expertsActivated", new DescriptiveStatisticsHistogram(1000));
  }

  @Override
  public void flatMap(EmbeddedQuery q, Collector<ExpertRequest> out) {
    long t0 = System.nanoTime();
    Filters f = q.query().filters();
    // A filter can be selective enough that the routed experts hold too few matches; a filtered
    // query is therefore searched on every expert (each a filtered search, exact when selective).
    int[] experts =
        f == null || f.isEmpty()
            ? router.route(q.vector())
            : new ActivationRule(1.0, router.gate().experts(), router.gate().experts())
                .select(router.gate().probabilities(q.vector(), router.config().temperature()));
    activated.update(experts.length);
    if (lexicalBranch) {
      experts = java.util.Arrays.copyOf(experts, experts.length + 1);
      experts[experts.length - 1] = ExpertRequest.lexical(q.query().queryId());
    }
    double routeMs = (System.nanoTime() - t0) / 1e6;
    for (int e : experts) {
      out.collect(
          new ExpertRequest(
              q.query(),
              q.vector(),
              e,
              experts,
              q.tsInMillis(),
              q.embedMs(),
              routeMs,
              q.embeddingCached()));
    }
  }
}
