package io.moesearch.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class ExpertLoadTest {
  private static final long HALF_LIFE = 1_000;

  @Test
  void countsRequestsAndCandidatesAndAveragesLatency() {
    ExpertLoad l = ExpertLoad.EMPTY.record(10, 2.0, 100, HALF_LIFE).record(5, 4.0, 100, HALF_LIFE);
    assertThat(l.activations()).isEqualTo(2);
    assertThat(l.candidates()).isEqualTo(15);
    assertThat(l.latencyEwmaMs()).isCloseTo(2.0 + ExpertLoad.EWMA_ALPHA * 2.0, within(1e-9));
    assertThat(l.lastUpdateMillis()).isEqualTo(100);
  }

  @Test
  void countsHalveEveryHalfLife() {
    ExpertLoad l = ExpertLoad.EMPTY.record(8, 1.0, 1_000, HALF_LIFE);
    ExpertLoad later = l.decayedTo(1_000 + HALF_LIFE, HALF_LIFE);
    assertThat(later.activations()).isCloseTo(0.5, within(1e-12));
    assertThat(later.candidates()).isCloseTo(4, within(1e-12));
    assertThat(later.lastUpdateMillis()).isEqualTo(2_000);
    assertThat(l.decayedTo(500, HALF_LIFE)).isEqualTo(l);
    ExpertLoad next = l.record(0, 1.0, 1_000 + 2 * HALF_LIFE, HALF_LIFE);
    assertThat(next.activations()).isCloseTo(1.25, within(1e-12));
  }

  @Test
  void rejectsNegativeFigures() {
    assertThatThrownBy(() -> ExpertLoad.EMPTY.record(-1, 1, 0, HALF_LIFE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExpertLoad.EMPTY.decayedTo(5, 0)).hasMessageContaining("half-life");
  }

  @Test
  void isAFlinkPojoSoNoKryoFallbackIsNeeded() {
    var info = TypeInformation.of(ExpertLoad.class);
    assertThat(info).isInstanceOf(PojoTypeInfo.class);
    var config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    assertThat(info.createSerializer(config)).isNotNull();
  }
}
