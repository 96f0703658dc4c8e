package io.moesearch.core.index;

import java.io.Serializable;

/**
 * Settings of an index build.
 *
 * @param experts number of experts N
 * @param kmeansIterations spherical k-means iterations for the gate
 * @param seed seed of the gate training
 * @param temperature gate softmax temperature used for boundary replication
 * @param replicationRatio a product also joins experts whose probability is at least this fraction
 *     of its best one
 * @param maxCopies at most this many experts per product (1 = no replication)
 * @param encoding HNSW vector encoding
 * @param hnswM HNSW graph degree
 * @param hnswBeamWidth HNSW construction beam width
 * @param embedBatchSize texts per embedding call
 */
public record IndexBuildSettings(
    int experts,
    int kmeansIterations,
    long seed,
    double temperature,
    double replicationRatio,
    int maxCopies,
    VectorEncoding encoding,
    int hnswM,
    int hnswBeamWidth,
    int embedBatchSize)
    implements Serializable {

  public IndexBuildSettings {
    check(experts >= 1 && experts <= 4096, "index.experts must be in 1..4096, got " + experts);
    check(
        kmeansIterations >= 1 && kmeansIterations <= 1000,
        "index.kmeans-iterations must be in 1..1000, got " + kmeansIterations);
    check(temperature > 0, "index.temperature must be > 0, got " + temperature);
    check(
        replicationRatio > 0 && replicationRatio <= 1,
        "index.replication-ratio must be in (0, 1], got " + replicationRatio);
    check(
        maxCopies >= 1 && maxCopies <= experts,
        "index.max-copies must be in 1..experts, got " + maxCopies);
    check(encoding != null, "index.encoding is required");
    check(hnswM >= 2 && hnswM <= 512, "index.hnsw-m must be in 2..512, got " + hnswM);
    check(
        hnswBeamWidth >= 1 && hnswBeamWidth <= 3200,
        "index.hnsw-beam-width must be in 1..3200, got " + hnswBeamWidth);
    check(
        embedBatchSize >= 1 && embedBatchSize <= 4096,
        "index.embed-batch-size must be in 1..4096, got " + embedBatchSize);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  public IndexBuildSettings withEncoding(VectorEncoding e) {
    return new IndexBuildSettings(
        experts,
        kmeansIterations,
        seed,
        temperature,
        replicationRatio,
        maxCopies,
        e,
        hnswM,
        hnswBeamWidth,
        embedBatchSize);
  }
}
