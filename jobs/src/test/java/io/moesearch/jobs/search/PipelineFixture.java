package io.moesearch.jobs.search;

import io.moesearch.connectors.message.Filters;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.cache.QueryNormalizer;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.rank.HybridRanker;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.core.testing.SmallIndex;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Shared set-up of the pipeline ITCases: a small real index, queries and the expected rankings. */
final class PipelineFixture {
  final Catalog catalog;
  final Path artifactDir;
  final IndexArtifact artifact;

  PipelineFixture(Path root) {
    catalog = SmallIndex.catalogue(400);
    try (EmbeddingModel model = SmallIndex.model()) {
      artifactDir = SmallIndex.build(catalog, model, 8, root);
    }
    artifact = IndexArtifact.load(artifactDir, 384);
  }

  MoeSearchConfig config(Path checkpoints, Map<String, String> more) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("index.path", artifactDir.toString());
    m.put("job.parallelism", "2");
    m.put("job.state-backend", "rocksdb");
    m.put("job.checkpoint-dir", checkpoints.toString());
    m.put("job.checkpoint-interval-ms", "1000");
    m.put("routing.activation", "0.9");
    m.put("routing.max-experts", "4");
    m.put("batch.max-size", "16");
    m.put("cache.fill-key-file", artifactDir.getParent().resolve("cache-fill.key").toString());
    // These tests send bursts and assert exact answers: overload protection would (rightly) cut
    // some of them short on a loaded machine. OverloadITCase turns it on.
    m.put("overload.enabled", "false");
    m.putAll(more);
    return MoeSearchConfig.defaultsWith(m);
  }

  /**
   * {@code n} distinct valid queries: product titles and short generic phrases; every 30th carries
   * a brand filter on {@link #filterBrand()}.
   */
  List<SearchQuery> queries(int n) {
    String[] generic = {
      "usb cable", "black toner", "wireless mouse", "laptop bag", "hdmi adapter", "ink cartridge"
    };
    List<SearchQuery> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String text =
          i % 5 == 4
              ? generic[i % generic.length] + " " + i
              : catalog.get(i % catalog.size()).title();
      Filters filters = i % 30 == 29 ? new Filters(new String[] {filterBrand()}, null, null) : null;
      out.add(new SearchQuery("q-" + i, text, 10, filters, 0, null));
    }
    return out;
  }

  /** A brand with a handful of products in the small catalogue (about 1%). */
  String filterBrand() {
    Map<String, Long> byBrand =
        catalog.products().stream()
            .collect(Collectors.groupingBy(p -> p.brand(), Collectors.counting()));
    return byBrand.entrySet().stream()
        .filter(e -> !e.getKey().isBlank() && e.getValue() >= 3 && e.getValue() <= 8)
        .map(Map.Entry::getKey)
        .sorted()
        .findFirst()
        .orElseThrow();
  }

  long productsOf(String brand) {
    return catalog.products().stream().filter(p -> p.brand().equals(brand)).count();
  }

  String brandOf(String productId) {
    return catalog.get(catalog.ordinalsById().get(productId)).brand();
  }

  /** Thirty malformed payloads of several kinds. */
  static List<byte[]> malformed() {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      out.add(
          ("{\"query_id\": \"bad-" + i + "\", \"text\": ")
              .getBytes(StandardCharsets.UTF_8)); // truncated JSON
      out.add(
          ("{\"text\": \"no id " + i + "\"}").getBytes(StandardCharsets.UTF_8)); // missing query_id
      out.add(
          ("{\"query_id\": \"k" + i + "\", \"text\": \"x\", \"top_k\": 500}")
              .getBytes(StandardCharsets.UTF_8)); // top_k range
      out.add(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) i}); // invalid UTF-8
      out.add(
          ("{\"query_id\": \"big" + i + "\", \"text\": \"" + "x".repeat(20_000) + "\"}")
              .getBytes(StandardCharsets.UTF_8)); // oversized
    }
    return out;
  }

  private static final AtomicInteger ASKED = new AtomicInteger();

  /** Asks {@code text} until a result satisfies {@code ok} (or 90 s pass); returns the last. */
  static SearchResult askUntil(
      EmbeddedPipeline pipeline,
      EmbeddedPipeline.Consumer<SearchResult> rc,
      String text,
      Filters filters,
      Predicate<SearchResult> ok)
      throws Exception {
    SearchResult last = null;
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      String id = "live-q-" + ASKED.incrementAndGet();
      SearchQuery q = new SearchQuery(id, text, 10, filters, 0, null);
      pipeline.send(id, PipelineFixture.encode(q));
      pipeline.flush();
      long wait = System.currentTimeMillis() + 20_000;
      SearchResult mine = null;
      while (mine == null && System.currentTimeMillis() < wait) {
        for (var r : rc.poll(Duration.ofMillis(100))) {
          if (r.value().queryId().equals(id)) {
            mine = r.value();
          }
        }
      }
      if (mine != null) {
        last = mine;
        if (ok.test(mine)) {
          return mine;
        }
      }
      Thread.sleep(200);
    }
    return last;
  }

  /** A result's product ids, best first ({@code null}: none). */
  static List<String> ids(SearchResult r) {
    return r == null ? List.of() : Arrays.stream(r.items()).map(RankedItem::productId).toList();
  }

  /** A result's item of {@code id}, or {@code null}. */
  static RankedItem item(SearchResult r, String id) {
    return Arrays.stream(r.items()).filter(i -> i.productId().equals(id)).findFirst().orElse(null);
  }

  static byte[] encode(SearchQuery q) {
    return new MessageJson().encodeQuery(q);
  }

  /**
   * What the core returns for each unfiltered query (top-10 product ids): the hybrid ranker when
   * the config ranks hybrid, else the dense retriever.
   */
  Map<String, List<String>> expected(List<SearchQuery> queries, MoeSearchConfig config) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<ExpertIndex> experts = artifact.openExperts();
    var ranking = config.ranking();
    try (EmbeddingModel model = EmbeddingModel.load(config.embedder());
        Embedder embedder = model.newEmbedder();
        ExpertIndex lexical = artifact.openLexical()) {
      Retriever r = Retriever.serving(artifact, experts, config.loadAwareRouting());
      HybridRanker hybrid = new HybridRanker();
      for (SearchQuery q : queries) {
        if (q.filters() != null) {
          continue; // filtered queries are checked by their brand and count instead
        }
        // What is served: the text in its normal form.
        String text = QueryNormalizer.normalize(q.text());
        float[] v = embedder.embed(text);
        out.put(
            q.queryId(),
            ranking.hybrid()
                ? hybrid
                    .search(
                        r,
                        lexical,
                        artifact.vectors(),
                        text,
                        v,
                        q.topK(),
                        null,
                        ranking.fusion(),
                        ranking.denseDepth(),
                        ranking.lexicalDepth())
                    .stream()
                    .map(HybridRanker.Scored::productId)
                    .toList()
                : r.search(v, q.topK()).items().stream().map(Candidate::productId).toList());
      }
    } finally {
      experts.forEach(ExpertIndex::close);
    }
    return out;
  }
}
