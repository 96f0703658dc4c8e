package io.moesearch.connectors.message;

/**
 * A search request read from the query topic.
 *
 * <p>The configurable maximum text length is enforced by {@link QueryCodec}; the record itself only
 * requires non-blank text.
 *
 * <p>Character limits count Unicode code points, as JSON Schema {@code maxLength} does.
 *
 * @param queryId caller-chosen id, non-blank, at most {@value #MAX_ID_CHARS} characters
 * @param text query text, non-blank
 * @param topK number of results wanted, {@value #MIN_TOP_K}..{@value #MAX_TOP_K}
 * @param filters optional constraints, may be {@code null}
 * @param ts client timestamp in epoch millis, {@code 0} when absent
 * @param sessionId optional session id, may be {@code null}, at most {@value #MAX_ID_CHARS}
 *     characters
 * @param explain whether each result item should carry its ranking explanation ({@link
 *     RankedItem#explain}); such a query is computed, never answered from the result cache
 */
public record SearchQuery(
    String queryId,
    String text,
    int topK,
    Filters filters,
    long ts,
    String sessionId,
    boolean explain) {

  public static final int MAX_ID_CHARS = 256;
  public static final int MIN_TOP_K = 1;
  public static final int MAX_TOP_K = 100;
  public static final int DEFAULT_TOP_K = 10;

  public SearchQuery {
    Checks.requireNonBlank(queryId, "query_id");
    if (codePoints(queryId) > MAX_ID_CHARS) {
      throw new IllegalArgumentException(
          "query_id must be at most " + MAX_ID_CHARS + " characters, got " + codePoints(queryId));
    }
    Checks.requireNonBlank(text, "text");
    if (topK < MIN_TOP_K || topK > MAX_TOP_K) {
      throw new IllegalArgumentException(
          "top_k must be between " + MIN_TOP_K + " and " + MAX_TOP_K + ", got " + topK);
    }
    Checks.requireNonNegative(ts, "ts");
    if (sessionId != null && codePoints(sessionId) > MAX_ID_CHARS) {
      throw new IllegalArgumentException(
          "session_id must be at most "
              + MAX_ID_CHARS
              + " characters, got "
              + codePoints(sessionId));
    }
  }

  /** A query without {@code explain}. */
  public SearchQuery(
      String queryId, String text, int topK, Filters filters, long ts, String sessionId) {
    this(queryId, text, topK, filters, ts, sessionId, false);
  }

  /** This query with another text (every other field kept). */
  public SearchQuery withText(String newText) {
    return new SearchQuery(queryId, newText, topK, filters, ts, sessionId, explain);
  }

  /** This query with another timestamp (every other field kept). */
  public SearchQuery withTs(long newTs) {
    return new SearchQuery(queryId, text, topK, filters, newTs, sessionId, explain);
  }

  /** Length in Unicode code points, the unit of all character limits on the wire. */
  static int codePoints(String s) {
    return s.codePointCount(0, s.length());
  }
}
