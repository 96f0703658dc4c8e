package io.moesearch.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CacheCoreTest {

  record Entry(String version, String value) implements Versioned {}

  @Test
  void normalisesCaseSpaceAndUnicodeForms() {
    assertThat(QueryNormalizer.normalize("  Sony\t\tWH-1000XM4  ")).isEqualTo("sony wh-1000xm4");
    // NFKC: full-width letters and the "ﬁ" ligature fold to plain ASCII.
    assertThat(QueryNormalizer.normalize("ＵＳＢ ﬁber")).isEqualTo("usb fiber");
    assertThat(QueryNormalizer.normalize("Café"))
        .isEqualTo(QueryNormalizer.normalize("Cafe\u0301"));
    assertThatThrownBy(() -> QueryNormalizer.normalize(null)).hasMessageContaining("null");
  }

  @Test
  void keysSeparateVariantsOfOneText() {
    CacheKey a = CacheKey.of("USB  Cable", 10, "");
    CacheKey b = CacheKey.of("usb cable", 10, "");
    CacheKey c = CacheKey.of("usb cable", 5, "");
    CacheKey d = CacheKey.of("usb cable", 10, "b=anker");
    assertThat(a).isEqualTo(b);
    assertThat(a.full()).isEqualTo(b.full());
    assertThat(a.text()).isEqualTo(c.text()).isEqualTo(d.text());
    assertThat(Set.of(a.full(), c.full(), d.full())).hasSize(3);
    assertThat(d.variant()).isEqualTo("10|b=anker");
    assertThatThrownBy(() -> CacheKey.of("   ", 10, "")).hasMessageContaining("non-blank");
    assertThatThrownBy(() -> CacheKey.of("x", 0, "")).hasMessageContaining("top_k");
  }

  @Test
  void heapCacheNeverServesAnotherVersion() {
    HeapCache<Entry> cache = new HeapCache<>(100, 1 << 20, Duration.ofMinutes(1), e -> 64);
    cache.put("k", new Entry("v1", "old"));
    assertThat(cache.get("k", "v1").value()).isEqualTo("old");
    assertThat(cache.get("k", "v2")).isNull();
    // The stale entry is gone, even for its own version.
    assertThat(cache.get("k", "v1")).isNull();
  }

  @Test
  void aReplacedEntryKeepsItsExpiryAndAPutOneStartsAfresh() {
    AtomicLong nanos = new AtomicLong();
    HeapCache<Entry> cache =
        new HeapCache<>(100, 1 << 20, Duration.ofSeconds(10), e -> 64, nanos::get);
    cache.put("replaced", new Entry("v", "computed"));
    cache.put("put", new Entry("v", "computed"));
    // Re-dated every 3 s, as a hot answer is while the catalogue changes: it still expires 10 s
    // after it was put.
    for (int s = 3; s <= 9; s += 3) {
      nanos.set(TimeUnit.SECONDS.toNanos(s));
      cache.replace("replaced", new Entry("v", "re-dated at " + s));
      cache.put("put", new Entry("v", "put at " + s));
    }
    nanos.set(TimeUnit.SECONDS.toNanos(9) + 1);
    assertThat(cache.get("replaced", "v").value()).isEqualTo("re-dated at 9");
    nanos.set(TimeUnit.SECONDS.toNanos(10) + 1);
    assertThat(cache.get("replaced", "v")).isNull();
    assertThat(cache.get("put", "v").value()).isEqualTo("put at 9");
    // Replacing adds nothing that is not there.
    cache.replace("absent", new Entry("v", "x"));
    assertThat(cache.get("absent", "v")).isNull();
  }

  @Test
  void heapCacheIsBounded() {
    HeapCache<Entry> cache = new HeapCache<>(10, 1 << 20, Duration.ofMinutes(1), e -> 64);
    for (int i = 0; i < 1000; i++) {
      cache.put("k" + i, new Entry("v", "x"));
    }
    // Caffeine evicts asynchronously: run its maintenance first so the count does not race it.
    cache.cleanUp();
    int present = 0;
    for (int i = 0; i < 1000; i++) {
      present += cache.get("k" + i, "v") == null ? 0 : 1;
    }
    assertThat(present).isLessThanOrEqualTo(20);
    assertThatThrownBy(() -> new HeapCache<Entry>(0, 1 << 20, Duration.ofMinutes(1), e -> 64))
        .hasMessageContaining("maxEntries");
    assertThatThrownBy(() -> new HeapCache<Entry>(1, 1 << 20, Duration.ZERO, e -> 64))
        .hasMessageContaining("ttl must be > 0");
    assertThatThrownBy(() -> new HeapCache<Entry>(1, 0, Duration.ofMinutes(1), e -> 64))
        .hasMessageContaining("maxBytes");
  }

  /**
   * The entry bound holds whatever the byte bound: with 2^50 bytes over 10 entries each entry's
   * least weight exceeds an int (it was clipped, and about 2^19 entries were kept).
   */
  @Test
  void theEntryBoundHoldsUnderAByteBoundBeyondIntWeights() {
    HeapCache<Entry> cache = new HeapCache<>(10, 1L << 50, Duration.ofMinutes(1), e -> 64);
    for (int i = 0; i < 10_000; i++) {
      cache.put("k" + i, new Entry("v", "x"));
    }
    cache.cleanUp();
    assertThat(cache.size()).isLessThanOrEqualTo(20);
  }

  /**
   * Large values are bounded by their estimated bytes long before the entry count: 1,000 values of
   * about 100 kB under a 1 MB bound leave at most about ten, while small values fill the count.
   */
  @Test
  void heapCacheIsBoundedByBytesAsWellAsByCount() {
    HeapCache<Entry> cache =
        new HeapCache<>(10_000, 1_000_000, Duration.ofMinutes(1), e -> 2L * e.value().length());
    String big = "x".repeat(50_000);
    for (int i = 0; i < 1000; i++) {
      cache.put("k" + i, new Entry("v", big));
    }
    cache.cleanUp();
    int present = 0;
    for (int i = 0; i < 1000; i++) {
      present += cache.get("k" + i, "v") == null ? 0 : 1;
    }
    assertThat(present).isBetween(1, 10);

    HeapCache<Entry> small =
        new HeapCache<>(100, 1_000_000, Duration.ofMinutes(1), e -> 2L * e.value().length());
    for (int i = 0; i < 1000; i++) {
      small.put("k" + i, new Entry("v", "x"));
    }
    small.cleanUp();
    assertThat(small.size()).isLessThanOrEqualTo(100).isGreaterThan(50);
  }
}
