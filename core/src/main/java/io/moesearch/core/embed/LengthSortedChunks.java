package io.moesearch.core.embed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * How a batch of texts is fed to the model: sorted by length and cut into chunks of at most {@code
 * chunkSize} texts of similar length, because a model call pads every text to the longest one in it
 * (padding is what makes large mixed batches slow on CPU). The streaming job's embedding stage and
 * the benchmarks' embedding ceiling both batch this way.
 */
public final class LengthSortedChunks {
  private LengthSortedChunks() {}

  /**
   * Splits {@code items} into chunks of at most {@code chunkSize}, shortest texts first; the input
   * list is not modified. {@code text} is applied once per item.
   *
   * @throws IllegalArgumentException if {@code chunkSize < 1}
   */
  public static <T> List<List<T>> of(List<T> items, Function<T, String> text, int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be >= 1, got " + chunkSize);
    }
    // Each text read once: a text may be costly to make (a product's searchable text), and a sort
    // compares every item about log2(n) times.
    record Keyed<T>(T item, int length) {}
    List<Keyed<T>> keyed = new ArrayList<>(items.size());
    for (T t : items) {
      keyed.add(new Keyed<>(t, text.apply(t).length()));
    }
    keyed.sort(Comparator.comparingInt(Keyed::length));
    List<T> sorted = new ArrayList<>(keyed.size());
    for (Keyed<T> k : keyed) {
      sorted.add(k.item());
    }
    List<List<T>> chunks = new ArrayList<>((sorted.size() + chunkSize - 1) / chunkSize);
    for (int from = 0; from < sorted.size(); from += chunkSize) {
      chunks.add(List.copyOf(sorted.subList(from, Math.min(sorted.size(), from + chunkSize))));
    }
    return chunks;
  }
}
