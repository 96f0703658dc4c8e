/**
 * The building blocks of {@code bin/moe-search bench}: seeded workloads, datasets, measurements and
 * reports, run by the bench commands of {@code io.moesearch.tools.cli}. Routing: {@link
 * RoutingDatasets}, {@link TrafficReplay} and {@link RoutingReport}; the live catalogue: {@link
 * FreshnessWorkload}, {@link FreshnessTimeline} and {@link RecallAfterDeletes}; delivery under
 * crashes: {@link ChaosRun}, on a local multi-process cluster. So that a figure can be read, the
 * machine's own limits are measured too: {@link Ceiling} (what the cores can do outside Flink and
 * Kafka), and {@link JvmActivity} and {@link JitSettling} (whether a run measured the job or the
 * JIT compiler's warm-up). Workloads are deterministic for a seed. Runs on a laptop; never
 * deployed.
 */
package io.moesearch.tools.bench;
