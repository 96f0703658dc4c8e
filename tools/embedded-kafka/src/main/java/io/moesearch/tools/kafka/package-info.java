/**
 * A real single-node Kafka broker in this JVM: {@link EmbeddedKafka} (KRaft, combined broker and
 * controller) listens on {@code 127.0.0.1} on an ephemeral port, keeps its data in a temporary
 * directory that {@link EmbeddedKafka#close()} deletes, and is configured for transactions on one
 * node. It is the test broker of the connectors and jobs modules (test scope) and the broker of the
 * CLI's demo and benchmarks. For a laptop and the tests only: never part of the job jar, and no
 * production module compiles against it.
 */
package io.moesearch.tools.kafka;
