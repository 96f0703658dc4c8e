/**
 * The streaming job's operators, one per file, each a thin adapter over the Flink-free core with
 * its own harness test: parsing (the trust boundary of each input topic: anything malformed becomes
 * a dead letter, nothing throws), the query cache, async micro-batched embedding, MoE routing,
 * expert retrieval and the merge that answers each query once. Non-serializable resources are
 * opened in {@code open()} and closed in {@code close()}; keyed state has a TTL or is cleared
 * explicitly.
 */
package io.moesearch.operators;
