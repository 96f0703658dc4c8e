package io.moesearch.connectors.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one {@link SearchQuery}, written to the result topic.
 *
 * <p>Arrays are not copied: callers must not mutate them after construction.
 *
 * @param queryId id of the answered query, non-blank
 * @param text query text as searched, non-null
 * @param items ranked items, best first, no {@code null} elements; empty when nothing matches
 *     ({@link #noMatch()}), and on an answer turned away or one that could not be routed or merged
 * @param experts ids of the experts the query was routed to
 * @param indexVersion version of the index that served the query, non-null
 * @param latency per-stage latency
 * @param cache how the result was obtained: {@code miss}, {@code embedding}, {@code l1}, {@code l2}
 *     or {@code coalesced}; non-blank
 * @param tsIn epoch millis when the query entered the pipeline, non-negative
 * @param tsOut epoch millis when the result was produced, non-negative
 * @param partial the merge timed out before every expected partial (each of {@code experts} and,
 *     with hybrid ranking, the lexical branch) arrived: the ranking lacks the missing ones
 * @param answeredExperts the entries of {@code experts} whose candidates are in the ranking (all of
 *     them unless {@code partial}), non-null; on the wire only when {@code partial}
 * @param degraded how much of the query's work the job cut because it was overloaded: {@code none},
 *     {@code fewer_experts}, {@code fewer_candidates}, {@code fast_path} or {@code overloaded} (not
 *     searched at all: no items; ask again later). Cached answers were computed undegraded.
 */
@JsonPropertyOrder({
  "query_id",
  "text",
  "items",
  "experts",
  "no_match",
  "index_version",
  "latency",
  "cache",
  "ts_in",
  "ts_out",
  "partial",
  "answered_experts",
  "degraded"
})
public record SearchResult(
    String queryId,
    String text,
    RankedItem[] items,
    int[] experts,
    String indexVersion,
    StageLatency latency,
    String cache,
    long tsIn,
    long tsOut,
    boolean partial,
    @JsonProperty("answered_experts") int[] answeredExperts,
    String degraded) {

  /** The {@code degraded} values, from no cut to not searched (the order the job escalates). */
  public static final List<String> DEGRADATION_LEVELS =
      List.of("none", "fewer_experts", "fewer_candidates", "fast_path", "overloaded");

  /** Served as configured. */
  public static final String NOT_DEGRADED = "none";

  /** Not searched because the job was overloaded. */
  public static final String OVERLOADED = "overloaded";

  /** Computed: embedded by the model, routed, retrieved and ranked. */
  public static final String CACHE_MISS = "miss";

  /** Computed from a cached query embedding (the model was skipped). */
  public static final String CACHE_EMBEDDING = "embedding";

  /** Served from the in-heap result cache. */
  public static final String CACHE_L1 = "l1";

  /** Served from the result cache in keyed state. */
  public static final String CACHE_L2 = "l2";

  /** Waited for an identical query in flight and took its result. */
  public static final String CACHE_COALESCED = "coalesced";

  public SearchResult {
    Checks.requireNonBlank(queryId, "query_id");
    Checks.requireNonNull(text, "text");
    Checks.requireNonNull(items, "items");
    for (int i = 0; i < items.length; i++) {
      Checks.requireNonNull(items[i], "items[" + i + "]");
    }
    Checks.requireNonNull(experts, "experts");
    Checks.requireNonNull(indexVersion, "index_version");
    Checks.requireNonNull(latency, "latency");
    Checks.requireNonBlank(cache, "cache");
    Checks.requireNonNegative(tsIn, "ts_in");
    Checks.requireNonNegative(tsOut, "ts_out");
    Checks.requireNonNull(answeredExperts, "answered_experts");
    if (!DEGRADATION_LEVELS.contains(degraded)) {
      throw new IllegalArgumentException(
          "degraded must be one of " + DEGRADATION_LEVELS + ", got " + degraded);
    }
  }

  /** A result served as configured ({@code degraded: none}). */
  public SearchResult(
      String queryId,
      String text,
      RankedItem[] items,
      int[] experts,
      String indexVersion,
      StageLatency latency,
      String cache,
      long tsIn,
      long tsOut,
      boolean partial,
      int[] answeredExperts) {
    this(
        queryId,
        text,
        items,
        experts,
        indexVersion,
        latency,
        cache,
        tsIn,
        tsOut,
        partial,
        answeredExperts,
        NOT_DEGRADED);
  }

  /** A complete result: every expert the query was routed to answered. */
  public SearchResult(
      String queryId,
      String text,
      RankedItem[] items,
      int[] experts,
      String indexVersion,
      StageLatency latency,
      String cache,
      long tsIn,
      long tsOut) {
    this(queryId, text, items, experts, indexVersion, latency, cache, tsIn, tsOut, false, experts);
  }

  /**
   * True when no product matches the query: the filters exclude every product, or (for a query
   * without filters) the BM25 branch finds nothing and no candidate reaches the job's {@code
   * ranking.min-similarity}. Such a result has no items; on the wire it is {@code "no_match":
   * true}. An answer turned away ({@code degraded: overloaded}, not searched) or cut short ({@link
   * #partial}: an expert or the lexical branch missing) says nothing about matches: {@code false},
   * items empty or not (a client must not show "no results" for "ask again"); a degraded answer
   * that searched ({@code fewer_experts}, {@code fewer_candidates}, {@code fast_path}) and found
   * nothing says {@code true}.
   */
  @JsonProperty("no_match")
  public boolean noMatch() {
    return items.length == 0 && !partial && !OVERLOADED.equals(degraded);
  }

  @JsonIgnore // written by answeredExpertsOnWire()
  @Override
  public int[] answeredExperts() {
    return answeredExperts;
  }

  @JsonProperty("answered_experts")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  private int[] answeredExpertsOnWire() {
    return partial ? answeredExperts : null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SearchResult r
        && queryId.equals(r.queryId)
        && text.equals(r.text)
        && Arrays.equals(items, r.items)
        && Arrays.equals(experts, r.experts)
        && indexVersion.equals(r.indexVersion)
        && latency.equals(r.latency)
        && cache.equals(r.cache)
        && tsIn == r.tsIn
        && tsOut == r.tsOut
        && partial == r.partial
        && Arrays.equals(answeredExperts, r.answeredExperts)
        && degraded.equals(r.degraded);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        queryId,
        text,
        Arrays.hashCode(items),
        Arrays.hashCode(experts),
        indexVersion,
        latency,
        cache,
        tsIn,
        tsOut,
        partial,
        Arrays.hashCode(answeredExperts),
        degraded);
  }

  @Override
  public String toString() {
    return "SearchResult[queryId="
        + queryId
        + ", text="
        + text
        + ", items="
        + Arrays.toString(items)
        + ", experts="
        + Arrays.toString(experts)
        + ", indexVersion="
        + indexVersion
        + ", latency="
        + latency
        + ", cache="
        + cache
        + ", tsIn="
        + tsIn
        + ", tsOut="
        + tsOut
        + ", partial="
        + partial
        + ", answeredExperts="
        + Arrays.toString(answeredExperts)
        + ", degraded="
        + degraded
        + "]";
  }
}
