package io.moesearch.core.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthSortedChunksTest {

  @Test
  void chunksHoldTextsOfSimilarLengthShortestFirstAndKeepEveryItem() {
    List<String> texts = List.of("aaaa", "b", "cccccc", "dd", "eee", "ffffffff", "g");
    List<List<String>> chunks = LengthSortedChunks.of(texts, t -> t, 3);
    assertThat(chunks)
        .containsExactly(
            List.of("b", "g", "dd"), List.of("eee", "aaaa", "cccccc"), List.of("ffffffff"));
    List<String> all = new ArrayList<>();
    chunks.forEach(all::addAll);
    assertThat(all).containsExactlyInAnyOrderElementsOf(texts);
    assertThat(texts).containsExactly("aaaa", "b", "cccccc", "dd", "eee", "ffffffff", "g");
  }

  @Test
  void rejectsAnEmptyChunkSize() {
    assertThatThrownBy(() -> LengthSortedChunks.of(List.of("a"), t -> t, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chunk size");
  }
}
