package io.moesearch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExpertRequestTest {

  /**
   * The router takes the lexical shards in turn, whatever the query ids: consecutive turns visit
   * every shard once per cycle, each key a lexical one.
   */
  @Test
  void consecutiveTurnsTakeEveryLexicalShardInTurn() {
    java.util.Set<Integer> cycle = new java.util.HashSet<>();
    for (int turn = 0; turn < ExpertRequest.LEXICAL_SHARDS; turn++) {
      int key = ExpertRequest.lexicalShard(turn);
      assertThat(ExpertRequest.isLexical(key)).isTrue();
      assertThat(key).isBetween(-ExpertRequest.LEXICAL_SHARDS, -1);
      cycle.add(key);
    }
    assertThat(cycle).hasSize(ExpertRequest.LEXICAL_SHARDS);
    assertThat(ExpertRequest.lexicalShard(Integer.MAX_VALUE))
        .isBetween(-ExpertRequest.LEXICAL_SHARDS, -1);
    assertThat(ExpertRequest.lexicalShard(Integer.MIN_VALUE))
        .isBetween(-ExpertRequest.LEXICAL_SHARDS, -1);
  }
}
