/**
 * The pipeline's Kafka messages as records whose constructors validate, and their JSON wire format
 * (UTF-8, snake_case; the schemas are in {@code docs/schemas/}, the fields in {@code
 * docs/messages.md}): {@link SearchQuery} (with its {@link Filters}) in, {@link SearchResult} (of
 * {@link RankedItem}s) out, {@link DeadLetter}, {@link CacheFill}, {@link CatalogUpdate} and {@link
 * ExpertStats}, and {@link RawMessage}, a record as consumed. {@link QueryCodec} and {@link
 * CatalogUpdateCodec} are the trust boundary of the input topics: every malformed message becomes a
 * {@link DeadLetter} whose reason names the field, and nothing throws on bad content. {@link
 * MessageJson} encodes and decodes results, dead letters, cache fills and expert statistics (and
 * encodes queries for producers); {@link FillSigner} authenticates cache fills with an HMAC, so
 * only a holder of the key can put answers into the job's caches. Codecs are serializable and
 * create their Jackson mappers lazily, so they can be shipped inside Flink functions.
 */
package io.moesearch.connectors.message;
