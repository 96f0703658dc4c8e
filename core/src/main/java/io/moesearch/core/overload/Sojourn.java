package io.moesearch.core.overload;

/**
 * A query's sojourn after its embedding: how long it has been in the job (since it was accepted)
 * less the time its embedding took (the model's queue and inference, or the embedding cache's
 * lookup). So it also holds the time before the embedding stage (the cache stages, a coalesced
 * wait), not only the queues after it.
 *
 * <p>The embedding stage bounds its own queue ({@link QueueWaitEstimate}, {@link
 * DegradationPolicy}). What it cannot see shows up here: a backlog after the model when retrieval,
 * not the model, is the bottleneck (back-pressure holds queries in the network buffers and input
 * queues between the stages), and queries whose embedding came from the cache, which never queue
 * for the model. The stages after the model act on this time with the same bound, as CoDel acts on
 * the time a packet has queued rather than on the queue's length (Nichols and Jacobson,
 * "Controlling Queue Delay", ACM Queue 10(5), 2012).
 */
public final class Sojourn {
  private Sojourn() {}

  /**
   * The sojourn (ms, {@code >= 0}) at {@code nowMillis} of a query accepted at {@code
   * acceptedMillis} (both epoch ms of wall clocks: the TaskManagers' clocks must agree) whose
   * embedding took {@code embedMillis}; a non-finite or negative {@code embedMillis} counts as 0.
   */
  public static double afterEmbedding(long nowMillis, long acceptedMillis, double embedMillis) {
    double embed = Double.isFinite(embedMillis) && embedMillis > 0 ? embedMillis : 0;
    return Math.max(0, nowMillis - acceptedMillis - embed);
  }
}
