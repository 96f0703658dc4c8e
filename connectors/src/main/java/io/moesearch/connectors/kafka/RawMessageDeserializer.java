package io.moesearch.connectors.kafka;

import io.moesearch.connectors.message.FillSigner;
import io.moesearch.connectors.message.RawMessage;
import java.io.Serial;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Wraps every consumer record into a {@link RawMessage} without interpreting it; never throws. */
final class RawMessageDeserializer implements KafkaRecordDeserializationSchema<RawMessage> {
  @Serial private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawMessage> out) {
    Header signature = record.headers().lastHeader(FillSigner.HEADER);
    out.collect(
        new RawMessage(
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp(),
            record.key(),
            record.value(),
            signature == null ? null : signature.value()));
  }

  @Override
  public TypeInformation<RawMessage> getProducedType() {
    return TypeInformation.of(RawMessage.class);
  }
}
