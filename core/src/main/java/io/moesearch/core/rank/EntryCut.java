package io.moesearch.core.rank;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.moesearch.core.catalog.Product;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a hybrid answer's top k asked of a product that was not among its candidates, so that the
 * query cache can tell whether a product upserted later could change the answer ({@link #mayReach})
 * instead of dropping the answer whenever the product would merely enter one of its candidate
 * lists: a new product matching a common query word ranks among the 100 BM25 hits of many cached
 * answers, one close to a query among the 20 dense candidates of several, but in the top 10 of few.
 *
 * <p>A new product scoring below {@link #bm25Bar} ranks in the BM25 list below every item of the
 * answer and below the list's {@value HybridRanker#SIGNAL_DEPTH}th hit; one whose cosine is below
 * {@link #denseBar} ranks likewise in the dense list. So it changes neither the items' features
 * (their ranks, the BM25 normaliser, the query signals of {@link HybridRanker#fuse}) nor anything
 * but its own score; its fused score is then at most what {@link #mayReach} bounds, and below
 * {@link #kthScore} it leaves the answer's top k as they were.
 *
 * @param denseWeight the fusion's weight of the dense cosine for the query ({@link
 *     LinearFusion#denseWeight} of its signals), finite
 * @param bm25Top the BM25 score of the first lexical hit (the normaliser of the {@code bm25}
 *     feature), finite and positive
 * @param bm25Bar the BM25 score of the lexical hit at {@link #barRank}, in [0, {@code bm25Top}]
 * @param barRank the 0-based rank in the BM25 list of the lowest-ranked hit that is the {@value
 *     HybridRanker#SIGNAL_DEPTH}th or one of the answer's items, at least {@code SIGNAL_DEPTH - 1}
 * @param kthScore the fused score of the answer's last ({@code k}th) item, finite
 * @param denseBar the cosine of the dense candidate at {@link #denseBarRank}, in [-1, 1]; -1 when
 *     the dense list held fewer than {@value HybridRanker#SIGNAL_DEPTH} (then no product entering
 *     it is below the bar)
 * @param denseBarRank the 0-based rank in the dense list (by cosine) of the lowest-ranked candidate
 *     that is the {@value HybridRanker#SIGNAL_DEPTH}th or one of the answer's items, at least
 *     {@code SIGNAL_DEPTH - 1}
 */
public record EntryCut(
    @JsonProperty("dense_weight") float denseWeight,
    @JsonProperty("bm25_top") float bm25Top,
    @JsonProperty("bm25_bar") float bm25Bar,
    @JsonProperty("bar_rank") int barRank,
    @JsonProperty("kth_score") float kthScore,
    @JsonProperty("dense_bar") float denseBar,
    @JsonProperty("dense_bar_rank") int denseBarRank) {

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
    requireRank(barRank, "bar_rank");
    if (!(denseBar >= -1f && denseBar <= 1f)) {
      throw new IllegalArgumentException("dense_bar must be between -1 and 1, got " + denseBar);
    }
    requireRank(denseBarRank, "dense_bar_rank");
  }

  private static void requireRank(int rank, String name) {
    if (rank < HybridRanker.SIGNAL_DEPTH - 1 || rank > MAX_BAR_RANK) {
      throw new IllegalArgumentException(
          name
              + " must be between "
              + (HybridRanker.SIGNAL_DEPTH - 1)
              + " and "
              + MAX_BAR_RANK
              + ", got "
              + rank);
    }
  }

  /** {@code x} as a float no larger than it (a bar must not rise by rounding). */
  private static float down(double x) {
    float f = (float) x;
    return f > x ? Math.nextDown(f) : f;
  }

  /**
   * The rank of the bar in a list ranked as {@code ids}: the lowest-ranked of the {@value
   * HybridRanker#SIGNAL_DEPTH}th and the answer's items found in it.
   */
  private static int barRank(List<String> ids, List<HybridRanker.Scored> top) {
    Map<String, Integer> rank = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      rank.putIfAbsent(ids.get(i), i);
    }
    int bar = HybridRanker.SIGNAL_DEPTH - 1;
    for (HybridRanker.Scored s : top) {
      bar = Math.max(bar, rank.getOrDefault(s.productId(), -1));
    }
    return bar;
  }

  /**
   * The cut of an answer fused by {@link HybridRanker#fuse}, or {@code null} when it cannot bound
   * what a new product does: fewer than {@code k} items (anything could join them), fewer than
   * {@value HybridRanker#SIGNAL_DEPTH} BM25 hits or a lexical floor of 0 (the hits' raw scores are
   * not known), no item with a non-zero cosine (the query signals are not known), or, with a {@code
   * code_exact}, {@code code_near}, {@code code_partial}, {@code brand_match} or {@code
   * colour_conflict} weight (a code's carriers decide whether the brand named beside it counts, and
   * whether a colour near the query's conflicts: {@link RankingFeatures#conflictNearColours}), a
   * candidate below a full list's bar carrying a share of the query's codes or a partial code
   * match, or fitting the device the query names ({@link RankingFeatures#fitsDevice}: promoted, it
   * lowers the carriers lacking a word it names, {@link RankingFeatures#lowerUnaskedCarriers}),
   * which new products could push out of the candidates ({@link #codeCarrierMayLeave}); or, with a
   * {@code words_uncovered} weight, accessories of what the query asks for or variants of what it
   * names whose lowering a new product may change ({@link #loweringMayChange}).
   *
   * @param text the query's text, as {@link HybridRanker#fuse} read it
   * @param dense the dense candidates fused, as passed to {@link HybridRanker#fuse}
   * @param denseDepth the dense depth fused
   * @param lexical the BM25 hits fused, best first, with their normalised {@code bm25} features
   * @param lexicalFloor the raw BM25 score of the last of {@code lexical} (0 when unknown)
   * @param top the fused answer, best first, with complete features ({@link HybridRanker#fuse})
   * @param model the fusion that ranked it
   * @param k the answer's size asked for
   */
  public static EntryCut of(
      String text,
      List<HybridRanker.Scored> dense,
      int denseDepth,
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
    RankingFeatures.QuerySignals signals = null;
    for (HybridRanker.Scored s : top) {
      if (s.features()[RankingFeatures.DENSE] != 0) {
        signals = RankingFeatures.signals(s.features());
        break;
      }
    }
    if (signals == null) {
      return null;
    }
    int barRank = barRank(lexical.stream().map(HybridRanker.Scored::productId).toList(), top);
    List<HybridRanker.Scored> denseRanked =
        HybridRanker.bestDistinct(
            dense,
            c -> c.features()[RankingFeatures.DENSE],
            HybridRanker.Scored::productId,
            denseDepth);
    int denseBarRank = HybridRanker.SIGNAL_DEPTH - 1;
    float denseBar = -1f;
    if (denseRanked.size() >= HybridRanker.SIGNAL_DEPTH) {
      denseBarRank =
          barRank(denseRanked.stream().map(HybridRanker.Scored::productId).toList(), top);
      denseBar =
          Math.max(
              -1f,
              Math.min(1f, down(denseRanked.get(denseBarRank).features()[RankingFeatures.DENSE])));
    }
    if (model.weight(RankingFeatures.WORDS_UNCOVERED) != 0
        && loweringMayChange(
            text,
            model.weight(RankingFeatures.WORDS_UNCOVERED) > 0,
            denseRanked,
            denseRanked.size() >= denseDepth,
            denseBarRank,
            lexical,
            barRank,
            top)) {
      return null;
    }
    if ((model.weight(RankingFeatures.CODE_EXACT) != 0
            || model.weight(RankingFeatures.CODE_NEAR) != 0
            || model.weight(RankingFeatures.CODE_PARTIAL) != 0
            || model.weight(RankingFeatures.BRAND_MATCH) != 0
            || model.weight(RankingFeatures.COLOUR_CONFLICT) != 0)
        && codeCarrierMayLeave(
            HybridRanker.features().deviceFit(text),
            denseRanked,
            denseRanked.size() >= denseDepth,
            denseBarRank,
            lexical,
            barRank)) {
      return null;
    }
    float top1 = (float) bm25Top;
    float bar = down(bm25Top * lexical.get(barRank).features()[RankingFeatures.BM25]);
    float kth = (float) model.score(top.get(k - 1).features());
    float w = (float) model.denseWeight(signals);
    if (!(top1 > 0 && top1 < Float.POSITIVE_INFINITY) || !Float.isFinite(w)) {
      return null;
    }
    return new EntryCut(
        w, top1, Math.max(0f, Math.min(bar, top1)), barRank, kth, denseBar, denseBarRank);
  }

  /**
   * Whether a new product may change which candidates are lowered as accessories of what the query
   * asks for ({@link RankingFeatures#lowerAccessoriesOf}) or as variants of what it names ({@link
   * RankingFeatures#lowerUnaskedVariants}), a change to items the bound on its own score does not
   * see: a candidate of either kind in the top k not lowered (a new product holding the query's
   * words lowers it), or a lowered one all of whose lowering candidates sit below a full list's bar
   * (new products may push them off and raise it); with a positive {@code words_uncovered} weight
   * (lowering raises), any candidate of either kind.
   */
  private static boolean loweringMayChange(
      String text,
      boolean positive,
      List<HybridRanker.Scored> denseRanked,
      boolean denseFull,
      int denseBarRank,
      List<HybridRanker.Scored> lexical,
      int barRank,
      List<HybridRanker.Scored> top) {
    Map<String, Integer> index = new LinkedHashMap<>();
    List<String> titles = new ArrayList<>();
    for (List<HybridRanker.Scored> list : List.of(denseRanked, lexical)) {
      for (HybridRanker.Scored s : list) {
        if (index.putIfAbsent(s.productId(), titles.size()) == null) {
          titles.add(s.title());
        }
      }
    }
    RankingFeatures features = HybridRanker.features();
    boolean words = RankingFeatures.wordsOnly(text);
    boolean variants = features.mayNameVariants(titles);
    if (!words && !variants) {
      return false;
    }
    RankingFeatures.QueryTerms q = features.query(text);
    List<RankingFeatures.Lowering> readings = new ArrayList<>();
    if (words) {
      readings.add(features.accessoryLowering(q, titles));
    }
    if (variants) {
      readings.add(features.variantLowering(q, titles));
    }
    // The candidates new products cannot push off: at or above a list's bar, or in a dense list
    // that is not full.
    Set<Integer> staying = new HashSet<>();
    for (int r = 0; r <= Math.min(barRank, lexical.size() - 1); r++) {
      staying.add(index.get(lexical.get(r).productId()));
    }
    for (int r = 0; r < denseRanked.size(); r++) {
      if (!denseFull || r <= denseBarRank) {
        staying.add(index.get(denseRanked.get(r).productId()));
      }
    }
    for (RankingFeatures.Lowering reading : readings) {
      if (reading.members().isEmpty()) {
        continue;
      }
      if (positive) {
        return true;
      }
      for (HybridRanker.Scored s : top) {
        Integer i = index.get(s.productId());
        if (i != null && reading.members().contains(i) && !reading.loweredBy().containsKey(i)) {
          return true;
        }
      }
      for (Set<Integer> by : reading.loweredBy().values()) {
        if (Collections.disjoint(by, staying)) {
          return true; // every candidate lowering it may leave
        }
      }
    }
    return false;
  }

  /**
   * Whether a candidate new products push off the end of a full list may carry a share of the
   * query's codes. Every new product the cut keeps ranks below the list's bar, so the candidates
   * below the bar of a full list (the BM25 hits; the dense candidates when the dense list is full)
   * are the ones that several of them together can push off, and out of the fused candidates. One
   * carrying the union's largest share (of the model fields or of the offers), or the only model
   * field among offers, is the normaliser of other candidates' {@code code_exact} ({@link
   * RankingFeatures#normaliseCodeShare}), and its leaving raises theirs (the last one leaving also
   * takes every candidate's {@code code_near} away and gives them their {@code code_partial}); the
   * nearest partial match likewise scales the others' {@code code_partial}: a change to items the
   * bound on a new product's own score does not see. So is an accessory fitting the device the
   * query names ({@code fit}, {@link RankingFeatures#fitsDevice}), which the fusion may promote and
   * which then lowers the carriers lacking a word it names ({@link
   * RankingFeatures#lowerUnaskedCarriers}). The lists' features are the raw shares, as {@link
   * HybridRanker#fuse} receives them.
   */
  private static boolean codeCarrierMayLeave(
      RankingFeatures.DeviceFit fit,
      List<HybridRanker.Scored> denseRanked,
      boolean denseFull,
      int denseBarRank,
      List<HybridRanker.Scored> lexical,
      int barRank) {
    for (int i = barRank + 1; i < lexical.size(); i++) {
      if (carriesCode(lexical.get(i), fit)) {
        return true;
      }
    }
    if (denseFull) {
      for (int i = denseBarRank + 1; i < denseRanked.size(); i++) {
        if (carriesCode(denseRanked.get(i), fit)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean carriesCode(HybridRanker.Scored s, RankingFeatures.DeviceFit fit) {
    return RankingFeatures.carriesCode(s.features())
        || fit != null
            && (HybridRanker.features().fitsDevice(fit, s.title())
                || HybridRanker.features().namesDevice(fit, s.title()));
  }

  /**
   * Whether a new product could be among the answer's top k if it were ranked now, given which of
   * its candidate lists it may enter ({@code dense}: it joined one of the answer's experts and its
   * cosine reaches the answer's dense floor; {@code lexical}: its BM25 score reaches the lexical
   * floor; in neither it cannot change the answer): it may when, in a list it may enter, it reaches
   * the bar ({@link #bm25Bar} up to the relative {@code bm25Slack}, {@link #denseBar} up to {@code
   * cosineSlack}); when it carries one of the query's codes, is the accessory the query asks for of
   * a device it names ({@link RankingFeatures#fitsDevice}), or names a code in part while {@code
   * code_partial} weighs (the {@code code_exact} and {@code code_partial} normalisation of {@link
   * HybridRanker#fuse} then moves other candidates); or when its fused score reaches {@link
   * #kthScore}, bounded with every feature read from the product and the query, its rank features
   * at their best below the bars ({@code bar + 1}), its cosine within {@code cosineSlack} and its
   * BM25 score within {@code bm25Slack}. The candidates ranked below it in a list it enters lose
   * rank (and the last one its place and its BM25 score): that leaves the answer as it was only
   * while the fusion weighs those features non-negatively, as every fit so far has; with a negative
   * weight on the rank features or the BM25 score of a list it enters, it may always reach.
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
      boolean dense,
      double bm25,
      double bm25Slack,
      boolean lexical) {
    if (!dense && !lexical) {
      return false;
    }
    if (lexical && bm25 * (1 + bm25Slack) >= bm25Bar) {
      return true;
    }
    if (dense && cosine + cosineSlack >= denseBar) {
      return true;
    }
    // Below it in a list, and the candidate it pushes off the list's end, lose rank features (and
    // that candidate its BM25 score): they fall back only when those weigh non-negatively.
    if (lexical
            && (model.weight(RankingFeatures.BM25_RR) < 0 || model.weight(RankingFeatures.BM25) < 0)
        || dense && model.weight(RankingFeatures.DENSE_RR) < 0) {
      return true;
    }
    RankingFeatures.DeviceFit fit = query.deviceFit();
    if (fit != null
        && (features.fitsDevice(fit, product.title())
            || features.namesDevice(fit, product.title()))) {
      // the accessory the query asks for: the fusion gives it code_exact 1; or a title naming the
      // device, which lets the fusion promote its accessories (RankingFeatures#promoteDeviceFits)
      return true;
    }
    if (model.weight(RankingFeatures.WORDS_UNCOVERED) > 0
        && (features.accessoryOf(query, product.title())
            || features.variantOf(query, product.title()))) {
      // lowered as an accessory or a variant (RankingFeatures#lowerAccessoriesOf,
      // RankingFeatures#lowerUnaskedVariants), it would rank higher
      return true;
    }
    double[] f = features.of(query, product, 0, 0, -1, -1);
    if (f[RankingFeatures.CODE_EXACT] > 0
        || f[RankingFeatures.CODE_PARTIAL] > 0
            && (model.weight(RankingFeatures.CODE_PARTIAL) != 0
                || model.weight(RankingFeatures.COLOUR_CONFLICT) != 0)) {
      // a code carrier rescales the others' code_exact, a nearer partial match their code_partial;
      // one naming the query's colour makes its line's near colours conflict
      // (RankingFeatures#conflictNearColours)
      return true;
    }
    if (model.weight(RankingFeatures.CODE_NEAR) < 0) {
      // 0 in a list without the query's code (RankingFeatures.normaliseCodeShare): the bound.
      f[RankingFeatures.CODE_NEAR] = 0;
    }
    // Every feature that does not depend on its ranks, its cosine or its BM25 score.
    double bound = model.score(f);
    if (lexical) {
      bound += model.weight(RankingFeatures.BM25) * bm25 * (1 + bm25Slack) / bm25Top;
      bound += model.weight(RankingFeatures.BM25_RR) / (RankingFeatures.RRF_K + barRank + 2);
    }
    if (dense) {
      bound += model.weight(RankingFeatures.DENSE_RR) / (RankingFeatures.RRF_K + denseBarRank + 2);
    }
    bound += Math.max(denseWeight * (cosine + cosineSlack), denseWeight * (cosine - cosineSlack));
    return bound >= kthScore - SCORE_SLACK * Math.max(1, Math.abs(kthScore));
  }
}
