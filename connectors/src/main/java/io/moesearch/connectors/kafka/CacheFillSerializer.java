package io.moesearch.connectors.kafka;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.FillSigner;
import io.moesearch.connectors.message.MessageJson;
import java.io.Serial;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Key = normalised query text (UTF-8), value = fill JSON, header {@value FillSigner#HEADER} = the
 * value's authentication tag, record timestamp = the fill's time.
 */
final class CacheFillSerializer implements KafkaRecordSerializationSchema<CacheFill> {
  @Serial private static final long serialVersionUID = 1L;

  private final String topic;
  private final MessageJson json = new MessageJson();

  private final FillSigner signer;

  CacheFillSerializer(String topic, FillSigner signer) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic must be set");
    }
    if (signer == null) {
      throw new IllegalArgumentException("a fill signer is required");
    }
    this.topic = topic;
    this.signer = signer;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      CacheFill fill, KafkaSinkContext context, Long timestamp) {
    byte[] value = json.encodeCacheFill(fill);
    return new ProducerRecord<>(
        topic,
        null,
        fill.ts() > 0 ? Long.valueOf(fill.ts()) : timestamp,
        fill.recordKey().getBytes(StandardCharsets.UTF_8),
        value,
        List.<Header>of(new RecordHeader(FillSigner.HEADER, signer.sign(value))));
  }
}
