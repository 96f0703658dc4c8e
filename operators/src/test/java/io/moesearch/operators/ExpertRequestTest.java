package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExpertRequestTest {

  /**
   * A client that sends every query under one id does not send every BM25 search to one shard: the
   * accept time spreads them over all shards, each within a fifth of an even share.
   */
  @Test
  void oneIdIsSpreadOverEveryLexicalShardByItsAcceptTime() {
    int[] perShard = new int[ExpertRequest.LEXICAL_SHARDS];
    int n = 16_000;
    for (long ts = 1_765_000_000_000L; ts < 1_765_000_000_000L + n; ts++) {
      int key = ExpertRequest.lexical("the-same-id", ts);
      assertThat(ExpertRequest.isLexical(key)).isTrue();
      assertThat(key).isBetween(-ExpertRequest.LEXICAL_SHARDS, -1);
      perShard[-1 - key]++;
    }
    int even = n / ExpertRequest.LEXICAL_SHARDS;
    for (int count : perShard) {
      assertThat(count).isBetween(even * 4 / 5, even * 6 / 5);
    }
    assertThat(ExpertRequest.lexical("q", 5)).isEqualTo(ExpertRequest.lexical("q", 5));
  }
}
