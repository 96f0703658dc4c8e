package io.moesearch.core.artifact;

import java.util.List;
import java.util.Map;

/**
 * The manifest of a versioned index artifact ({@code manifest.json}). Everything a server needs to
 * check before it trusts the files: model and dimension, gate, encoding, per-expert counts and
 * SHA-256 checksums of every file.
 */
public record Manifest(
    int formatVersion,
    String indexVersion,
    String createdAt,
    String modelId,
    int dimension,
    int products,
    int experts,
    String encoding,
    int hnswM,
    int hnswBeamWidth,
    GateInfo gate,
    Map<String, String> files,
    List<ExpertInfo> expertIndexes,
    Map<String, Double> buildSeconds) {

  public static final int FORMAT_VERSION = 2;

  /** The gate file and the settings the products were assigned with. */
  public record GateInfo(
      String file,
      long seed,
      int kmeansIterations,
      double temperature,
      double replicationRatio,
      int maxCopies) {}

  /** One expert's index directory, product count and file checksums (relative path → SHA-256). */
  public record ExpertInfo(int id, String dir, int products, Map<String, String> files) {}
}
