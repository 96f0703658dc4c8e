/**
 * Ranking: query–product features ({@link RankingFeatures}), the linear fusion model that combines
 * the dense and BM25 branches ({@link HybridRanker}, {@link LinearFusion}) and coordinate ascent to
 * fit its weights (one fit, or the mean of fits on bootstrap resamples).
 */
package io.moesearch.core.rank;
