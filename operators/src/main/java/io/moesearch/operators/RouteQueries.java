package io.moesearch.operators;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.gate.Router;
import io.moesearch.core.gate.RoutingConfig;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.util.Collector;

/**
 * Routes each embedded query through the MoE gate of the index artifact and fans it out: one {@link
 * ExpertRequest} per activated expert.
 */
public final class RouteQueries extends RichFlatMapFunction<EmbeddedQuery, ExpertRequest> {
  private final String indexPath;
  private final RoutingConfig routing;
  private transient Router router;
  private transient Histogram activated;

  public RouteQueries(String indexPath, RoutingConfig routing) {
    this.indexPath = indexPath;
    this.routing = routing;
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
    int[] experts = router.route(q.vector());
    double routeMs = (System.nanoTime() - t0) / 1e6;
    activated.update(experts.length);
    for (int e : experts) {
      out.collect(
          new ExpertRequest(
              q.query(), q.vector(), e, experts, q.tsInMillis(), q.embedMs(), routeMs));
    }
  }
}
