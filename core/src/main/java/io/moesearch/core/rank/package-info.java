/**
 * Ranking: query–product features ({@link RankingFeatures}), the linear fusion model that combines
 * the dense and BM25 branches ({@link HybridRanker}, {@link LinearFusion}) and coordinate ascent to
 * fit its weights.
 */
package io.moesearch.core.rank;
