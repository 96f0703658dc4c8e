package io.moesearch.core.rank;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.moesearch.core.catalog.Product;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a hybrid answer's top k asked of a product that was not among its candidates, so that the
 * query cache can tell whether a product upserted later could change the answer ({@link #mayReach})
 * instead of dropping the answer whenever the product would merely enter the lexical branch's
 * candidates: a new product matching a common query word ranks among the 100 BM25 hits of many
 * cached answers, but in the top 10 of few.
 *
 * <p>A new product scoring below {@link #bm25Bar} ranks in the BM25 list below every item of the
 * answer and below the list's {@value HybridRanker#SIGNAL_DEPTH}th hit, so it changes neither the
 * items' features (their ranks, the normaliser, the query signals of {@link HybridRanker#fuse})
 * nor, outside the dense list, anything but its own score; its fused score is then at most what
 * {@link #mayReach} bounds, and below {@link #kthScore} it leaves the answer's top k as they were.
 *
 * @param denseWeight the fusion's weight of the dense cosine for the query ({@link
 *     LinearFusion#denseWeight} of its signals), finite
 * @param bm25Top the BM25 score of the first lexical hit (the normaliser of the {@code bm25}
 *     feature), finite and positive
 * @param bm25Bar the BM25 score of the lexical hit at {@link #barRank}, in [0, {@code bm25Top}]
 * @param barRank the 0-based rank in the BM25 list of the lowest-ranked hit that is the {@value
 *     HybridRanker#SIGNAL_DEPTH}th or one of the answer's items, at least {@code SIGNAL_DEPTH - 1}
 * @param kthScore the fused score of the answer's last ({@code k}th) item, finite
 */
public record EntryCut(
    @JsonProperty("dense_weight") float denseWeight,
    @JsonProperty("bm25_top") float bm25Top,
    @JsonProperty("bm25_bar") float bm25Bar,
    @JsonProperty("bar_rank") int barRank,
    @JsonProperty("kth_score") float kthScore) {

  /** The most {@link #barRank} can be: the largest {@code ranking.lexical-depth}. */
  public static final int MAX_BAR_RANK = 100_000;

  /** Absolute and relative tolerance on {@link #kthScore} (a float of a double sum). */
  static final double SCORE_SLACK = 1e-6;

  public EntryCut {
    if (!Float.isFinite(denseWeight) || !Float.isFinite(kthScore)) {
      throw new IllegalArgumentException(
          "dense_weight and kth_score must be finite, got " + denseWeight + ", " + kthScore);
    }
    if (!(bm25Top > 0 && bm25Top < Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("bm25_top must be finite and positive, got " + bm25Top);
    }
    if (!(bm25Bar >= 0 && bm25Bar <= bm25Top)) {
      throw new IllegalArgumentException(
          "bm25_bar must be between 0 and bm25_top (" + bm25Top + "), got " + bm25Bar);
    }
    if (barRank < HybridRanker.SIGNAL_DEPTH - 1 || barRank > MAX_BAR_RANK) {
      throw new IllegalArgumentException(
          "bar_rank must be between "
              + (HybridRanker.SIGNAL_DEPTH - 1)
              + " and "
              + MAX_BAR_RANK
              + ", got "
              + barRank);
    }
  }

  /**
   * The cut of an answer fused by {@link HybridRanker#fuse}, or {@code null} when it cannot bound
   * what a new product does: fewer than {@code k} items (anything could join them), fewer than
   * {@value HybridRanker#SIGNAL_DEPTH} BM25 hits or a lexical floor of 0 (the hits' raw scores are
   * not known), or no item with a non-zero cosine (the query signals are not known).
   *
   * @param lexical the BM25 hits fused, best first, with their normalised {@code bm25} features
   * @param lexicalFloor the raw BM25 score of the last of {@code lexical} (0 when unknown)
   * @param top the fused answer, best first, with complete features ({@link HybridRanker#fuse})
   * @param model the fusion that ranked it
   * @param k the answer's size asked for
   */
  public static EntryCut of(
      List<HybridRanker.Scored> lexical,
      float lexicalFloor,
      List<HybridRanker.Scored> top,
      LinearFusion model,
      int k) {
    if (top.size() < k || k < 1 || lexical.size() < HybridRanker.SIGNAL_DEPTH) {
      return null;
    }
    double last = lexical.get(lexical.size() - 1).features()[RankingFeatures.BM25];
    if (!(lexicalFloor > 0) || !(last > 0)) {
      return null;
    }
    // The normaliser: the first hit's raw score, which divided every hit's (HybridRanker.lexical).
    double bm25Top = lexicalFloor / last;
    Map<String, Integer> lexicalRank = new HashMap<>();
    for (int i = 0; i < lexical.size(); i++) {
      lexicalRank.putIfAbsent(lexical.get(i).productId(), i);
    }
    int barRank = HybridRanker.SIGNAL_DEPTH - 1;
    RankingFeatures.QuerySignals signals = null;
    for (HybridRanker.Scored s : top) {
      barRank = Math.max(barRank, lexicalRank.getOrDefault(s.productId(), -1));
      if (signals == null && s.features()[RankingFeatures.DENSE] != 0) {
        signals = RankingFeatures.signals(s.features());
      }
    }
    if (signals == null) {
      return null;
    }
    float top1 = (float) bm25Top;
    float bar = (float) (bm25Top * lexical.get(barRank).features()[RankingFeatures.BM25]);
    float kth = (float) model.score(top.get(k - 1).features());
    float w = (float) model.denseWeight(signals);
    if (!(top1 > 0 && top1 < Float.POSITIVE_INFINITY) || !Float.isFinite(w)) {
      return null;
    }
    return new EntryCut(w, top1, Math.min(bar, top1), barRank, kth);
  }

  /**
   * Whether a product outside the answer's dense candidates could be among its top k if it were
   * ranked now: its BM25 score (up to the relative {@code bm25Slack}) reaches {@link #bm25Bar}, or
   * it carries one of the query's codes (the {@code code_exact} normalisation of {@link
   * HybridRanker#fuse} then moves other candidates), or its fused score with every feature read
   * from the product and the query, the BM25 rank feature at its best ({@code barRank + 1}) and the
   * cosine within {@code cosineSlack}, reaches {@link #kthScore}. Only an answer whose other items
   * keep their scores can be judged by one product's score: the bar guarantees that.
   *
   * @param features the features the fusion read ({@link HybridRanker#features})
   * @param query the query, analysed by {@code features}
   * @param product the product as the ranking reads it ({@link HybridRanker#rankedProduct})
   * @param cosine its exact cosine with the query's embedding
   * @param bm25 its raw BM25 score for the query (0 when it shares no term)
   */
  public boolean mayReach(
      LinearFusion model,
      RankingFeatures features,
      RankingFeatures.QueryTerms query,
      Product product,
      double cosine,
      double cosineSlack,
      double bm25,
      double bm25Slack) {
    if (bm25 * (1 + bm25Slack) >= bm25Bar) {
      return true;
    }
    double[] f = features.of(query, product, 0, 0, -1, -1);
    if (f[RankingFeatures.CODE_EXACT] > 0) {
      return true;
    }
    double[] w = model.weights();
    double bm25Hi = bm25 * (1 + bm25Slack) / bm25Top;
    double bm25Lo = Math.max(0, bm25 * (1 - bm25Slack)) / bm25Top;
    double rrHi = 1.0 / (RankingFeatures.RRF_K + barRank + 2);
    double bound =
        model.score(f) // every feature that does not depend on its ranks, cosine or BM25 score
            + Math.max(w[RankingFeatures.BM25] * bm25Hi, w[RankingFeatures.BM25] * bm25Lo)
            + Math.max(w[RankingFeatures.BM25_RR] * rrHi, 0)
            + Math.max(denseWeight * (cosine + cosineSlack), denseWeight * (cosine - cosineSlack));
    return bound >= kthScore - SCORE_SLACK * Math.max(1, Math.abs(kthScore));
  }
}
