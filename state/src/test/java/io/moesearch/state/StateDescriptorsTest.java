package io.moesearch.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StateDescriptorsTest {
  /** The names are in every savepoint: a renamed state is silently empty after a restore. */
  @Test
  void stateNamesAreThoseSavepointsHold() {
    assertThat(StateDescriptors.cachedResults(1000).getName()).isEqualTo("cached-results");
    assertThat(StateDescriptors.cachedEmbedding(1000).getName()).isEqualTo("cached-embedding");
    assertThat(StateDescriptors.inFlight().getName()).isEqualTo("in-flight");
    assertThat(StateDescriptors.inFlightCount().getName()).isEqualTo("in-flight-count");
    assertThat(StateDescriptors.coalescedWaiters(String.class).getName())
        .isEqualTo("coalesced-waiters");
    assertThat(StateDescriptors.coalescedWaiterQueue(String.class).getName())
        .isEqualTo("coalesced-waiter-queue");
    assertThat(StateDescriptors.coalescedWaiterCounts().getName())
        .isEqualTo("coalesced-waiter-counts");
    assertThat(StateDescriptors.partials(String.class).getName()).isEqualTo("partials");
    assertThat(StateDescriptors.mergeStatus().getName()).isEqualTo("merge-status");
    assertThat(StateDescriptors.routerLoads().getName()).isEqualTo("router-loads");
    assertThat(StateDescriptors.replicaLoad().getName()).isEqualTo("replica-load");
    assertThat(StateDescriptors.asked(1000).getName()).isEqualTo("asked");
    assertThat(StateDescriptors.liveDelta().getName()).isEqualTo("live-delta");
    assertThat(StateDescriptors.mergeFenceRemoved().getName()).isEqualTo("merge-fence-removed");
    assertThat(StateDescriptors.mergeFencePatches().getName()).isEqualTo("merge-fence-patches");
    assertThat(StateDescriptors.liveDeltaFoldedInto().getName())
        .isEqualTo("live-delta-folded-into");
    assertThat(StateDescriptors.liveDeltaFoldedSlots().getName())
        .isEqualTo("live-delta-folded-slots");
  }

  @Test
  void onlyTheCacheLevelsExpire() {
    assertThat(StateDescriptors.cachedResults(1000).getTtlConfig().isEnabled()).isTrue();
    assertThat(StateDescriptors.cachedEmbedding(2000).getTtlConfig().getTimeToLive())
        .hasMillis(2000);
    assertThat(StateDescriptors.inFlight().getTtlConfig().isEnabled()).isFalse();
    assertThat(StateDescriptors.inFlightCount().getTtlConfig().isEnabled()).isFalse();
    assertThat(StateDescriptors.partials(String.class).getTtlConfig().isEnabled()).isFalse();
    assertThat(StateDescriptors.replicaLoad().getTtlConfig().isEnabled()).isFalse();
  }
}
