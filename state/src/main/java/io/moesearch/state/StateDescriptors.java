package io.moesearch.state;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Keyed-state descriptors shared by operators and tests. */
public final class StateDescriptors {
  private StateDescriptors() {}

  /**
   * Per-expert load, keyed by expert id. The key space is bounded (the gate's N experts), so no
   * TTL: the statistics must outlive quiet periods.
   */
  public static ValueStateDescriptor<ExpertLoad> expertLoad() {
    return new ValueStateDescriptor<>("expert-load", TypeInformation.of(ExpertLoad.class));
  }
}
