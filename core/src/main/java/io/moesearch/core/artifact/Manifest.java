package io.moesearch.core.artifact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
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
    Map<String, Double> buildSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) GateUpdate gateUpdate,
    @JsonInclude(JsonInclude.Include.NON_NULL) Compaction compaction) {

  /**
   * Version 7: a code with a slashed suffix also indexes its parts joined ({@code
   * SlashCodeTokenizer}: "HD7820/60" as "hd782060" too). Version 6: a plus sign ending a word or
   * standing alone is analysed as the word "plus" ({@code Analyzers.PLUS_WORD}: "FlexCare+" as
   * "flexcare plus"). Version 5: units spelled out after a number are analysed as their symbols
   * ({@code SpelledUnits}: "8 gig" as "8 gb"). Version 4: the BM25 field holds the products' trade
   * item numbers (GTIN, EAN, UPC), every such number in its 14-digit form ({@code
   * GtinNormalizationFilter}). Version 3 analysed it for e-commerce text (units, model codes across
   * separators, plural stemming), version 2 with the English analyzer. An index of an older version
   * would not match the queries as analysed now, so it is rejected and must be rebuilt. {@link
   * #gateUpdate} and {@link #compaction} are optional (absent in built artifacts).
   */
  public static final int FORMAT_VERSION = 7;

  /**
   * Provenance of a gate re-learned by {@code routing update}: this version shares every file but
   * the gate with {@code parentVersion}.
   *
   * @param parentVersion the version whose gate was the starting point
   * @param method how the gate was trained, e.g. {@code softmax-regression}, or {@code layout-only}
   *     (the parent's gate kept, only the replicated layout re-planned)
   * @param settings the training inputs and figures (query log, k, epochs, losses, ...)
   */
  public record GateUpdate(String parentVersion, String method, Map<String, String> settings) {}

  /**
   * Provenance of a version written by {@code index compact}: the base version with the live
   * catalogue updates folded in. A version written by {@code routing update} from a compacted one
   * keeps its record (same catalogue and end offsets), with the parent added to the lineage. The
   * version keeps the base's gate, settings and layout, so a product's experts are the ones the
   * running job assigned it.
   *
   * @param baseVersion the version the updates were folded into
   * @param lineage every earlier version of this line, oldest first (the base's lineage, then the
   *     base; in a version written by {@code routing update}, which keeps its parent's record, the
   *     parent's lineage, then the parent); the running job serves a request routed with one of
   *     them by this version once it has dropped the delta entries this version folded
   * @param topic the catalogue-update topic read
   * @param endOffsets per partition, the offset after the last update folded (the next compaction
   *     starts there); partitions are keys
   * @param updatesRead updates read from the topic in this compaction (dead ones included)
   * @param updatesFolded of those, the ones applied (the rest stale, unknown, of a deleted product
   *     or malformed)
   * @param productsChanged products whose state differs from the base's
   * @param embedded products embedded anew (new, or text changed)
   * @param offsetsReadAtMillis wall time (epoch millis) at which {@code endOffsets} were read:
   *     every update appended after it is not folded ({@code null} in versions written before it
   *     was recorded)
   */
  public record Compaction(
      String baseVersion,
      List<String> lineage,
      String topic,
      Map<Integer, Long> endOffsets,
      int updatesRead,
      int updatesFolded,
      int productsChanged,
      int embedded,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long offsetsReadAtMillis) {}

  /**
   * The time this version's catalogue is known to reflect the live catalogue-update topic as of
   * (epoch millis): for a compacted version, when it read the topic's end offsets; {@code 0} for a
   * built one, which folds no live update. An answer computed on it reflects no change applied
   * after that time.
   */
  @JsonIgnore
  public long catalogueAsOfMillis() {
    return compaction != null && compaction.offsetsReadAtMillis() != null
        ? compaction.offsetsReadAtMillis()
        : 0;
  }

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
