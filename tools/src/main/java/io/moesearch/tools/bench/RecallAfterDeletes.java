package io.moesearch.tools.bench;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.artifact.Manifest;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.Product;
import io.moesearch.core.eval.Evaluator;
import io.moesearch.core.eval.Metrics;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.LoadAwareRoutingConfig;
import io.moesearch.core.index.Candidate;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.live.DeltaEntry;
import io.moesearch.core.live.LiveSlot;
import io.moesearch.core.retrieval.Retriever;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Routed recall@10 after deletes, in process: the served artifact's experts searched as the job
 * routes them ({@link Retriever#serving}), each as a {@link LiveSlot} holding the deletes serves it
 * (the deleted products are deleted documents of its view, skipped inside the HNSW search: what the
 * job's retrieval does), against exact search over the remaining products; beside a fresh rebuild
 * of the same remaining products with the index build's steps ({@link IndexBuilder}: gate
 * retrained, experts reassigned, HNSW rebuilt; the artifact's vectors, so nothing is embedded
 * again), searched the same way.
 */
public final class RecallAfterDeletes {
  /** Results per query compared. */
  public static final int K = 10;

  /**
   * The figures; field names are the JSON output's.
   *
   * @param recallAfterDeletes routed recall@10 vs exact over the remaining products, served
   *     artifact with the deletes filtered out
   * @param recallFreshRebuild the same on a fresh rebuild of the remaining products
   * @param deleted products deleted
   * @param remaining products left
   * @param queries queries averaged over
   * @param rebuildSeconds the fresh rebuild's time (gate, assignment, indexes)
   */
  public record Result(
      double recallAfterDeletes,
      double recallFreshRebuild,
      int deleted,
      int remaining,
      int queries,
      double rebuildSeconds) {}

  private RecallAfterDeletes() {}

  /** A seeded {@code share} of {@code ids}. */
  public static Set<String> sample(List<String> ids, double share, long seed) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in [0, 1], got " + share);
    }
    List<String> shuffled = new ArrayList<>(ids);
    Collections.shuffle(shuffled, new Random(seed));
    return new HashSet<>(shuffled.subList(0, (int) Math.round(share * ids.size())));
  }

  /**
   * Measures both recalls for {@code queries} (embeddings) after deleting {@code deleted} from
   * {@code artifact} (built from {@code catalog}); the rebuild is written under {@code workDir}.
   */
  public static Result measure(
      IndexArtifact artifact,
      Catalog catalog,
      Set<String> deleted,
      List<float[]> queries,
      LoadAwareRoutingConfig routing,
      IndexBuildSettings settings,
      Path workDir) {
    List<String> ids = artifact.ids();
    VectorStore vectors = artifact.vectors();
    Map<String, Integer> byId = catalog.ordinalsById();
    List<Product> kept = new ArrayList<>();
    List<float[]> keptVectors = new ArrayList<>();
    List<String> keptIds = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!deleted.contains(ids.get(i))) {
        kept.add(catalog.get(byId.get(ids.get(i))));
        keptVectors.add(vectors.get(i));
        keptIds.add(ids.get(i));
      }
    }
    VectorStore remaining = new VectorStore(keptVectors.toArray(float[][]::new));
    List<List<String>> exact = new ArrayList<>(queries.size());
    for (float[] q : queries) {
      exact.add(Evaluator.exactTopIds(remaining, keptIds, q, K));
    }
    double afterDeletes;
    try (LiveSlot slot = new LiveSlot()) {
      for (String id : deleted) {
        slot.apply(DeltaEntry.hidden(id, 1));
      }
      afterDeletes = routedRecall(artifact, routing, queries, exact, slot);
    }
    long t0 = System.nanoTime();
    IndexArtifact fresh =
        IndexArtifact.load(
            rebuild(
                new Catalog(kept, List.of()),
                remaining,
                settings,
                artifact.manifest().modelId(),
                workDir.resolve("fresh-rebuild")),
            remaining.dimension());
    double rebuildSeconds = (System.nanoTime() - t0) / 1e9;
    double freshRecall;
    try (LiveSlot none = new LiveSlot()) {
      freshRecall = routedRecall(fresh, routing, queries, exact, none);
    }
    return new Result(
        afterDeletes, freshRecall, deleted.size(), kept.size(), queries.size(), rebuildSeconds);
  }

  private static double routedRecall(
      IndexArtifact artifact,
      LoadAwareRoutingConfig routing,
      List<float[]> queries,
      List<List<String>> exact,
      LiveSlot slot) {
    List<ExpertIndex> experts = artifact.openExperts();
    try {
      // Each expert as the slot serves it: the deleted products are deleted documents of the view.
      Retriever retriever =
          Retriever.serving(artifact, experts.stream().map(slot::visible).toList(), routing);
      double sum = 0;
      for (int i = 0; i < queries.size(); i++) {
        List<String> got =
            retriever.search(queries.get(i), K, null).items().stream()
                .map(Candidate::productId)
                .toList();
        sum += Metrics.recall(got, exact.get(i), K);
      }
      return queries.isEmpty() ? Double.NaN : sum / queries.size();
    } finally {
      experts.forEach(ExpertIndex::close);
    }
  }

  /**
   * A complete artifact over {@code catalog} with {@code vectors} (one per product, in order),
   * written with the index build's steps under {@code dir}; returns its directory.
   */
  public static Path rebuild(
      Catalog catalog, VectorStore vectors, IndexBuildSettings s, String modelId, Path dir) {
    try {
      Gate gate = IndexBuilder.trainGate(vectors, s);
      int[][] members = IndexBuilder.expertMembers(gate, vectors, s);
      IndexBuilder.writeCatalog(dir, catalog);
      Map<String, String> shared = IndexBuilder.writeShared(dir, catalog, vectors, gate, members);
      List<Manifest.ExpertInfo> experts =
          IntStream.range(0, members.length)
              .parallel()
              .mapToObj(
                  e -> {
                    try {
                      return IndexBuilder.writeExpert(dir, e, members[e], catalog, vectors, s);
                    } catch (IOException x) {
                      throw new UncheckedIOException(x);
                    }
                  })
              .toList();
      IndexBuilder.writeManifest(
          dir, dir.getFileName().toString(), modelId, vectors, s, shared, experts, Map.of());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
