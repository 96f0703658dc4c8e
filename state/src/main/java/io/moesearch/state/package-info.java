/**
 * The streaming job's state, in one place: what it keeps, under which names, for how long, and
 * where.
 *
 * <ul>
 *   <li>{@link StateDescriptors}: every state descriptor the operators create (among them the query
 *       cache's {@code cached-results} (L2), {@code cached-embedding} (L3), {@code in-flight},
 *       {@code in-flight-count}, {@code coalesced-waiter-queue} and {@code
 *       coalesced-waiter-counts}; the merge's {@code partials} and {@code merge-status}; the
 *       router's {@code router-loads}; expert retrieval's {@code replica-load}; the live
 *       catalogue's delta), with their TTL policies (L2, L3, the doorkeeper's {@code asked} counts
 *       and the {@code catalog-unapplied} tombstones expire; everything else is cleared by its
 *       operator). The names are in every savepoint and must not change.
 *   <li>The records kept only in state: {@link CachedResult} (L2, and the in-heap L1), {@link
 *       CachedEmbedding} (L3), {@link MergeStatus} and {@link ExpertLoad}. The router's load
 *       snapshot is {@code ExpertLoadTracker.Snapshot} of the Flink-free core, where the tracker
 *       lives.
 *   <li>{@link StateBackends}: the state backend (RocksDB or heap) and checkpoint configuration.
 * </ul>
 *
 * <p>Not here: three states hold stream records of the operators module, {@code
 * coalesced-waiter-queue} and the read-only {@code coalesced-waiters} (the operators' {@code
 * AcceptedQuery}) and {@code partials} ({@code PartialResult}); they flow between operators as
 * well, so they stay with the operators, which pass their classes to the descriptors (this module
 * must not depend on the operators). This module depends on the core and on the connectors, whose
 * {@code RankedItem} the cached results hold.
 */
package io.moesearch.state;
