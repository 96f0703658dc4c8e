/**
 * Lucene indexes of the catalogue: product documents (text fields for BM25, a brand field in normal
 * form for filters, price points, the vector for HNSW), writing an expert's index with the serving
 * codec, and searching one ({@link ExpertIndex}: filtered kNN and BM25).
 */
package io.moesearch.core.index;
