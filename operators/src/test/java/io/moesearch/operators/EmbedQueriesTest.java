package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.embed.SharedEmbeddingModels;
import io.moesearch.core.overload.DegradationLevel;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the async embedding function inside Flink's {@code AsyncWaitOperator} (through the operator
 * test harness) with the real bundled model, and compares against single-text embeddings.
 */
class EmbedQueriesTest {
  private static final long ASYNC_TIMEOUT_MS = 60_000;

  private static EmbeddingModel referenceModel;
  private static Embedder reference;

  @BeforeAll
  static void loadReference() {
    referenceModel = EmbeddingModel.load(EmbedderConfig.bundled());
    reference = referenceModel.newEmbedder();
  }

  @AfterAll
  static void closeReference() {
    reference.close();
    referenceModel.close();
  }

  private static OneInputStreamOperatorTestHarness<AcceptedQuery, EmbeddedQuery> harness(
      EmbedQueries fn, int capacity) throws Exception {
    return harness(fn, capacity, AsyncDataStream.OutputMode.ORDERED);
  }

  private static OneInputStreamOperatorTestHarness<AcceptedQuery, EmbeddedQuery> harness(
      EmbedQueries fn, int capacity, AsyncDataStream.OutputMode mode) throws Exception {
    return harness(fn, capacity, mode, ASYNC_TIMEOUT_MS);
  }

  private static OneInputStreamOperatorTestHarness<AcceptedQuery, EmbeddedQuery> harness(
      EmbedQueries fn, int capacity, AsyncDataStream.OutputMode mode, long timeoutMillis)
      throws Exception {
    return Harnesses.withoutGenericTypes(
        new OneInputStreamOperatorTestHarness<>(
            new AsyncWaitOperatorFactory<>(fn, timeoutMillis, capacity, mode),
            Harnesses.strictSerializer(AcceptedQuery.class)));
  }

  private static SearchQuery query(String id, String text) {
    return new SearchQuery(id, text, 10, null, 0, null);
  }

  private static double dot(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static List<EmbeddedQuery> embedAll(
      OneInputStreamOperatorTestHarness<AcceptedQuery, EmbeddedQuery> h, List<SearchQuery> queries)
      throws Exception {
    for (SearchQuery q : queries) {
      h.processElement(new StreamRecord<>(new AcceptedQuery(q, System.currentTimeMillis())));
    }
    h.endInput(); // waits for every in-flight query
    return h.extractOutputValues();
  }

  /** The search job uses unordered async I/O; ordered mode must give the same embeddings. */
  @ParameterizedTest
  @EnumSource(AsyncDataStream.OutputMode.class)
  void everyQueryGetsItsOwnEmbedding(AsyncDataStream.OutputMode mode) throws Exception {
    List<SearchQuery> queries =
        List.of(
            query("q-1", "usb c cable"),
            query("q-2", "wireless optical mouse with a long battery life"),
            query("q-3", "toner"),
            query("q-4", "27 inch 4k monitor with adjustable stand and hdmi input"),
            query("q-5", "hp laserjet printer"));
    long before = System.currentTimeMillis();
    List<EmbeddedQuery> out;
    try (var h = harness(new EmbedQueries(EmbedderConfig.bundled(), 4, 4, 20), 10, mode)) {
      h.open();
      out = embedAll(h, queries);
    }
    long after = System.currentTimeMillis();

    assertThat(out).hasSize(5);
    if (mode == AsyncDataStream.OutputMode.ORDERED) {
      assertThat(out).extracting(EmbeddedQuery::query).containsExactlyElementsOf(queries);
    } else {
      assertThat(out).extracting(EmbeddedQuery::query).containsExactlyInAnyOrderElementsOf(queries);
    }
    for (EmbeddedQuery e : out) {
      float[] single = reference.embed(e.query().text());
      assertThat(e.vector()).hasSize(referenceModel.dimension());
      assertThat(dot(e.vector(), single))
          .as("embedding of '%s' vs its single-text embedding", e.query().text())
          .isCloseTo(1.0, within(1e-5));
      assertThat(e.tsInMillis()).isBetween(before, after);
      assertThat(e.embedMs()).isNotNegative().isLessThan((double) (after - before) + 1);
    }
    // Distinct texts give distinct vectors: a mix-up between queries would show here.
    assertThat(dot(out.get(0).vector(), reference.embed(out.get(1).query().text())))
        .isLessThan(0.95);
  }

  @Test
  void manyQueriesThroughASmallAsyncBufferAllComeOutOnceAndInOrder() throws Exception {
    List<String> texts =
        List.of(
            "usb c cable", "toner cartridge black", "wireless mouse", "ethernet switch", "ssd 1tb");
    List<SearchQuery> queries = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      queries.add(query("q-" + i, texts.get(i % texts.size())));
    }
    List<EmbeddedQuery> out;
    try (var h = harness(new EmbedQueries(EmbedderConfig.bundled(), 8, 8, 5), 3)) {
      h.open();
      out = embedAll(h, queries);
    }

    assertThat(out).extracting(EmbeddedQuery::query).containsExactlyElementsOf(queries);
    for (EmbeddedQuery e : out) {
      assertThat(dot(e.vector(), reference.embed(e.query().text()))).isCloseTo(1.0, within(1e-5));
    }
  }

  /**
   * Overload: with {@code overload.max-wait-ms} 160 and no model call measured yet (so the estimate
   * is the prior, 10 ms per query ahead), queries arriving while the model is held back get the
   * levels of their wait (4 each of none, fewer_experts, fewer_candidates, fast_path: thresholds
   * 40, 80, 120 ms), and every later one is answered "overloaded" without queueing. The async
   * buffer is sized by {@link EmbedQueries#capacity}: the queries pass through it without its input
   * ever blocking. The batch (64, waiting up to 5 s to fill) holds the model back while the 48
   * queries arrive, so the backlog only grows.
   */
  @Test
  void pastTheBacklogBoundMissesAreDegradedThenAnsweredOverloadedWithoutQueueing()
      throws Exception {
    int maxBatch = 64;
    List<SearchQuery> queries = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      queries.add(query("o-" + i, "usb cable " + i));
    }
    List<EmbeddedQuery> out;
    try (var h =
        harness(
            new EmbedQueries(EmbedderConfig.bundled(), maxBatch, 8, 5_000, 160),
            EmbedQueries.capacity(maxBatch, true),
            AsyncDataStream.OutputMode.ORDERED)) {
      h.open();
      out = embedAll(h, queries);
    }
    assertThat(out).extracting(EmbeddedQuery::query).containsExactlyElementsOf(queries);
    assertThat(countLevels(out))
        .containsEntry(DegradationLevel.NONE, 4L)
        .containsEntry(DegradationLevel.FEWER_EXPERTS, 4L)
        .containsEntry(DegradationLevel.FEWER_CANDIDATES, 4L)
        .containsEntry(DegradationLevel.FAST_PATH, 4L)
        .containsEntry(DegradationLevel.OVERLOADED, 32L);
    for (EmbeddedQuery e : out.subList(0, 16)) {
      assertThat(dot(e.vector(), reference.embed(e.query().text()))).isCloseTo(1.0, within(1e-5));
    }
    assertThat(out.subList(16, 48)).allSatisfy(e -> assertThat(e.vector()).isEmpty());
    assertThat(EmbedQueries.capacity(maxBatch, false)).isEqualTo(4 * maxBatch);
    assertThat(EmbedQueries.capacity(maxBatch, true))
        .isGreaterThan(EmbedQueries.HARD_BACKLOG + maxBatch);
  }

  /**
   * Recovery under at-least-once: in the window after a restore every query (replays, backlog,
   * fresh) is queued at full quality however long the queue, so an answer published again equals
   * the first. The same 48 queries of the overload test above are degraded as there when the
   * subtask started afresh or with the window off.
   */
  @Test
  void inTheWindowAfterARestoreNoQueryIsDegraded() throws Exception {
    assertThat(levelsOf(true, 60_000)).containsOnlyKeys(DegradationLevel.NONE);
    Map<DegradationLevel, Long> degraded =
        Map.of(
            DegradationLevel.NONE, 4L,
            DegradationLevel.FEWER_EXPERTS, 4L,
            DegradationLevel.FEWER_CANDIDATES, 4L,
            DegradationLevel.FAST_PATH, 4L,
            DegradationLevel.OVERLOADED, 32L);
    assertThat(levelsOf(false, 60_000)).as("not restored").isEqualTo(degraded);
    assertThat(levelsOf(true, 0)).as("window off").isEqualTo(degraded);
  }

  /**
   * The degradation levels of 48 queries sent while the model is held back (as in the overload test
   * above) to a subtask restored from a snapshot or started afresh.
   */
  private static Map<DegradationLevel, Long> levelsOf(boolean restored, long window)
      throws Exception {
    int maxBatch = 64;
    EmbedQueries fn = new EmbedQueries(EmbedderConfig.bundled(), maxBatch, 8, 5_000, 160, window);
    int capacity = EmbedQueries.capacity(maxBatch, true);
    var mode = AsyncDataStream.OutputMode.ORDERED;
    List<SearchQuery> queries = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      queries.add(query("r-" + i, "usb cable " + i));
    }
    List<EmbeddedQuery> out;
    try (var h = harness(fn, capacity, mode)) {
      if (restored) {
        try (var before =
            harness(
                new EmbedQueries(EmbedderConfig.bundled(), maxBatch, 8, 5_000, 160, window),
                capacity,
                mode)) {
          before.open();
          h.initializeState(before.snapshot(1L, 1L));
        }
      }
      h.open();
      out = embedAll(h, queries);
    }
    assertThat(out).extracting(EmbeddedQuery::query).containsExactlyElementsOf(queries);
    return countLevels(out);
  }

  /** How many of {@code out} each degradation level served. */
  private static Map<DegradationLevel, Long> countLevels(List<EmbeddedQuery> out) {
    Map<DegradationLevel, Long> levels = new EnumMap<>(DegradationLevel.class);
    for (EmbeddedQuery e : out) {
      levels.merge(e.degradation(), 1L, Long::sum);
    }
    return levels;
  }

  /**
   * A query whose async I/O timeout fires while it still waits for the model (here: a batch that
   * waits up to a minute to fill) is answered "overloaded" instead of failing the task, as Flink's
   * default timeout handling would.
   */
  @Test
  void aQueryTimedOutWaitingForTheModelIsAnsweredOverloadedNotAFailedTask() throws Exception {
    try (var h =
        harness(
            new EmbedQueries(EmbedderConfig.bundled(), 8, 8, 60_000),
            10,
            AsyncDataStream.OutputMode.UNORDERED,
            1_000)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(
          new StreamRecord<>(new AcceptedQuery(query("q-1", "toner"), System.currentTimeMillis())));
      assertThat(h.extractOutputValues()).isEmpty();

      h.setProcessingTime(1_001); // the query's timeout fires; the batch is still filling
      h.endInput();

      assertThat(h.extractOutputValues())
          .singleElement()
          .satisfies(
              q -> {
                assertThat(q.query().queryId()).isEqualTo("q-1");
                assertThat(q.isOverloaded()).isTrue();
              });
    }
  }

  @Test
  void closeStopsTheBatcherAndReleasesTheModel() throws Exception {
    EmbedQueries fn;
    var h = harness(new EmbedQueries(EmbedderConfig.bundled(), 4, 4, 5), 10);
    h.open();
    fn = (EmbedQueries) ((AbstractUdfStreamOperator<?, ?>) h.getOperator()).getUserFunction();
    assertThat(embed0Alive()).as("batcher thread while open").isTrue();
    assertThat(embedAll(h, List.of(query("q-1", "toner")))).hasSize(1);
    EmbeddingModel model = ((SharedEmbeddingModels.Lease) field(fn, "model")).model();
    Embedder embedder = (Embedder) field(fn, "embedder");
    try (Embedder control = model.newEmbedder()) {
      assertThat(control.embed("before close")).hasSize(referenceModel.dimension());
    }

    h.close();

    assertThat(embed0Alive()).as("batcher thread after close").isFalse();
    assertThatThrownBy(() -> embedder.embed("after close"))
        .as("embedder released")
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(
            () -> {
              try (Embedder e = model.newEmbedder()) {
                e.embed("after close");
              }
            })
        .as("model released")
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("closed");
  }

  private static boolean embed0Alive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("embed-0") && t.isAlive());
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    Field f = target.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(target);
  }
}
