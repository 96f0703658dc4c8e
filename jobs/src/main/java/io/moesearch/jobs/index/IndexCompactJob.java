package io.moesearch.jobs.index;

import io.moesearch.connectors.kafka.KafkaIO;
import io.moesearch.connectors.kafka.KafkaSettings;
import io.moesearch.connectors.message.CatalogUpdate;
import io.moesearch.connectors.message.CatalogUpdateCodec;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.artifact.IndexCompaction;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.live.CatalogChanges;
import io.moesearch.core.live.CatalogFold;
import io.moesearch.jobs.config.IndexOptions;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;

/**
 * {@code index compact}: folds the live catalogue's updates into a new artifact version, as Flink
 * batch jobs around a client-side fold.
 *
 * <ol>
 *   <li>a bounded Flink job reads the catalogue-update topic from where the base version's
 *       compaction ended (a built base: the beginning) to the topic's current end offsets;
 *   <li>the client folds the updates, per partition in offset order, into the base's catalogue by
 *       the running job's rule ({@link CatalogFold}) and writes the shared files with the base's
 *       gate, settings and layout, embedding only new or re-worded products ({@link
 *       IndexCompaction});
 *   <li>a Flink job writes one HNSW index per expert, keyed by expert;
 *   <li>the manifest (with the compaction's provenance and end offsets) is written last and the
 *       version marked {@code LATEST}, so a running job that follows the index root swaps it in and
 *       drops the delta entries it folded.
 * </ol>
 *
 * The base is {@code LATEST} under {@code index.root}; its catalogue is the copy it holds ({@link
 * IndexCompaction#baseCatalogue}).
 */
public final class IndexCompactJob {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /**
   * What a compaction produced.
   *
   * @param artifact the new version's directory
   * @param manifest its manifest
   * @param rejected updates that did not parse (they are dead letters of the running job too)
   */
  public record Result(Path artifact, Manifest manifest, int rejected) {}

  private final MoeSearchConfig config;
  private final Consumer<String> log;

  public IndexCompactJob(MoeSearchConfig config, Consumer<String> log) {
    this.config = config;
    this.log = log;
  }

  public Result run(StreamExecutionEnvironment env) throws Exception {
    long t0 = System.nanoTime();
    Path root = config.indexRoot().toAbsolutePath();
    IndexArtifact base = IndexArtifact.load(root, 0).requireModel(config.embedder().modelId());
    KafkaSettings kafka = config.kafka();
    Manifest.Compaction previous = base.manifest().compaction();
    long offsetsReadAt = System.currentTimeMillis(); // before: an update appended now is later
    Map<Integer, Long> to = KafkaIO.catalogEndOffsets(kafka, ADMIN_TIMEOUT);
    Map<Integer, Long> from =
        startOffsets(
            previous != null && previous.topic().equals(kafka.catalogTopic())
                ? previous.endOffsets()
                : Map.of(),
            to,
            p ->
                log.accept(
                    "warning: "
                        + kafka.catalogTopic()
                        + " partition "
                        + p
                        + " ends before the offset the base version folded up to, or is gone"
                        + " (the topic was re-created or lost records): read from its beginning"));
    log.accept(
        "base "
            + base.version()
            + "; reading "
            + kafka.catalogTopic()
            + " from "
            + (from.isEmpty() ? "the beginning" : from)
            + " to "
            + to);

    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    List<RawMessage> records = new ArrayList<>();
    try (CloseableIterator<RawMessage> it =
        env.fromSource(
                KafkaIO.catalogSnapshotSource(kafka, from, to),
                WatermarkStrategy.noWatermarks(),
                "catalog-updates")
            .uid("catalog-updates")
            .executeAndCollect(config.get(JobOptions.NAME) + "-index-compact-read")) {
      it.forEachRemaining(records::add);
    }
    // One product's updates share a partition (key = product id): offset order is the job's order.
    records.sort(
        Comparator.comparingInt(RawMessage::partition).thenComparingLong(RawMessage::offset));
    long t1 = System.nanoTime();

    List<Product> baseProducts = IndexCompaction.baseCatalogue(base);
    CatalogFold fold = IndexCompaction.foldOver(base, baseProducts);
    CatalogUpdateCodec codec = CatalogUpdateCodec.withDefaults();
    int rejected = 0;
    for (RawMessage r : records) {
      if (codec.parse(r, System.currentTimeMillis())
          instanceof CatalogUpdateCodec.Outcome.Accepted accepted) {
        CatalogUpdate u = accepted.update();
        switch (u.op()) {
          case UPSERT -> fold.upsert(u.product(), u.inStock(), u.ts());
          case PATCH -> fold.patch(u.productId(), u.price(), u.inStock(), u.ts());
          case DELETE -> fold.delete(u.productId(), u.ts());
        }
      } else {
        rejected++;
      }
    }
    int applied = fold.count(CatalogChanges.Outcome.APPLIED);
    log.accept(
        String.format(
            "%d updates read, %d applied, %d stale, %d unknown, %d of deleted products, %d"
                + " malformed",
            records.size(),
            applied,
            fold.count(CatalogChanges.Outcome.STALE),
            fold.count(CatalogChanges.Outcome.UNKNOWN),
            fold.count(CatalogChanges.Outcome.DELETED),
            rejected));

    IndexCompaction.Prepared p;
    int batch = config.get(IndexOptions.EMBED_BATCH_SIZE);
    try (EmbeddingModel model = EmbeddingModel.load(config.embedder());
        Embedder embedder = model.newEmbedder()) {
      p = IndexCompaction.prepare(base, baseProducts, fold, embedder, root, batch);
    }
    // A failure before the manifest leaves no partial version directory behind.
    Manifest m;
    long t2 = System.nanoTime();
    long t3;
    try {
      log.accept(
          String.format(
              "%d products, %d embedded anew; shared files written in %.1f s",
              p.vectors().size(), p.embedded(), (t2 - t1) / 1e9));

      int experts = p.members().length;
      env.fromData(IntStream.range(0, experts).boxed().toList())
          .name("experts")
          .keyBy(e -> e)
          .map(new WriteExpertIndex(p.dir().toString(), p.settings()))
          .setParallelism(config.get(IndexOptions.PARALLELISM))
          .name("write-expert-index")
          .uid("write-expert-index")
          .sinkTo(new DiscardingSink<>())
          .name("written");
      env.execute(config.get(JobOptions.NAME) + "-index-compact-experts");
      List<Manifest.ExpertInfo> infos = new ArrayList<>();
      for (int e = 0; e < experts; e++) {
        infos.add(IndexBuilder.expertInfo(p.dir(), e, p.members()[e].length));
      }
      t3 = System.nanoTime();
      Map<String, Double> seconds = new LinkedHashMap<>();
      seconds.put("read", (t1 - t0) / 1e9);
      seconds.put("fold_embed_and_shared", (t2 - t1) / 1e9);
      seconds.put("expert_indexes", (t3 - t2) / 1e9);
      seconds.put("total", (t3 - t0) / 1e9);
      Manifest.Compaction compaction =
          new Manifest.Compaction(
              base.version(),
              IndexCompaction.lineage(base),
              kafka.catalogTopic(),
              Map.copyOf(mergeOffsets(from, to)),
              records.size(),
              applied,
              fold.productsChanged(),
              p.embedded(),
              offsetsReadAt);
      m = IndexCompaction.finish(p, base, root, infos, compaction, seconds);
    } catch (Exception e) {
      IndexCompaction.removeAfterFailure(p.dir(), e);
      throw e;
    }
    log.accept(
        String.format(
            "index %s (compacted from %s) written to %s in %.1f s",
            p.version(), base.version(), p.dir(), (t3 - t0) / 1e9));
    return new Result(p.dir(), m, rejected);
  }

  /**
   * Where each partition is read from: the offset after the last update the base version folded
   * ({@code folded}), or the beginning (absent) for a partition it did not read or whose end is now
   * before that offset. A partition's end never moves back on one topic, so there it was re-created
   * (or lost records): every update on it is new to the base, and starting at the old offset would
   * skip as many of them without a word. A partition the topic no longer has ({@code end} holds
   * every partition it has) is dropped and told too: kept, the end offsets written with the new
   * version ({@code mergeOffsets}) would carry its old offset on, and a partition of that number
   * added later would be read from there.
   *
   * @param backwards told each such partition
   */
  static Map<Integer, Long> startOffsets(
      Map<Integer, Long> folded, Map<Integer, Long> end, IntConsumer backwards) {
    Map<Integer, Long> out = new LinkedHashMap<>();
    folded.forEach(
        (p, offset) -> {
          Long now = end.get(p);
          if (now == null || now < offset) {
            backwards.accept(p);
          } else {
            out.put(p, offset);
          }
        });
    return out;
  }

  /** Every partition's end offset: the new ones, and the old ones of partitions read no further. */
  private static Map<Integer, Long> mergeOffsets(Map<Integer, Long> from, Map<Integer, Long> to) {
    Map<Integer, Long> out = new LinkedHashMap<>(from);
    out.putAll(to);
    return out;
  }
}
