/**
 * A local standalone Flink cluster from Maven Central jars: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and N TaskManagers ({@code TaskManagerRunner}) as separate
 * JVMs with the cluster image's lib/ layout, a Kafka broker ({@code kafka.Kafka}, KRaft) as its own
 * JVM that can be killed and restarted on its data directory, and job submission through Flink's
 * REST API ({@code RestClusterClient}). What {@code bin/moe-search cluster} and the cluster tests
 * run; never deployed.
 */
package io.moesearch.tools.cluster;
