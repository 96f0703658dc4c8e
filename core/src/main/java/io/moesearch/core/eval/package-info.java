/**
 * Offline evaluation: graded judgements, IR metrics (nDCG@k, recall@k, MRR), latency statistics and
 * the report charts of {@code bin/moe-search eval}. Figures describe the shipped configuration.
 */
package io.moesearch.core.eval;
