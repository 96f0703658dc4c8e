/**
 * The embedded pipeline ({@code EmbeddedPipeline}: a KRaft broker and the search job on a
 * MiniCluster in one JVM) that the demo, the benchmarks and the ITCases drive, and MiniCluster
 * helpers. Shipped in the jobs test jar, which {@code tools} depends on.
 */
package io.moesearch.jobs.testing;
