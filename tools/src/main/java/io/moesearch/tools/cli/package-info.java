/**
 * The {@code bin/moe-search} command line: {@link MoeSearch} is the entry point, and each
 * subcommand (demo, eval, index build and compact, prewarm, query, routing update, cluster up,
 * submit and down, and the benchmarks under {@code bench}) documents itself in its picocli
 * annotations. Every subcommand takes the common options ({@code --config FILE}, {@code --set
 * KEY=VALUE}, {@code --json FILE}), and a flag that is a shortcut for a setting shows that
 * setting's own help. Jobs run on Flink's MiniCluster in this JVM, except under {@code cluster} and
 * {@code bench chaos}, which drive a local multi-process cluster; {@code query} is a plain Kafka
 * client. Exit codes: 0 success, 1 the run failed, 2 a usage or configuration error naming the flag
 * or setting. Runs on a laptop; never deployed.
 */
package io.moesearch.tools.cli;
