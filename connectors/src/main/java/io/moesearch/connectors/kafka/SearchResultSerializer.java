package io.moesearch.connectors.kafka;

import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.SearchResult;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Key = query id (UTF-8), value = result JSON, record timestamp = {@code tsOut}. */
final class SearchResultSerializer implements KafkaRecordSerializationSchema<SearchResult> {
  @Serial private static final long serialVersionUID = 1L;

  private final String topic;
  private final MessageJson json = new MessageJson();

  SearchResultSerializer(String topic) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic must be set");
    }
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      SearchResult result, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        result.tsOut() > 0 ? Long.valueOf(result.tsOut()) : timestamp,
        result.queryId().getBytes(StandardCharsets.UTF_8),
        json.encodeResult(result));
  }
}
