package io.moesearch.connectors.kafka;

import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.MessageJson;
import java.io.Serial;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** No key, value = dead-letter JSON, record timestamp = dead-letter {@code ts}. */
final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  @Serial private static final long serialVersionUID = 1L;

  private final String topic;
  private final MessageJson json = new MessageJson();

  DeadLetterSerializer(String topic) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic must be set");
    }
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter deadLetter, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        deadLetter.ts() > 0 ? Long.valueOf(deadLetter.ts()) : timestamp,
        null,
        json.encodeDeadLetter(deadLetter));
  }
}
