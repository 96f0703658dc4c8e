package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import java.io.Serializable;
import java.util.function.Consumer;

/**
 * How the embedding the model computed for a query goes to the cache: in the one record of the
 * query's answer (its result fill, or the release of a computation that leaves nothing to cache),
 * so that each computed query costs the cache one record on the fill topic; as an embedding fill of
 * its own when there is no such record (an explained query, a partial that arrived after its query
 * was answered) or when the two would not fit in one record of {@code cache.fill-max-bytes}.
 */
final class CarriedEmbeddings implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String modelId;
  private final long maxBytes;

  /**
   * @param modelId the id of the model that computes the embeddings, non-blank
   * @param maxBytes the readers' {@code cache.fill-max-bytes}: a record whose encoding may be
   *     larger is split, the embedding going alone
   */
  CarriedEmbeddings(String modelId, long maxBytes) {
    if (modelId == null || modelId.isBlank()) {
      throw new IllegalArgumentException("model id is required");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("max bytes must be >= 1, got " + maxBytes);
    }
    this.modelId = modelId;
    this.maxBytes = maxBytes;
  }

  String modelId() {
    return modelId;
  }

  /**
   * Sends {@code fill} (a result or a release; {@code null}: none) and the query embedding {@code
   * vector} of {@code text} (its normal form; {@code null}: none) to {@code out}: one record that
   * carries both when its encoding is bounded by the max bytes ({@link
   * CacheFill#encodedSizeBound}), else the embedding alone and then {@code fill} (on the compacted
   * topic both share the text's key, in that order).
   *
   * @throws IllegalArgumentException when the vector cannot be cached (a value that is not finite):
   *     {@code fill} has been sent without it
   */
  void send(CacheFill fill, String text, float[] vector, Consumer<CacheFill> out) {
    if (vector == null) {
      if (fill != null) {
        out.accept(fill);
      }
      return;
    }
    CacheFill alone;
    try {
      alone = CacheFill.embedding(text, modelId, vector);
    } catch (RuntimeException e) {
      if (fill != null) {
        out.accept(fill);
      }
      throw e;
    }
    if (fill != null) {
      CacheFill both = fill.withEmbedding(modelId, vector);
      if (both.encodedSizeBound() <= maxBytes) {
        out.accept(both);
        return;
      }
    }
    out.accept(alone);
    if (fill != null) {
      out.accept(fill);
    }
  }
}
