package io.moesearch.operators;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.index.Analyzers;
import io.moesearch.core.index.LexicalStatistics;
import io.moesearch.core.index.ProductDocuments;
import io.moesearch.core.live.UpsertSignature;
import io.moesearch.core.rank.EntryCut;
import io.moesearch.core.rank.LinearFusion;
import io.moesearch.core.testing.SmallIndex;
import io.moesearch.state.CachedResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Test fixture: a cache's coherence state after a shop's catalogue feed, {@code n} upserts of real
 * Icecat products (the first {@value #BASE} products are the artifact whose BM25 statistics sign
 * them), all applied after a cached answer was computed, and the answer itself. The embedding is a
 * hashed bag of words (384 dimensions, unit length): products sharing words are close, as with the
 * real model, at none of its cost.
 */
final class UpsertFlood {
  static final String VERSION = "idx-1";
  static final int BASE = 4_000;
  static final int DIM = 384;
  static final int EXPERTS = 8;

  /** The served fusion weights (conf/moe-search.yaml, ranking.weights). */
  static final LinearFusion SERVED =
      new LinearFusion(
          new double[] {
            0.006092, 0.03289, -0.007817, 0.02931, 0.04186, 0.03332, 0.4889, -0.01749, -0.03341,
            0.06707, 0.1167, 0.004634, -0.01884, -0.02013, 0.0305, -0.01779, -0.03, 0.03
          });

  static final CacheSettings SETTINGS =
      new CacheSettings(1000, 600_000, 3_600_000, 604_800_000, 50);

  final List<Product> artifact;
  final List<Product> feed;
  final LexicalStatistics statistics;
  final Map<String, Map<?, ?>> states = new HashMap<>();

  private static List<Product> all;

  UpsertFlood(int n) throws Exception {
    if (all == null) {
      all = SmallIndex.catalogue(BASE + 12_000).products();
    }
    artifact = all.subList(0, BASE);
    feed = all.subList(BASE, BASE + n);
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.forIndexing()))) {
      for (int i = 0; i < artifact.size(); i++) {
        w.addDocument(ProductDocuments.toDocument(i, artifact.get(i), null));
      }
    }
    DirectoryReader reader = DirectoryReader.open(dir);
    statistics = new LexicalStatistics(reader);
  }

  /** A hashed bag-of-words embedding of {@code text}. */
  static float[] embed(String text) {
    float[] v = new float[DIM];
    for (String w : text.toLowerCase().split("[^a-z0-9]+")) {
      if (!w.isEmpty()) {
        int h = w.hashCode();
        v[Math.floorMod(h, DIM)] += 1;
        v[Math.floorMod(h * 31 + 7, DIM)] += 0.5f;
      }
    }
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    if (n == 0) {
      v[0] = 1;
      return v;
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }

  /** The expert a product joins: by its first title word, as a clustering would group them. */
  static int expertOf(Product p) {
    String first = p.title().toLowerCase().split("[^a-z0-9]+")[0];
    return Math.floorMod(first.hashCode(), EXPERTS);
  }

  /** The signature {@code apply-catalog-updates} would broadcast for feed product {@code i}. */
  UpsertSignature signature(int i, long at, int[] experts) {
    Product p = feed.get(i);
    return UpsertSignature.of(at, experts, embed(p.title()), p, statistics, VERSION);
  }

  /** Records the feed, product {@code i} applied at {@code first + i * spacing / 1000}. */
  void record(CatalogCoherence coherence, long first, int spacingMicros, boolean intoAnswerExperts)
      throws Exception {
    for (int i = 0; i < feed.size(); i++) {
      long at = first + (long) i * spacingMicros / 1000;
      int[] experts = intoAnswerExperts ? new int[] {0} : new int[] {expertOf(feed.get(i))};
      coherence.record(
          new CatalogChange(feed.get(i).id(), at, signature(i, at, experts), null), this::writable);
    }
  }

  /** The feed's BM25 scores of {@code query}'s terms, highest first, over the artifact. */
  float[] artifactScores(String query) {
    int[] q = UpsertSignature.queryTerms(query);
    float[] s = new float[artifact.size()];
    for (int i = 0; i < artifact.size(); i++) {
      Product p = artifact.get(i);
      s[i] =
          (float)
              UpsertSignature.of(0, new int[] {0}, new float[] {1}, p, statistics, VERSION)
                  .lexicalScore(q);
    }
    Arrays.sort(s);
    for (int i = 0, j = s.length - 1; i < j; i++, j--) {
      float t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
    return s;
  }

  /**
   * A cached hybrid answer to {@code query} computed at {@code at}, searching experts 0 and 1, its
   * lexical floor the artifact's 100th BM25 score for it, its dense floor {@code denseFloor}, and
   * an entry cut no new product below its bars reaches ({@code kth} high).
   */
  CachedResult answer(String query, long at, float denseFloor, float kth) {
    float[] scores = artifactScores(query);
    float top = Math.max(scores[0], 1e-3f);
    float floor = Math.max(scores[99], 1e-3f);
    RankedItem[] items = new RankedItem[10];
    for (int i = 0; i < 10; i++) {
      items[i] =
          new RankedItem(artifact.get(i).id(), artifact.get(i).title(), 1f, null, null, null);
    }
    return new CachedResult(
        VERSION,
        items,
        new int[] {0, 1},
        at,
        denseFloor,
        floor,
        new EntryCut(0.1f, top, top, 9, kth, 1f, 9));
  }

  CatalogCoherence coherence() {
    return new CatalogCoherence(
        SETTINGS, UpsertSignature::queryTerms, SERVED, new UnregisteredMetricsGroup());
  }

  CatalogCoherence.Views views() {
    return CatalogCoherence.views(this::readOnly);
  }

  @SuppressWarnings("unchecked")
  private <K, V> MapState<K, V> state(MapStateDescriptor<K, V> d) {
    return new MapState<>((Map<K, V>) states.computeIfAbsent(d.getName(), k -> new HashMap<>()));
  }

  <K, V> BroadcastState<K, V> writable(MapStateDescriptor<K, V> d) {
    return state(d);
  }

  <K, V> ReadOnlyBroadcastState<K, V> readOnly(MapStateDescriptor<K, V> d) {
    return state(d);
  }

  /** Broadcast state on a hash map, as the heap backend keeps it. */
  private record MapState<K, V>(Map<K, V> map) implements BroadcastState<K, V> {
    @Override
    public void put(K key, V value) {
      map.put(key, value);
    }

    @Override
    public void putAll(Map<K, V> m) {
      map.putAll(m);
    }

    @Override
    public void remove(K key) {
      map.remove(key);
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() {
      return map.entrySet().iterator();
    }

    @Override
    public Iterable<Map.Entry<K, V>> entries() {
      return new ArrayList<>(map.entrySet());
    }

    @Override
    public V get(K key) {
      return map.get(key);
    }

    @Override
    public boolean contains(K key) {
      return map.containsKey(key);
    }

    @Override
    public Iterable<Map.Entry<K, V>> immutableEntries() {
      return java.util.Collections.unmodifiableMap(map).entrySet();
    }

    @Override
    public void clear() {
      map.clear();
    }
  }
}
