package io.moesearch.connectors.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What the job writes to Kafka about an input must fit one Kafka record (producer {@code
 * max.request.size} and broker {@code message.max.bytes}: 1 MiB by default), whatever the inputs it
 * is made of: a record the producer refuses fails the sink's task, and the replayed input fails it
 * again. So the worst result and the worst result fill, built from the longest fields every input
 * boundary lets through (a query text of the largest {@code query.max-chars}, catalogue ids and
 * titles of their longest, all control characters so that JSON escapes each to six bytes, 100
 * brands of their longest, every item explained), stay well below it.
 */
class OutputBoundsTest {
  /** Kafka's default largest record, less room for the record's key, headers and framing. */
  static final int BUDGET = 1_048_576 - 64 * 1024;

  private final MessageJson json = new MessageJson();

  /** {@code n} code points that JSON escapes to six bytes each. */
  private static String escaped(int n) {
    return "\u0001".repeat(n);
  }

  /**
   * {@code n} code points outside the BMP: Jackson writes each as two escaped surrogates, 12 bytes
   * (the most any code point costs).
   */
  private static String wide(int n) {
    return "\ud83d\ude00".repeat(n);
  }

  private static RankedItem[] worstItems() {
    FeatureContribution[] explain =
        IntStream.range(0, 12)
            .mapToObj(
                i ->
                    new FeatureContribution(
                        "feature_name_" + i, -1.2345678901234567e-300, 1e300, -1.2345678901e-0))
            .toArray(FeatureContribution[]::new);
    return IntStream.range(0, SearchQuery.MAX_TOP_K)
        .mapToObj(
            i ->
                new RankedItem(
                    escaped(SearchQuery.MAX_ID_CHARS - 3) + String.format("%03d", i),
                    // the longest title a catalogue update carries
                    escaped(CatalogUpdateCodec.MAX_TEXT_CHARS),
                    -3.4028235e38f,
                    Double.MAX_VALUE,
                    true,
                    explain))
        .toArray(RankedItem[]::new);
  }

  private static int[] experts() {
    return IntStream.range(0, 1024).toArray();
  }

  @Test
  void theWorstResultFitsOneKafkaRecord() {
    SearchResult r =
        new SearchResult(
            escaped(SearchQuery.MAX_ID_CHARS),
            wide(QueryCodec.MAX_QUERY_CHARS_LIMIT),
            worstItems(),
            experts(),
            escaped(256),
            new StageLatency(1e300, 1e300, 1e300, 1e300, 1e300),
            SearchResult.CACHE_MISS,
            Long.MAX_VALUE,
            Long.MAX_VALUE,
            true,
            experts(),
            SearchResult.NOT_DEGRADED);
    assertThat(json.encodeResult(r).length).isLessThan(BUDGET);
  }

  @Test
  void theWorstResultFillFitsOneKafkaRecord() {
    String[] brands = new String[QueryCodec.MAX_BRANDS];
    for (int i = 0; i < brands.length; i++) {
      brands[i] = wide(QueryCodec.MAX_BRAND_CHARS - 3) + String.format("%03d", i);
    }
    String filters = new Filters(brands, 0.0, Double.MAX_VALUE, true).canonical();
    CacheFill fill =
        CacheFill.result(
            wide(QueryCodec.MAX_QUERY_CHARS_LIMIT),
            SearchQuery.MAX_TOP_K,
            filters,
            escaped(256),
            worstItems(),
            experts(),
            Long.MAX_VALUE,
            -Float.MIN_VALUE,
            Float.MIN_VALUE);
    assertThat(json.encodeCacheFill(fill).length).isLessThan(BUDGET);
  }

  @Test
  void aTitleIsCutWithoutSplittingACharacterAndShortOnesAreKept() {
    String title = "a" + wide(RankedItem.MAX_TITLE_CHARS);
    RankedItem item = new RankedItem("p", title, 1f);
    assertThat(item.title()).hasSizeLessThanOrEqualTo(RankedItem.MAX_TITLE_CHARS);
    assertThat(Character.isHighSurrogate(item.title().charAt(item.title().length() - 1))).isFalse();
    assertThat(title).startsWith(item.title());
    assertThat(new RankedItem("p", "Case Logic CL504", 1f).title()).isEqualTo("Case Logic CL504");
  }

  @Test
  void aQueryCodecCannotBeMadeForLongerTextsThanTheBoundAllows() {
    assertThatThrownBy(() -> new QueryCodec(QueryCodec.MAX_QUERY_CHARS_LIMIT + 1, 1 << 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(QueryCodec.MAX_QUERY_CHARS_LIMIT));
    assertThat(Arrays.asList(QueryCodec.MAX_BRANDS, SearchQuery.MAX_TOP_K)).containsOnly(100);
  }
}
