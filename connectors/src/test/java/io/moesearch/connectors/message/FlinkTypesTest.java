package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The messages must be Flink POJOs so jobs can run with {@code pipeline.generic-types: false}. */
class FlinkTypesTest {

  static Stream<Arguments> messages() {
    return Stream.of(
        Arguments.of(
            new SearchQuery(
                "q", "shoes", 5, new Filters(new String[] {"A", "B"}, 1.0, null), 42L, "s")),
        Arguments.of(new SearchQuery("q", "shoes", 5, null, 0L, null)),
        Arguments.of(new SearchQuery("q", "shoes", 5, null, 0L, null, true)),
        Arguments.of(MessageJsonTest.sampleResult()),
        Arguments.of(MessageJsonTest.explainedResult()),
        Arguments.of(DeadLetter.ofBytes("t", 1, 2, new byte[] {(byte) 0x80}, "bad", 3L)),
        Arguments.of(new RawMessage("t", 0, 9, -1, null, new byte[] {1, 2, 3})),
        Arguments.of(new RawMessage("t", 0, 9, 5, new byte[] {7}, null)),
        Arguments.of(CacheFill.embedding("usb", "m", new float[] {0.6f, 0.8f})),
        // A result carrying its query's embedding: the job's one fill per computed query.
        Arguments.of(
            CacheFill.result(
                    "usb",
                    10,
                    "",
                    "v1",
                    new RankedItem[] {new RankedItem("p", "t", 0.5f)},
                    new int[] {3},
                    7L,
                    0.25f,
                    3f,
                    new io.moesearch.core.rank.EntryCut(0.1f, 20f, 6.5f, 12, 0.02f, -1f, 9))
                .withEmbedding("m", new float[] {0.6f, 0.8f})));
  }

  @ParameterizedTest
  @MethodSource("messages")
  <T> void isAPojoAndRoundTripsWithoutGenericTypes(T message) throws Exception {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) message.getClass();
    TypeInformation<T> info = TypeInformation.of(type);
    assertThat(info).isInstanceOf(PojoTypeInfo.class);

    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false); // would throw for any field needing Kryo
    TypeSerializer<T> serializer = info.createSerializer(config);

    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(message, out);
    T copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(copy).isEqualTo(message).isNotSameAs(message);
    assertThat(serializer.copy(message)).isEqualTo(message);
  }
}
