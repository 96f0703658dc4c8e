/**
 * The pipeline's Flink Kafka sources and sinks, built by {@link KafkaIO} from validated {@link
 * KafkaSettings} (the {@code kafka.*} keys, with their defaults, are the {@link KafkaOptions};
 * {@link StartingOffsets} says where a source without checkpointed offsets starts). Every source
 * wraps each record into a {@code RawMessage} without interpreting it, so reading never fails on
 * bad input: parsing and validation happen downstream. Results and dead letters follow the
 * configured delivery guarantee (exactly-once: Kafka transactions committed on checkpoints, one
 * transactional id prefix per sink, so consumers must read with {@code
 * isolation.level=read_committed}); cache fills (signed) and expert statistics are always
 * at-least-once, as writing one twice is harmless. {@link KafkaSettings#toString()} never prints
 * the values of client properties, which may hold credentials.
 */
package io.moesearch.connectors.kafka;
