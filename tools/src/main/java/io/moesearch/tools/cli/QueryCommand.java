package io.moesearch.tools.cli;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.kafka.KafkaSettings;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.config.QueryOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Sends one query to a running job's query topic and prints its answer from the result topic: a
 * plain Kafka client (no Flink), for a job started with {@code cluster up} + {@code cluster
 * submit}, docker-compose or any cluster ({@code --set kafka.bootstrap-servers=HOST:PORT}).
 */
@Command(
    name = "query",
    description =
        "Send one query to the running job (kafka.query-topic) and print its answer from"
            + " kafka.result-topic (read_committed). Point it at the job's broker with --set"
            + " kafka.bootstrap-servers=HOST:PORT.")
final class QueryCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "TEXT", description = "The query text.")
  String text;

  @Option(
      names = "--top-k",
      paramLabel = "N",
      defaultValue = "10",
      description = "Items to return (1..100).")
  int topK;

  @Option(names = "--brand", paramLabel = "BRAND", description = "Brand filter (repeatable).")
  List<String> brands;

  @Option(names = "--in-stock", description = "Only products in stock.")
  boolean inStock;

  @Option(names = "--explain", description = "Each item's ranking features and weights.")
  boolean explain;

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      defaultValue = "30000",
      description = "How long to wait for the answer.")
  long timeoutMs;

  @Override
  boolean embedsHere() {
    return false; // the job embeds the query
  }

  @Override
  public Integer call() throws Exception {
    if (timeoutMs < 1 || timeoutMs > 3_600_000) {
      throw new ConfigException(
          "--timeout-ms must be in [1, 3600000] (an hour at most), got " + timeoutMs);
    }
    MoeSearchConfig config = config();
    KafkaSettings kafka = config.kafka();
    Filters filters =
        brands == null && !inStock
            ? null
            : new Filters(
                brands == null ? null : brands.toArray(String[]::new),
                null,
                null,
                inStock ? Boolean.TRUE : null);
    String id = "cli-" + UUID.randomUUID();
    SearchQuery query;
    try {
      query = new SearchQuery(id, text, topK, filters, 0, null, explain);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("query: " + e.getMessage());
    }
    MessageJson json = new MessageJson();
    byte[] message = json.encodeQuery(query);
    // Checked as the job will (its codec, its query.* limits) before the broker is contacted: a
    // message the job dead-letters gets no answer, only the --timeout-ms wait.
    DeadLetter refused =
        config
            .queryCodec()
            .parse(new RawMessage(kafka.queryTopic(), 0, 0, 0, null, message))
            .deadLetterOrNull();
    if (refused != null) {
      throw new ConfigException(
          "the job would refuse this query ("
              + QueryOptions.MAX_CHARS.key()
              + "="
              + config.get(QueryOptions.MAX_CHARS)
              + ", "
              + QueryOptions.MAX_BYTES.key()
              + "="
              + config.get(QueryOptions.MAX_BYTES)
              + "): "
              + refused.reason());
    }
    KafkaIO.requireBroker(kafka, PrewarmCommand.BROKER_TIMEOUT);
    SearchResult result = ask(kafka, query, message, json);
    if (result == null) {
      System.err.println(
          "no answer to " + id + " within " + timeoutMs + " ms on " + kafka.resultTopic());
      return 1;
    }
    print(result);
    if (json() != null) {
      // The result message as the job wrote it.
      Json.writeBytes("--json", json(), json.encodeResult(result));
    }
    return 0;
  }

  /**
   * Positions a read_committed consumer at the end of every result partition, then sends the query,
   * then reads until the answer with its id arrives or the timeout passes ({@code null}).
   */
  private SearchResult ask(KafkaSettings kafka, SearchQuery query, byte[] value, MessageJson json) {
    Properties common = new Properties();
    common.putAll(kafka.clientProperties());
    common.put("bootstrap.servers", kafka.bootstrapServers());
    Properties c = new Properties();
    c.putAll(common);
    c.put("isolation.level", "read_committed");
    c.put("key.deserializer", StringDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    Properties p = new Properties();
    p.putAll(common);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    long deadline = System.currentTimeMillis() + timeoutMs;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(kafka.resultTopic(), Duration.ofMillis(timeoutMs)).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new ConfigException(
            "kafka.result-topic: no topic "
                + kafka.resultTopic()
                + " on "
                + kafka.bootstrapServers());
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // resolve the end now, before the query is sent
      producer.send(new ProducerRecord<>(kafka.queryTopic(), query.queryId(), value));
      producer.flush();
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (query.queryId().equals(r.key())) {
            return json.decodeResult(r.value());
          }
        }
      }
    }
    return null;
  }

  private static void print(SearchResult r) {
    System.out.printf(
        "\"%s\"  experts %d %s  %d ms in job  %s%s%n",
        r.text(),
        r.experts().length,
        Arrays.toString(r.experts()),
        r.tsOut() - r.tsIn(),
        r.cache(),
        SearchResult.NOT_DEGRADED.equals(r.degraded()) ? "" : "  degraded: " + r.degraded());
    RankedItem[] items = r.items();
    if (items.length == 0) {
      System.out.println("    no match");
    }
    for (int i = 0; i < items.length; i++) {
      RankedItem it = items[i];
      System.out.printf(
          "%5d. %.3f  %-10s %9s  %s%n",
          i + 1,
          it.score(),
          it.productId(),
          it.price() == null ? "" : String.format("%.2f", it.price()),
          it.title());
    }
  }
}
