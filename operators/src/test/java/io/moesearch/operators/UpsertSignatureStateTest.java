package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.live.UpsertSignature;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Signatures the cache keeps, with their terms, some of them folded, or none (restored from a build
 * that dropped them), round-trip through the type its state holds them as ({@code
 * StateDescriptors.catalogUpserts}).
 */
class UpsertSignatureStateTest {
  @Test
  void aSignatureWithFoldedOrWithoutTermsRoundTripsWithoutGenericTypes() throws Exception {
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    TypeSerializer<UpsertSignature> serializer =
        TypeInformation.of(UpsertSignature.class).createSerializer(config);
    UpsertSignature full =
        new UpsertSignature(
            7, new int[] {3}, new float[] {1, 0}, new int[] {-5, 9}, new float[] {1f, 2f}, "v1");
    UpsertSignature folded =
        new UpsertSignature(
            7,
            new int[] {3},
            new float[] {1, 0},
            new int[] {-5, 9},
            new float[] {1f, 2f},
            "v1",
            "t",
            "b",
            "m",
            new long[] {5L, -1L},
            0.5f);
    UpsertSignature withoutTerms = new UpsertSignature(7, new int[] {3}, new float[] {1, 0}, null);
    for (UpsertSignature s : new UpsertSignature[] {full, folded, withoutTerms}) {
      DataOutputSerializer out = new DataOutputSerializer(64);
      serializer.serialize(s, out);
      assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
          .isEqualTo(s);
    }
  }
}
