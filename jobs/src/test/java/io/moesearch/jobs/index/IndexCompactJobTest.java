package io.moesearch.jobs.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexCompactJobTest {

  /**
   * A partition whose end is now before the offset the base folded up to was re-created: it is read
   * from its beginning and told, where starting at the old offset skipped its first updates without
   * a word.
   */
  @Test
  void aPartitionEndingBeforeTheFoldedOffsetIsReadFromItsBeginning() {
    List<Integer> told = new ArrayList<>();
    Map<Integer, Long> from =
        IndexCompactJob.startOffsets(Map.of(0, 100L, 1, 40L), Map.of(0, 30L, 1, 55L), told::add);
    assertThat(from).containsExactly(Map.entry(1, 40L));
    assertThat(told).containsExactly(0);
  }

  /** Partitions read on from where the base stopped, however far they moved, and none told. */
  @Test
  void partitionsThatGrewOrStayedAreReadOnFromTheFoldedOffset() {
    List<Integer> told = new ArrayList<>();
    Map<Integer, Long> from =
        IndexCompactJob.startOffsets(
            Map.of(0, 100L, 1, 40L), Map.of(0, 100L, 1, 90L, 2, 3L), told::add);
    assertThat(from).containsOnly(Map.entry(0, 100L), Map.entry(1, 40L));
    assertThat(told).isEmpty();
  }

  /**
   * A partition the topic no longer has (re-created with fewer partitions) is told and not kept at
   * its old offset: the stored end offsets ({@code mergeOffsets(from, to)}) would otherwise carry
   * it on, and once partitions are added again, the new partition of that number is read from the
   * old offset, its first updates skipped without a word.
   */
  @Test
  void aPartitionTheTopicNoLongerHasIsToldAndNotKept() {
    List<Integer> told = new ArrayList<>();
    Map<Integer, Long> from =
        IndexCompactJob.startOffsets(Map.of(0, 100L, 1, 100L, 2, 100L), Map.of(0, 5L), told::add);
    assertThat(from).doesNotContainKeys(1, 2);
    assertThat(told).containsExactlyInAnyOrder(0, 1, 2);
  }
}
