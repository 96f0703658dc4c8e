package io.moesearch.operators;

import io.moesearch.connectors.message.CacheFill;
import io.moesearch.connectors.message.DeadLetter;
import io.moesearch.connectors.message.FillSigner;
import io.moesearch.connectors.message.MessageJson;
import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.RawMessage;
import io.moesearch.core.cache.QueryNormalizer;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The trust boundary of the cache-fill topic: only authenticated, well-formed fills pass. In order,
 * a record is dead-lettered ({@link ParseQueries#DEAD_LETTERS}, with the reason and the cut
 * payload) when it has no value, is larger than {@code maxBytes}, lacks a valid {@link FillSigner}
 * tag, is not valid fill JSON, or breaks a rule the served job relies on: text in {@link
 * QueryNormalizer} form; a result with at most {@code top_k} items, distinct product ids, no item
 * explanation (an explained answer is never cached) and at most {@value #MAX_EXPERTS} distinct
 * non-negative expert ids; an embedding (of an embedding fill, or carried by a result) of the
 * model's dimension with unit L2 norm (within {@value #NORM_TOLERANCE}). Whether a result's
 * products exist in the served index version is checked by {@link CacheLookup}, which knows that
 * version. Never throws on input.
 */
public final class ParseCacheFills extends ProcessFunction<RawMessage, CacheFill> {
  /** How far an embedding's L2 norm may be from 1 (the model's vectors are normalised). */
  public static final double NORM_TOLERANCE = 1e-3;

  /**
   * Most experts a result fill may list. A served answer, hit or promoted again to the fill topic,
   * carries its fill's experts, and every message the job writes must fit one Kafka record whatever
   * its inputs (connectors' {@code OutputBoundsTest} assumes this many): a signed fill listing some
   * 150,000 experts would otherwise make an answer the producer refuses, failing the sink's task.
   * Eight times the shipped index's 128.
   */
  public static final int MAX_EXPERTS = 1024;

  private final int maxBytes;
  private final FillSigner signer;
  private final int dimension;
  private final MessageJson json = new MessageJson();
  private transient Counter rejected;

  /**
   * @param maxBytes larger records are dead-lettered unparsed, at least 64
   * @param signer verifies each record's tag
   * @param dimension the embedding model's dimension, at least 1
   */
  public ParseCacheFills(int maxBytes, FillSigner signer, int dimension) {
    if (maxBytes < 64) {
      throw new IllegalArgumentException("cache fill max bytes must be >= 64, got " + maxBytes);
    }
    if (signer == null) {
      throw new IllegalArgumentException("a fill signer is required");
    }
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    this.maxBytes = maxBytes;
    this.signer = signer;
    this.dimension = dimension;
  }

  @Override
  public void open(OpenContext ctx) {
    rejected = getRuntimeContext().getMetricGroup().counter("cacheFillsDeadLettered");
  }

  @Override
  public void processElement(RawMessage raw, Context ctx, Collector<CacheFill> out) {
    CacheFill fill = null;
    String reason;
    try {
      reason = check(raw);
      if (reason == null) {
        fill = json.decodeCacheFill(raw.value());
        reason = validate(fill);
      }
    } catch (IllegalArgumentException e) {
      reason = "invalid cache fill: " + e.getMessage();
    } catch (RuntimeException e) {
      reason = "cache fill could not be read: " + e;
    }
    if (reason == null) {
      out.collect(fill);
      return;
    }
    rejected.inc();
    ctx.output(ParseQueries.DEAD_LETTERS, DeadLetter.of(raw, reason));
  }

  private String check(RawMessage raw) {
    byte[] value = raw.value();
    if (value == null) {
      return "cache fill has no value";
    }
    if (value.length > maxBytes) {
      return "cache fill of " + value.length + " bytes exceeds " + maxBytes + " bytes";
    }
    if (raw.signature() == null) {
      return "cache fill is not signed (no " + FillSigner.HEADER + " header)";
    }
    if (!signer.verify(value, raw.signature())) {
      return "cache fill's "
          + FillSigner.HEADER
          + " tag does not verify (signed with another key, or altered)";
    }
    return null;
  }

  /** The rule {@code fill} breaks, or {@code null}. */
  String validate(CacheFill fill) {
    if (!QueryNormalizer.normalize(fill.text()).equals(fill.text())) {
      return "invalid cache fill: text is not in normal form";
    }
    if (fill.carriesEmbedding()) {
      // An embedding, or a result carrying its query's: the embedding cache takes either.
      float[] v = fill.embedding();
      if (v.length != dimension) {
        return "invalid cache fill: embedding_f32le has dimension "
            + v.length
            + ", the model's is "
            + dimension;
      }
      double norm = 0;
      for (float x : v) {
        norm += (double) x * x;
      }
      norm = Math.sqrt(norm);
      if (!(Math.abs(norm - 1) <= NORM_TOLERANCE)) { // NaN fails too
        return "invalid cache fill: embedding_f32le has L2 norm " + norm + ", expected 1";
      }
    }
    if (fill.kind() == CacheFill.Kind.EMBEDDING) {
      return null;
    }
    if (fill.ts() > System.currentTimeMillis() + CacheLookup.COHERENCE_MARGIN_MS) {
      // Coherence checks an answer against the changes applied after it was computed: one dated
      // ahead (a writer's clock running fast) would ignore every change until then.
      return "invalid cache fill: ts "
          + fill.ts()
          + " is more than "
          + CacheLookup.COHERENCE_MARGIN_MS
          + " ms ahead of this task's clock";
    }
    if (fill.items().length > fill.topK()) {
      return "invalid cache fill: " + fill.items().length + " items for top_k " + fill.topK();
    }
    Set<String> ids = new HashSet<>();
    for (RankedItem item : fill.items()) {
      if (!ids.add(item.productId())) {
        return "invalid cache fill: product " + item.productId() + " is listed twice";
      }
      if (item.explain() != null) {
        // Explained answers are never cached (MergePartials), and an explanation's feature names
        // are free text that would reach every answer served from this fill.
        return "invalid cache fill: product " + item.productId() + " carries an explanation";
      }
    }
    if (fill.experts().length > MAX_EXPERTS) {
      return "invalid cache fill: " + fill.experts().length + " experts, at most " + MAX_EXPERTS;
    }
    Set<Integer> experts = new HashSet<>();
    for (int e : fill.experts()) {
      if (e < 0 || !experts.add(e)) {
        return "invalid cache fill: expert ids must be distinct and >= 0";
      }
    }
    return null;
  }
}
