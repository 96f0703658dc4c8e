package io.moesearch.jobs.config;

import io.moesearch.connectors.kafka.KafkaOptions;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every setting: the {@code public static final ConfigOption} fields of the option classes of each
 * area. Adding a setting means adding one such field (and using it); {@code conf/moe-search.yaml}
 * and docs/configuration.md's table are tested against this list.
 */
public final class AllOptions {
  private AllOptions() {}

  /** The option classes, one per area. */
  static final List<Class<?>> AREAS =
      List.of(
          CatalogOptions.class,
          IndexOptions.class,
          EmbedderOptions.class,
          RoutingOptions.class,
          RankingOptions.class,
          EvalOptions.class,
          KafkaOptions.class,
          JobOptions.class,
          QueryOptions.class,
          BatchOptions.class,
          MergeOptions.class,
          OverloadOptions.class,
          CacheOptions.class);

  /** Every option by key, in area order. */
  public static final Map<String, ConfigOption<?>> BY_KEY = collect();

  private static Map<String, ConfigOption<?>> collect() {
    Map<String, ConfigOption<?>> out = new LinkedHashMap<>();
    for (Class<?> area : AREAS) {
      for (var f : area.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
          try {
            ConfigOption<?> o = (ConfigOption<?>) f.get(null);
            if (out.put(o.key(), o) != null) {
              throw new IllegalStateException("setting " + o.key() + " is defined twice");
            }
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Every option, in area order. */
  public static List<ConfigOption<?>> list() {
    return new ArrayList<>(BY_KEY.values());
  }
}
