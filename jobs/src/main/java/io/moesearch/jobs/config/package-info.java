/**
 * The one configuration of every job and command: {@link MoeSearchConfig} loads flat dotted keys
 * from a YAML file with {@code --set key=value} overrides, parses and checks every value when it is
 * built, and hands each job its typed settings. The keys of each area are the {@code ConfigOption}
 * fields of its option class ({@link JobOptions}, {@link CacheOptions}, {@link RoutingOptions} and
 * so on; {@code kafka.*} are the connectors' {@code KafkaOptions}), all listed by {@link
 * AllOptions}, against which {@code conf/moe-search.yaml} and the README's configuration table are
 * tested. An unknown key or a bad value fails with a {@link ConfigException} naming the setting.
 * Adding a setting means adding one option field (and using it).
 */
package io.moesearch.jobs.config;
