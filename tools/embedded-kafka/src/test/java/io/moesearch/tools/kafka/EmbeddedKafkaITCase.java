package io.moesearch.tools.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedKafkaITCase {
  private EmbeddedKafka kafka;

  @BeforeAll
  void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void bootstrapServersIsLoopbackWithEphemeralPort() {
    assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    assertThat(port(kafka)).isPositive();
    assertThat(kafka.dataDirectory()).isDirectory();
  }

  @Test
  void plainProducerAndConsumerRoundTrip() {
    String topic = "plain-topic";
    kafka.createTopics(2, topic);
    try (KafkaProducer<String, String> producer = producer(new Properties())) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
      }
      producer.flush();
    }
    List<ConsumerRecord<String, String>> records = consume(topic, "read_uncommitted", 3);
    assertThat(records)
        .extracting(ConsumerRecord::key, ConsumerRecord::value)
        .containsExactlyInAnyOrder(tuple("k0", "v0"), tuple("k1", "v1"), tuple("k2", "v2"));
  }

  @Test
  void committedTransactionIsVisibleToReadCommittedConsumer() {
    String topic = "tx-topic";
    kafka.createTopics(1, topic);
    Properties props = new Properties();
    props.setProperty("transactional.id", "embedded-kafka-it");
    try (KafkaProducer<String, String> producer = producer(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "a", "aborted"));
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "c1", "committed-1"));
      producer.send(new ProducerRecord<>(topic, "c2", "committed-2"));
      producer.commitTransaction();
    }
    List<ConsumerRecord<String, String>> records = consume(topic, "read_committed", 2);
    assertThat(records)
        .extracting(ConsumerRecord::value)
        .containsExactly("committed-1", "committed-2");
  }

  @Test
  void createTopicsRejectsExistingTopicAndBadArguments() {
    kafka.createTopics(1, "dup-topic");
    assertThatThrownBy(() -> kafka.createTopics(1, "dup-topic"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dup-topic");
    assertThatThrownBy(() -> kafka.createTopics(0, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions");
    assertThatThrownBy(() -> kafka.createTopics(1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closeStopsTheBrokerAndDeletesItsData() throws IOException {
    EmbeddedKafka other = EmbeddedKafka.start();
    int port = port(other);
    Path data = other.dataDirectory();
    assertThat(canConnect(port)).isTrue();
    assertThat(data).exists();

    other.close();
    other.close(); // idempotent

    assertThat(canConnect(port)).isFalse();
    assertThat(Files.exists(data)).isFalse();
    assertThatThrownBy(() -> other.createTopics(1, "late"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  private KafkaProducer<String, String> producer(Properties extra) {
    Properties props = kafka.clientProperties();
    props.putAll(extra);
    props.setProperty("acks", "all");
    props.setProperty("delivery.timeout.ms", "30000");
    props.setProperty("request.timeout.ms", "10000");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private List<ConsumerRecord<String, String>> consume(
      String topic, String isolation, int expected) {
    Properties props = kafka.clientProperties();
    props.setProperty("group.id", "it-" + topic);
    props.setProperty("auto.offset.reset", "earliest");
    props.setProperty("isolation.level", isolation);
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // One more short poll: nothing beyond the expected records may show up.
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }

  private static int port(EmbeddedKafka kafka) {
    String servers = kafka.bootstrapServers();
    return Integer.parseInt(servers.substring(servers.lastIndexOf(':') + 1));
  }

  private static boolean canConnect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return true;
    } catch (ConnectException e) {
      return false;
    }
  }
}
