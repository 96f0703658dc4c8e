package io.moesearch.operators;

import io.moesearch.connectors.message.SearchResult;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;

/** Shared set-up of the operator test harnesses. */
final class Harnesses {
  private Harnesses() {}

  /**
   * Configures a harness like the search job ({@code pipeline.generic-types: false}): state, output
   * and input types must all serialize without the Kryo fallback, or the harness fails.
   */
  static <H extends AbstractStreamOperatorTestHarness<?>> H withoutGenericTypes(H harness) {
    ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig())
        .setGenericTypes(false);
    return harness;
  }

  /** A serializer for {@code type} that refuses the Kryo fallback. */
  static <T> TypeSerializer<T> strictSerializer(Class<T> type) {
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    return TypeInformation.of(type).createSerializer(config);
  }

  /**
   * A harness of {@code router} (queries, and the catalogue changes broadcast) without generic
   * types.
   */
  static BroadcastOperatorTestHarness<EmbeddedQuery, CatalogChange, ExpertRequest> router(
      RouteQueries router) throws Exception {
    return withoutGenericTypes(
        new BroadcastOperatorTestHarness<>(
            new CoBroadcastWithNonKeyedOperator<>(router, List.of(RouteQueries.LISTINGS)),
            1,
            1,
            0));
  }

  /**
   * An open harness of {@code hits} (queries and fills, and the catalogue changes broadcast)
   * without generic types.
   */
  static BroadcastOperatorTestHarness<CacheInput, CatalogChange, SearchResult> cacheHits(
      CacheHits hits) throws Exception {
    var h =
        withoutGenericTypes(
            new BroadcastOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(
                    hits, List.of(CacheLookup.CHANGES, CacheLookup.UPSERTS, CacheLookup.PATCHES)),
                128,
                1,
                0));
    h.setup();
    h.open();
    return h;
  }
}
