package io.moesearch.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class ExpertLoadTest {

  @Test
  void countsRequestsAndCandidatesAndAveragesLatency() {
    ExpertLoad l = ExpertLoad.EMPTY.record(10, 2.0, 100).record(5, 4.0, 200);
    assertThat(l.queries()).isEqualTo(2);
    assertThat(l.candidates()).isEqualTo(15);
    assertThat(l.latencyEwmaMs()).isCloseTo(2.0 + ExpertLoad.EWMA_ALPHA * 2.0, within(1e-9));
    assertThat(l.lastUpdateMillis()).isEqualTo(200);
  }

  @Test
  void rejectsNegativeFigures() {
    assertThatThrownBy(() -> ExpertLoad.EMPTY.record(-1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isAFlinkPojoSoNoKryoFallbackIsNeeded() {
    var info = org.apache.flink.api.common.typeinfo.TypeInformation.of(ExpertLoad.class);
    assertThat(info).isInstanceOf(PojoTypeInfo.class);
    var config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    assertThat(info.createSerializer(config)).isNotNull();
  }
}
