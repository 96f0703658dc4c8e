package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moesearch.core.live.DeltaEntry;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A slot's delta, one entry or a bulk record of several, crosses the network as a Flink POJO
 * without generic types (the job sets {@code pipeline.generic-types: false}): its entries arrive in
 * order.
 */
class SlotDeltaTest {
  @Test
  void oneEntryAndBulkRecordsRoundTripWithoutGenericTypes() throws Exception {
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    TypeInformation<SlotDelta> type = TypeInformation.of(SlotDelta.class);
    assertThat(type).isInstanceOf(PojoTypeInfo.class);
    TypeSerializer<SlotDelta> serializer = type.createSerializer(config);
    SlotDelta one = new SlotDelta(3, DeltaEntry.hidden("a", 5), 7, 9, true);
    SlotDelta bulk =
        SlotDelta.bulk(
            4, List.of(DeltaEntry.hidden("a", 5), DeltaEntry.patched("b", 6, 2.5, false)), 11);
    for (SlotDelta d : List.of(one, bulk)) {
      DataOutputSerializer out = new DataOutputSerializer(64);
      serializer.serialize(d, out);
      SlotDelta back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
      assertThat(back.slot()).isEqualTo(d.slot());
      assertThat(back.entries()).isEqualTo(d.entries());
      assertThat(back.producedAtMillis()).isEqualTo(d.producedAtMillis());
      assertThat(back.appliedAtMillis()).isEqualTo(d.appliedAtMillis());
      assertThat(back.relaid()).isEqualTo(d.relaid());
    }
    assertThat(bulk.entries()).extracting(DeltaEntry::productId).containsExactly("a", "b");
    assertThat(bulk.producedAtMillis()).as("a bulk record times no update").isZero();
    assertThatThrownBy(() -> SlotDelta.bulk(1, List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
