/**
 * The query cache's Flink-free parts: {@link QueryNormalizer}, the one definition of "the same
 * text" (searched, keyed, filtered and indexed in that form), the cache key, and the bounded
 * in-heap L1 cache. The keyed-state levels live in the streaming job's operators.
 */
package io.moesearch.core.cache;
