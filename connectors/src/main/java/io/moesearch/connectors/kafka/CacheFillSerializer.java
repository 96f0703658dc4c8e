package io.moesearch.connectors.kafka;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.MessageJson;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Key = normalised query text (UTF-8), value = fill JSON, record timestamp = the fill's time. */
final class CacheFillSerializer implements KafkaRecordSerializationSchema<CacheFill> {
  @Serial private static final long serialVersionUID = 1L;

  private final String topic;
  private final MessageJson json = new MessageJson();

  CacheFillSerializer(String topic) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic must be set");
    }
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      CacheFill fill, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        fill.ts() > 0 ? Long.valueOf(fill.ts()) : timestamp,
        fill.recordKey().getBytes(StandardCharsets.UTF_8),
        json.encodeCacheFill(fill));
  }
}
