package io.moesearch.state;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** Keyed-state descriptors shared by operators and tests. */
public final class StateDescriptors {
  private StateDescriptors() {}

  /**
   * Per-replica load: keyed by serving slot, one entry per expert the slot has served (without a
   * replicated layout slot = expert, so one entry). No TTL, as the statistics must outlive quiet
   * periods: the key space is bounded by slots × experts, and the retrieval operator removes an
   * entry once its decayed counts are negligible.
   */
  public static MapStateDescriptor<Integer, ExpertLoad> replicaLoad() {
    return new MapStateDescriptor<>(
        "replica-load", Types.INT, TypeInformation.of(ExpertLoad.class));
  }
}
