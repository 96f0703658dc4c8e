package io.moesearch.jobs.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.FillSigner;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.testing.TextVariants;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.jobs.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No record on any input topic can fail a task or poison another user's answer, on a real broker
 * and MiniCluster with no restarts allowed (a task failure fails the job): a poison record of every
 * kind found so far goes into the query topic and the cache-fill topic between valid queries; each
 * becomes one dead letter with a reason and a bounded size, every valid query before and after is
 * answered exactly once, and queries with equal normal forms get identical answers whichever
 * spelling arrives first.
 */
class PoisonITCase {
  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.twoSlots();

  @TempDir static Path root;
  static PipelineFixture fixture;

  @BeforeAll
  static void index() {
    fixture = new PipelineFixture(root.resolve("index"));
  }

  /** Query-topic payloads that must each become one dead letter. */
  private static List<byte[]> poisonQueries() {
    List<String> json = new ArrayList<>();
    // Texts that are blank only after normalisation (they used to fail the parse task).
    for (String s : List.of("\\u00a0", "\\u202f", "\\u2007", "\\u200b", "\\u00ad", "\\ufeff")) {
      json.add("{\"query_id\":\"p\",\"text\":\"" + s + "\"}");
    }
    // Unpaired surrogates: no UTF-8 form for the Kafka key or the result.
    json.add("{\"query_id\":\"p\\ud800\",\"text\":\"mouse\"}");
    json.add("{\"query_id\":\"p\",\"text\":\"mouse\\udc00\"}");
    json.add("{\"query_id\":\"p\",\"text\":\"mouse\",\"filters\":{\"brands\":[\"\\ud83d\"]}}");
    json.add("{\"query_id\":\"p\",\"text\":\"mouse\",\"filters\":{\"\\ud800\":1}}");
    json.add("{\"query_id\":\"p\",\"text\":\"mouse\",\"filters\":{\"price_max\":1e309}}");
    json.add("{\"query_id\":\"p\",\"text\":\"mouse\",\"top_k\":1e400}");
    json.add("[".repeat(5000) + "]".repeat(5000));
    json.add("{\"query_id\":\"p\",\"text\":\"" + "\\u0000".repeat(3000) + "\"}");
    json.add("{\"query_id\":\"p\",\"query_id\":\"q\",\"text\":\"mouse\"}");
    List<byte[]> out = new ArrayList<>();
    json.forEach(s -> out.add(s.getBytes(StandardCharsets.UTF_8)));
    out.add(null); // tombstone
    out.add(new byte[0]);
    out.add(("{\"query_id\":\"big\",\"text\":\"" + "\u0001".repeat(200_000) + "\"}").getBytes());
    byte[] binary = new byte[50_000];
    new Random(5).nextBytes(binary);
    out.add(binary);
    out.addAll(PipelineFixture.malformed().subList(0, 5));
    return out;
  }

  private static ProducerRecord<byte[], byte[]> fill(
      MoeSearchConfig config, byte[] value, byte[] tag) {
    var record =
        new ProducerRecord<byte[], byte[]>(
            config.kafka().cacheFillTopic(), "x".getBytes(StandardCharsets.UTF_8), value);
    if (tag != null) {
      record.headers().add(new RecordHeader(FillSigner.HEADER, tag));
    }
    return record;
  }

  /** Cache-fill records that must each become one dead letter and never be served. */
  private static List<ProducerRecord<byte[], byte[]>> poisonFills(
      MoeSearchConfig config, String forgedText) {
    MessageJson json = new MessageJson();
    FillSigner signer = config.fillSigner();
    FillSigner stranger = new FillSigner(new byte[FillSigner.MIN_KEY_BYTES]);
    RankedItem[] forgedItems = {new RankedItem("forged-1", "<script>x</script>", 99f)};
    // Forged with the version the job serves, so that only the checks under test stop them.
    String served =
        CacheFill.resultVersion(fixture.artifact.version(), config.rankingFingerprint());
    byte[] forged =
        json.encodeCacheFill(
            CacheFill.result(forgedText, 10, "", served, forgedItems, new int[] {0}));
    byte[] shortEmbedding =
        json.encodeCacheFill(CacheFill.embedding(forgedText, "m", new float[] {1f}));
    byte[] huge =
        ("{\"kind\":\"result\",\"text\":\"" + "\u0001".repeat(200_000) + "\"}").getBytes();
    RankedItem[] many = new RankedItem[20];
    for (int i = 0; i < many.length; i++) {
      many[i] = new RankedItem(fixture.catalog.get(i).id(), "t", 1f);
    }
    byte[] tooMany =
        json.encodeCacheFill(CacheFill.result(forgedText, 10, "", served, many, new int[0]));
    return List.of(
        fill(config, forged, null), // unsigned
        fill(config, forged, stranger.sign(forged)), // another key
        fill(config, shortEmbedding, signer.sign(shortEmbedding)), // 1-float embedding
        fill(config, huge, signer.sign(huge)), // 200 kB, invalid
        fill(config, tooMany, signer.sign(tooMany)), // 20 items for top_k 10
        fill(config, "not json".getBytes(), signer.sign("not json".getBytes())),
        fill(config, null, null));
  }

  @Test
  void poisonOnEveryInputTopicIsDeadLetteredAndEveryValidQueryAnsweredOnce(@TempDir Path cp)
      throws Exception {
    MoeSearchConfig config =
        fixture.config(cp, Map.of("kafka.delivery-guarantee", "at-least-once"));
    Configuration flink = SearchJob.flinkConfiguration(config);
    flink.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);

    List<SearchQuery> before = fixture.queries(30).subList(0, 20);
    List<SearchQuery> after = new ArrayList<>();
    for (SearchQuery q : fixture.queries(60).subList(40, 60)) {
      after.add(new SearchQuery("after-" + q.queryId(), q.text(), 10, null, 0, null));
    }
    // A product whose title starts with one huge word of digit groups, which reading its codes
    // for a query naming a part number overflowed the stack with (failing the retrieval task of
    // every such query that scored it), and a query that finds it by BM25 and names one.
    CatalogUpdate hugeTitle =
        CatalogUpdate.upsert(
            new Product("huge-1", "1" + "-1".repeat(8_000) + " zyxwq", "", "", "", null, null),
            null,
            10);
    after.add(new SearchQuery("after-part-number", "zyxwq 11111", 10, null, 0, null));
    // Spellings with one normal form, in both orders: a-i first for even i, b-i first for odd i.
    TextVariants variants = new TextVariants(20261130L);
    List<SearchQuery[]> pairs = new ArrayList<>();
    List<String> words = new ArrayList<>(List.of("logitech m500", "wifi adapter"));
    for (int i = 0; i < 6; i++) {
      words.add(fixture.catalog.get(100 + 37 * i).title());
    }
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      String a = i == 0 ? "ＬＯＧＩＴＥＣＨ　Ｍ５００" : i == 1 ? "wi\ufb01 adapter" : variants.spell(w);
      String b = variants.spell(w);
      assertThat(QueryNormalizer.normalize(a)).isEqualTo(QueryNormalizer.normalize(b));
      SearchQuery qa = new SearchQuery("a-" + i, a, 10, null, 0, null);
      SearchQuery qb = new SearchQuery("b-" + i, b, 10, null, 0, null);
      pairs.add(i % 2 == 0 ? new SearchQuery[] {qa, qb} : new SearchQuery[] {qb, qa});
    }
    // Texts with no content: answered, with no_match when nothing matches, never a failure.
    List<SearchQuery> empty =
        List.of(
            new SearchQuery("e-1", "***", 10, null, 0, null),
            new SearchQuery("e-2", "-", 10, null, 0, null));
    String forgedText = QueryNormalizer.normalize(after.get(0).text());

    List<byte[]> poisonQueries = poisonQueries();
    Map<String, Integer> counts = new HashMap<>();
    Map<String, SearchResult> results = new LinkedHashMap<>();
    List<DeadLetter> dead = new ArrayList<>();
    try (EmbeddedPipeline pipeline =
            EmbeddedPipeline.start(config, env, fixture.artifact, 2, s -> s);
        var rc = pipeline.results(false);
        var dc = pipeline.deadLetters()) {
      Runnable drain =
          () -> {
            for (var r : rc.poll(Duration.ofMillis(200))) {
              counts.merge(r.value().queryId(), 1, Integer::sum);
              results.put(r.value().queryId(), r.value());
            }
            dc.poll(Duration.ofMillis(50)).forEach(d -> dead.add(d.value()));
          };
      List<ProducerRecord<byte[], byte[]>> poisonFills = poisonFills(pipeline.config(), forgedText);
      before.forEach(q -> pipeline.send(q.queryId(), PipelineFixture.encode(q)));
      poisonQueries.forEach(p -> pipeline.send("poison", p));
      poisonFills.forEach(pipeline::send);
      empty.forEach(q -> pipeline.send(q.queryId(), PipelineFixture.encode(q)));
      pipeline.flush();
      for (SearchQuery[] pair : pairs) {
        pipeline.send(pair[0].queryId(), PipelineFixture.encode(pair[0]));
        pipeline.flush();
        long until = System.currentTimeMillis() + 120_000;
        while (!results.containsKey(pair[0].queryId()) && System.currentTimeMillis() < until) {
          drain.run();
        }
        pipeline.send(pair[1].queryId(), PipelineFixture.encode(pair[1]));
      }
      // Once the pairs are answered (their expected answers are the built index's), the product
      // with the huge title goes live: explained probes (never cached) until one finds it.
      pipeline.sendUpdate(hugeTitle);
      int probes = 0;
      boolean live = false;
      long liveBy = System.currentTimeMillis() + 120_000;
      while (!live && System.currentTimeMillis() < liveBy) {
        String id = "probe-" + probes++;
        pipeline.send(
            id, PipelineFixture.encode(new SearchQuery(id, "zyxwq", 10, null, 0, null, true)));
        pipeline.flush();
        while (!results.containsKey(id) && System.currentTimeMillis() < liveBy) {
          drain.run();
        }
        live =
            results.containsKey(id)
                && Arrays.stream(results.get(id).items())
                    .anyMatch(i -> i.productId().equals("huge-1"));
      }
      assertThat(live).as("the product with the huge title is live").isTrue();
      after.forEach(q -> pipeline.send(q.queryId(), PipelineFixture.encode(q)));
      pipeline.flush();

      int answers = before.size() + after.size() + empty.size() + 2 * pairs.size() + probes;
      int deadLetters = poisonQueries.size() + poisonFills.size();
      long deadline = System.currentTimeMillis() + 180_000;
      while (System.currentTimeMillis() < deadline
          && (results.size() < answers || dead.size() < deadLetters)) {
        drain.run();
      }
      for (int i = 0; i < 5; i++) {
        drain.run(); // duplicates would show up now
      }
      assertThat(pipeline.job().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

      assertThat(results).hasSize(answers);
      assertThat(counts).allSatisfy((id, n) -> assertThat(n).as("answers to %s", id).isOne());
      assertThat(dead).hasSize(deadLetters);
      MessageJson json = new MessageJson();
      assertThat(dead)
          .allSatisfy(
              d -> {
                assertThat(d.reason()).isNotBlank();
                assertThat(json.encodeDeadLetter(d).length)
                    .isLessThanOrEqualTo(DeadLetter.MAX_ENCODED_BYTES);
              });
      assertThat(dead)
          .filteredOn(d -> d.topic().equals(pipeline.config().kafka().cacheFillTopic()))
          .hasSize(poisonFills.size());

      Map<String, List<String>> expected =
          fixture.expected(
              pairs.stream().map(p -> p[0]).toList(), config); // the normal form, computed
      for (SearchQuery[] pair : pairs) {
        SearchResult first = results.get(pair[0].queryId());
        SearchResult second = results.get(pair[1].queryId());
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(second.items()).as("%s then %s", pair[0], pair[1]).isEqualTo(first.items());
        assertThat(Arrays.stream(first.items()).map(RankedItem::productId).toList())
            .as("the answer to %s is the normal form's", first.text())
            .containsExactlyElementsOf(expected.get(pair[0].queryId()));
      }
      SearchResult attacked = results.get(after.get(0).queryId());
      assertThat(attacked.items())
          .as("the forged fill was not served")
          .noneMatch(i -> i.productId().startsWith("forged"))
          .hasSizeLessThanOrEqualTo(10);
      for (SearchQuery q : empty) {
        SearchResult r = results.get(q.queryId());
        assertThat(r.noMatch()).as("%s has no match", q.text()).isTrue();
        assertThat(r.items()).isEmpty();
      }
    }
  }
}
