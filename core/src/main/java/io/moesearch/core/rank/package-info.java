/**
 * Ranking: query–product features ({@link io.moesearch.core.rank.RankingFeatures}), the linear
 * fusion model that combines the dense and BM25 branches ({@link
 * io.moesearch.core.rank.HybridRanker}, {@link io.moesearch.core.rank.LinearFusion}) and coordinate
 * ascent to fit its weights.
 */
package io.moesearch.core.rank;
