/**
 * Retrieval over the routed experts: per-expert top-k with exact rescoring on full-precision
 * vectors, the merge of experts' candidates, BM25 query building and Lucene pre-filters for brand
 * and price. Free of Flink; the streaming operators call these classes.
 */
package io.moesearch.core.retrieval;
