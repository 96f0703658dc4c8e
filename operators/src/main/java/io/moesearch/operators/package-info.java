/**
 * The streaming job's operators, one per file, each with its own harness test: parsing (the trust
 * boundary of each input topic: anything malformed becomes a dead letter, nothing throws), the
 * query cache, async micro-batched embedding, MoE routing, expert retrieval and the merge that
 * answers each query once. Parsing, embedding, routing and retrieval adapt the Flink-free core to a
 * stream; the query cache ({@link CacheLookup}: all three levels, coalescing and index-version
 * following) and the merge ({@link MergePartials}) are logic of their own, built on state.
 * Non-serializable resources are opened in {@code open()} and closed in {@code close()}; keyed
 * state has a TTL or is cleared explicitly.
 */
package io.moesearch.operators;
