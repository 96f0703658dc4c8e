package io.moesearch.connectors.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.moesearch.core.rank.EntryCut;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A message on the cache-fill topic: a computed result for one cache key, a query embedding for one
 * normalised text, or the release of one cache key's computation. The streaming job writes one
 * record for every query it computes for the cache: its result or release, carrying the query
 * embedding too when the model computed it for this query ({@link #embeddingModel}), so one record
 * fills both caches; an embedding alone only where there is neither (an explained query) or the two
 * would not fit in one record. The prewarm job writes them ahead of time (older writers wrote a
 * result and an embedding apart: both kinds stay accepted); the job's cache operator consumes them
 * into its result (L1/L2) and embedding (L3) caches. A computation the cache made for a key it will
 * coalesce identical queries on that ends without a cacheable result (degraded or turned away under
 * overload, cut short by the merge timeout) is answered by a {@link Kind#RELEASE}: the queries
 * waiting for it are computed at once instead of after {@code cache.coalesce-wait-ms}. Arrays are
 * not copied.
 *
 * @param kind {@link Kind#RESULT}, {@link Kind#EMBEDDING} or {@link Kind#RELEASE}
 * @param text normalised query text, non-blank
 * @param topK results wanted (results only; 0 for embeddings)
 * @param filters canonical filter string ({@link Filters#canonical()}), {@code ""} for none
 * @param version of a result or a release: the index version that computed it, followed by the
 *     fingerprint of the ranking settings it was ranked with ({@link #resultVersion}; a release the
 *     router sends for a query it could not route carries the index version alone); of an
 *     embedding: the model id; non-blank
 * @param items ranked items of a result (empty for embeddings)
 * @param experts experts that served a result (empty for embeddings)
 * @param embedding the query embedding: of an embedding, required; of a result or a release,
 *     optional (the embedding of its text, computed by the model {@link #embeddingModel} names,
 *     cached as an embedding fill would be)
 * @param ts epoch millis the result reflects the catalogue as of (when its query was accepted,
 *     dated back by the slots' recent catalogue delta lag; the cache's coherence check compares
 *     catalogue changes with it), non-negative
 * @param denseFloor a result's dense floor, in [-1, 1]: the exact score a product needs for this
 *     query to change the result through its dense branch, the lowest score a product needed to be
 *     among the candidates of the experts it searched ({@code -1}: an expert returned fewer than
 *     asked), raised to the score of the last dense candidate the ranking took when they filled its
 *     dense depth; the cache lets a new product that scores below it keep the result valid. {@code
 *     null} when unknown (a fill written before it was recorded, or an embedding)
 * @param lexicalFloor a result's lexical floor, finite and non-negative: the BM25 score a product
 *     needs for this query to enter its lexical branch's candidates, the score of the last of a
 *     full list of hits ({@code 0}: the branch returned fewer than its depth, anything matching a
 *     query term would enter; the largest float when it searched no lexical branch); the cache lets
 *     a new product whose BM25 bound for the query is below it keep the result valid. {@code null}
 *     when unknown (a fill written before it was recorded, or an embedding)
 * @param degraded a release only, else {@code null}: the degradation level the computation's answer
 *     was served at ({@code fewer_experts}, {@code fewer_candidates} or {@code fast_path}) when the
 *     release shares that answer (its items and experts, as of {@code ts}) with the queries waiting
 *     for it: they are answered with it, flagged so, and it is never cached; {@code null} when the
 *     release carries no answer and the waiters are computed
 * @param entryCut a result only: what its top k asked of a product outside its candidates ({@link
 *     EntryCut}); the cache lets a new product that cannot reach its top k keep the result valid
 *     although the product would enter its lexical branch's candidates. {@code null} when none was
 *     drawn (dense-only ranking, a lexical list cut short, fewer items than asked) or unknown
 * @param embeddingModel a result or release that carries its query's {@code embedding}: the id of
 *     the model that computed it (their {@code version} names the index and ranking, not the
 *     model); {@code null} for one without an embedding, and always for an embedding (whose {@code
 *     version} is its model id)
 */
public record CacheFill(
    Kind kind,
    String text,
    int topK,
    String filters,
    String version,
    RankedItem[] items,
    int[] experts,
    @JsonProperty("embedding_f32le")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @JsonSerialize(using = MessageJson.F32leSerializer.class)
        @JsonDeserialize(using = MessageJson.F32leDeserializer.class)
        float[] embedding,
    long ts,
    @JsonProperty("dense_floor") @JsonInclude(JsonInclude.Include.NON_NULL) Float denseFloor,
    @JsonProperty("lexical_floor") @JsonInclude(JsonInclude.Include.NON_NULL) Float lexicalFloor,
    @JsonInclude(JsonInclude.Include.NON_NULL) String degraded,
    @JsonProperty("entry_cut") @JsonInclude(JsonInclude.Include.NON_NULL) EntryCut entryCut,
    @JsonProperty("embedding_model") @JsonInclude(JsonInclude.Include.NON_NULL)
        String embeddingModel) {

  /** A fill without an embedding model (an embedding, a release, a result without embedding). */
  public CacheFill(
      Kind kind,
      String text,
      int topK,
      String filters,
      String version,
      RankedItem[] items,
      int[] experts,
      float[] embedding,
      long ts,
      Float denseFloor,
      Float lexicalFloor,
      String degraded,
      EntryCut entryCut) {
    this(
        kind,
        text,
        topK,
        filters,
        version,
        items,
        experts,
        embedding,
        ts,
        denseFloor,
        lexicalFloor,
        degraded,
        entryCut,
        null);
  }

  /** A fill without an {@link EntryCut}. */
  public CacheFill(
      Kind kind,
      String text,
      int topK,
      String filters,
      String version,
      RankedItem[] items,
      int[] experts,
      float[] embedding,
      long ts,
      Float denseFloor,
      Float lexicalFloor,
      String degraded) {
    this(
        kind,
        text,
        topK,
        filters,
        version,
        items,
        experts,
        embedding,
        ts,
        denseFloor,
        lexicalFloor,
        degraded,
        null);
  }

  /** What a fill carries. */
  public enum Kind {
    @JsonProperty("result")
    RESULT,
    @JsonProperty("embedding")
    EMBEDDING,
    /** The computation of a result key ended without a result to cache; no items. */
    @JsonProperty("release")
    RELEASE
  }

  public CacheFill {
    Checks.requireNonNull(kind, "kind");
    Checks.requireNonBlank(text, "text");
    Checks.requireNonNull(filters, "filters");
    Checks.requireNonBlank(version, "version");
    Checks.requireNonNull(items, "items");
    Checks.requireNonNull(experts, "experts");
    Checks.requireNonNegative(ts, "ts");
    if (denseFloor != null && !(denseFloor >= -1f && denseFloor <= 1f)) {
      throw new IllegalArgumentException("dense_floor must be between -1 and 1, got " + denseFloor);
    }
    if (lexicalFloor != null && !(lexicalFloor >= 0f && lexicalFloor < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "lexical_floor must be finite and non-negative, got " + lexicalFloor);
    }
    if (entryCut != null && kind != Kind.RESULT) {
      throw new IllegalArgumentException("entry_cut belongs to a result");
    }
    if (kind == Kind.EMBEDDING) {
      if (embeddingModel != null) {
        throw new IllegalArgumentException(
            "embedding_model belongs to a result or release carrying its query's embedding (an"
                + " embedding's model is its version)");
      }
    } else if ((embedding == null) != (embeddingModel == null)) {
      throw new IllegalArgumentException(
          "a "
              + kind.name().toLowerCase(Locale.ROOT)
              + " carries embedding_f32le and embedding_model together or neither, got "
              + (embedding == null ? "embedding_model alone" : "embedding_f32le alone"));
    }
    if (embeddingModel != null) {
      Checks.requireNonBlank(embeddingModel, "embedding_model");
    }
    if (kind != Kind.EMBEDDING) {
      if (topK < SearchQuery.MIN_TOP_K || topK > SearchQuery.MAX_TOP_K) {
        throw new IllegalArgumentException(
            "top_k must be between "
                + SearchQuery.MIN_TOP_K
                + " and "
                + SearchQuery.MAX_TOP_K
                + ", got "
                + topK);
      }
      for (int i = 0; i < items.length; i++) {
        Checks.requireNonNull(items[i], "items[" + i + "]");
      }
      if (embedding != null) {
        requireEmbedding(embedding);
      }
      if (kind == Kind.RELEASE) {
        if (degraded == null && (items.length > 0 || experts.length > 0)) {
          throw new IllegalArgumentException(
              "a release carries items and experts only with the degraded level they were served at");
        }
        if (degraded != null && !SHARED_LEVELS.contains(degraded)) {
          throw new IllegalArgumentException(
              "degraded must be one of " + SHARED_LEVELS + ", got " + degraded);
        }
      } else if (degraded != null) {
        throw new IllegalArgumentException("degraded is for releases only");
      }
    } else {
      if (degraded != null) {
        throw new IllegalArgumentException("degraded is for releases only");
      }
      if (topK < 0 || topK > SearchQuery.MAX_TOP_K) {
        throw new IllegalArgumentException("top_k out of range: " + topK);
      }
      requireEmbedding(embedding);
    }
  }

  /** Checks an embedding's shape; the dimension is the reader's to check (it knows the model). */
  private static void requireEmbedding(float[] embedding) {
    if (embedding == null || embedding.length == 0) {
      throw new IllegalArgumentException("embedding_f32le must be a non-empty array");
    }
    for (float x : embedding) {
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("embedding_f32le values must be finite");
      }
    }
  }

  /**
   * Whether this fill carries a query embedding for the embedding cache: an embedding, or a result
   * or release that carries its query's ({@link #embeddingModel}).
   */
  public boolean carriesEmbedding() {
    return embedding != null;
  }

  /**
   * The id of the model that computed the embedding this fill carries: an embedding's {@link
   * #version}, a result's or release's {@link #embeddingModel}; {@code null} when it carries none.
   */
  public String embeddingModelId() {
    return kind == Kind.EMBEDDING ? version : embeddingModel;
  }

  /**
   * This result or release with its query's embedding {@code vector}, computed by the model {@code
   * modelId}: one record that fills (or releases) the result cache and fills the embedding cache.
   *
   * @throws IllegalArgumentException when this is an embedding, or the vector is empty or not
   *     finite, or the model id blank
   */
  public CacheFill withEmbedding(String modelId, float[] vector) {
    if (kind == Kind.EMBEDDING) {
      throw new IllegalArgumentException("an embedding fill is an embedding already");
    }
    return new CacheFill(
        kind,
        text,
        topK,
        filters,
        version,
        items,
        experts,
        vector,
        ts,
        denseFloor,
        lexicalFloor,
        degraded,
        entryCut,
        modelId);
  }

  /**
   * An upper bound of the size of this fill's {@link MessageJson} encoding, in bytes, computed from
   * the lengths of its strings and arrays (nothing is encoded): every character counted at the six
   * bytes of a JSON escape, every number at its longest form. A writer compares it with the
   * readers' {@code cache.fill-max-bytes} to decide whether a result and its embedding fit in one
   * record.
   */
  public long encodedSizeBound() {
    long n = 512; // field names, punctuation, kind, top_k, ts, floors, degraded
    n += 6L * (text.length() + filters.length() + version.length());
    for (RankedItem item : items) {
      n += 160 + 6L * (item.productId().length() + item.title().length());
      if (item.explain() != null) {
        for (FeatureContribution c : item.explain()) {
          n += 128 + 6L * c.feature().length();
        }
      }
    }
    n += 12L * experts.length;
    if (embedding != null) {
      n += 4L * ((4L * embedding.length + 2) / 3) + 32;
    }
    if (entryCut != null) {
      n += 512;
    }
    if (embeddingModel != null) {
      n += 32 + 6L * embeddingModel.length();
    }
    return n;
  }

  /** Separates the index version from the ranking fingerprint in a result's {@link #version}. */
  public static final String RANKING_SEPARATOR = "#";

  /**
   * The {@link #version} of a result or release computed on index {@code indexVersion} with the
   * ranking settings whose fingerprint is {@code ranking}: {@code indexVersion + "#" + ranking}, or
   * {@code indexVersion} alone when {@code ranking} is empty. The cache serves a result only when
   * both parts equal what it serves, so an answer ranked with other weights, synonyms or routing
   * settings (a job restarted with a changed configuration, a prewarm job configured apart) is
   * never served.
   *
   * @param ranking letters and digits only, possibly empty
   * @throws IllegalArgumentException on a blank index version or another character in {@code
   *     ranking}
   */
  public static String resultVersion(String indexVersion, String ranking) {
    Checks.requireNonBlank(indexVersion, "indexVersion");
    Objects.requireNonNull(ranking, "ranking");
    for (int i = 0; i < ranking.length(); i++) {
      if (!Character.isLetterOrDigit(ranking.charAt(i)) || ranking.charAt(i) > 127) {
        throw new IllegalArgumentException(
            "a ranking fingerprint is ASCII letters and digits, got '" + ranking + "'");
      }
    }
    return ranking.isEmpty() ? indexVersion : indexVersion + RANKING_SEPARATOR + ranking;
  }

  /**
   * The index version in a result's {@code version} made by {@link #resultVersion}: the part before
   * the last {@link #RANKING_SEPARATOR} ({@code version} itself when there is none).
   */
  public static String indexVersionOf(String version) {
    int at = version.lastIndexOf(RANKING_SEPARATOR);
    return at <= 0 ? version : version.substring(0, at);
  }

  public static CacheFill result(
      String text, int topK, String filters, String version, RankedItem[] items, int[] experts) {
    return result(text, topK, filters, version, items, experts, System.currentTimeMillis());
  }

  /**
   * A result fill stamped {@code computedAt}: for a computed result, when its query was accepted
   * (the result reflects the live catalogue as of then; the cache's coherence check compares
   * catalogue changes with it).
   */
  public static CacheFill result(
      String text,
      int topK,
      String filters,
      String version,
      RankedItem[] items,
      int[] experts,
      long computedAt) {
    return result(text, topK, filters, version, items, experts, computedAt, null, null);
  }

  /**
   * A result fill stamped {@code computedAt} with its dense and lexical floors ({@code null}:
   * unknown).
   */
  public static CacheFill result(
      String text,
      int topK,
      String filters,
      String version,
      RankedItem[] items,
      int[] experts,
      long computedAt,
      Float denseFloor,
      Float lexicalFloor) {
    return result(
        text, topK, filters, version, items, experts, computedAt, denseFloor, lexicalFloor, null);
  }

  /**
   * A result fill stamped {@code computedAt} with its dense and lexical floors and its entry cut
   * ({@code null}: unknown, none).
   */
  public static CacheFill result(
      String text,
      int topK,
      String filters,
      String version,
      RankedItem[] items,
      int[] experts,
      long computedAt,
      Float denseFloor,
      Float lexicalFloor,
      EntryCut entryCut) {
    return new CacheFill(
        Kind.RESULT,
        text,
        topK,
        filters,
        version,
        items,
        experts,
        null,
        computedAt,
        denseFloor,
        lexicalFloor,
        null,
        entryCut);
  }

  public static CacheFill embedding(String text, String modelId, float[] vector) {
    return new CacheFill(
        Kind.EMBEDDING,
        text,
        0,
        "",
        modelId,
        new RankedItem[0],
        new int[0],
        vector,
        System.currentTimeMillis(),
        null,
        null,
        null);
  }

  /**
   * A release of the result key ({@code text}, {@code topK}, {@code filters}) computed with index
   * {@code version}, at {@code ts} (epoch millis).
   */
  public static CacheFill release(String text, int topK, String filters, String version, long ts) {
    return sharedRelease(
        text, topK, filters, version, new RankedItem[0], new int[0], ts, null, null, null);
  }

  /**
   * A release that shares its computation's answer, served at {@code degraded} (one of {@link
   * #SHARED_LEVELS}) with {@code items} from {@code experts}, reflecting the catalogue as of {@code
   * asOf}, with the waiting queries ({@code degraded} {@code null}: none to share, no items).
   */
  public static CacheFill sharedRelease(
      String text,
      int topK,
      String filters,
      String version,
      RankedItem[] items,
      int[] experts,
      long asOf,
      Float denseFloor,
      Float lexicalFloor,
      String degraded) {
    return new CacheFill(
        Kind.RELEASE,
        text,
        topK,
        filters,
        version,
        items,
        experts,
        null,
        asOf,
        denseFloor,
        lexicalFloor,
        degraded);
  }

  /** The degradation levels whose answers a release shares: searched, with fewer candidates. */
  public static final List<String> SHARED_LEVELS =
      List.of("fewer_experts", "fewer_candidates", "fast_path");

  /**
   * The Kafka record key: the text, so the compacted topic keeps the newest fill per text; a
   * release's is the text, a NUL character and {@code release}, so a release never displaces a fill
   * there (releases are not ordered with the text's fills: none needs to be).
   */
  public String recordKey() {
    return kind == Kind.RELEASE ? text + RELEASE_KEY_SUFFIX : text;
  }

  /** What follows the text in a release's record key. */
  public static final String RELEASE_KEY_SUFFIX = "\0release";

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheFill f
        && kind == f.kind
        && text.equals(f.text)
        && topK == f.topK
        && filters.equals(f.filters)
        && version.equals(f.version)
        && Arrays.equals(items, f.items)
        && Arrays.equals(experts, f.experts)
        && Arrays.equals(embedding, f.embedding)
        && ts == f.ts
        && Objects.equals(denseFloor, f.denseFloor)
        && Objects.equals(lexicalFloor, f.lexicalFloor)
        && Objects.equals(degraded, f.degraded)
        && Objects.equals(entryCut, f.entryCut)
        && Objects.equals(embeddingModel, f.embeddingModel);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        kind,
        text,
        topK,
        filters,
        version,
        Arrays.hashCode(items),
        Arrays.hashCode(experts),
        Arrays.hashCode(embedding),
        ts,
        denseFloor,
        lexicalFloor,
        degraded,
        entryCut,
        embeddingModel);
  }

  @Override
  public String toString() {
    return "CacheFill[kind="
        + kind
        + ", text="
        + text
        + ", topK="
        + topK
        + ", filters="
        + filters
        + ", version="
        + version
        + ", items="
        + items.length
        + ", embedding="
        + (embedding == null ? "null" : embedding.length + "d")
        + ", ts="
        + ts
        + ", denseFloor="
        + denseFloor
        + ", lexicalFloor="
        + lexicalFloor
        + ", degraded="
        + degraded
        + ", entryCut="
        + entryCut
        + ", embeddingModel="
        + embeddingModel
        + "]";
  }
}
