package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.moesearch.core.catalog.Product;
import io.moesearch.core.embed.LengthSortedChunks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * attack64: the text an upsert is embedded by ({@link Product#searchableText}) costs time in the
 * product of the title's and the brand's (and model's) lengths ({@code title.contains(brand)} is a
 * naive substring search): a codec-accepted upsert of 33 KB whose brand and model are 8,192 {@code
 * a}s but one, under a title of 16,384 {@code a}s, takes ~45 ms per call. {@code EmbedProducts}
 * length-sorts a batch by that text ({@link LengthSortedChunks}), recomputing it in every
 * comparison: ~8,000 calls for a batch of 512 upserts of varied lengths, about 6 minutes, far past
 * the 60 s async timeout that fails the task (and again after every restart, on the replay).
 */
class HostileUpsertTextCostTest {
  private static final CatalogUpdateCodec CODEC = CatalogUpdateCodec.withDefaults();

  /** A hostile upsert, accepted by the codec: title of {@code titleChars} a's. */
  static Product hostile(String id, int titleChars) {
    String json =
        "{\"op\":\"upsert\",\"ts\":1,\"product\":{\"id\":\""
            + id
            + "\",\"title\":\""
            + "a".repeat(titleChars)
            + "\",\"brand\":\""
            + "a".repeat(8190)
            + "b"
            + "a"
            + "\",\"model\":\""
            + "a".repeat(8190)
            + "c"
            + "a"
            + "\"}}";
    byte[] value = json.getBytes(StandardCharsets.UTF_8);
    CatalogUpdateCodec.Outcome o =
        CODEC.parse(new RawMessage("cat", 0, 1, 5, id.getBytes(StandardCharsets.UTF_8), value), 5);
    assertThat(o).isInstanceOf(CatalogUpdateCodec.Outcome.Accepted.class);
    assertThat(value.length).isLessThan(CatalogUpdateCodec.DEFAULT_MAX_MESSAGE_BYTES);
    return ((CatalogUpdateCodec.Outcome.Accepted) o).update().product();
  }

  /**
   * The codec accepts such an upsert (so it reaches {@code embed-products}), and its text is the
   * one {@link String#contains} gives; that it is read in linear time: {@code ProductContainsTest}.
   */
  @Test
  void anAcceptedHostileUpsertKeepsItsSearchableText() {
    Product p = hostile("p", 16_384);
    StringBuilder expected = new StringBuilder(p.title());
    expected.append(". ").append(p.brand()).append(". ").append(p.model());
    assertThat(p.searchableText()).isEqualTo(expected.toString());
  }

  @Test
  void aBatchIsLengthSortedReadingEachTextOnce() {
    Random random = new Random(64);
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < 512; i++) {
      batch.add("x".repeat(random.nextInt(1000)));
    }
    AtomicInteger reads = new AtomicInteger();
    LengthSortedChunks.of(
        batch,
        t -> {
          reads.incrementAndGet();
          return t;
        },
        32);
    // EmbedProducts passes Product::searchableText: read ~8,000 times for 512 upserts.
    assertThat(reads.get()).isLessThanOrEqualTo(batch.size());
  }
}
