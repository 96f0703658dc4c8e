/**
 * The product catalogue: {@link io.moesearch.core.catalog.Product} records loaded from JSONL or CSV
 * by {@link io.moesearch.core.catalog.CatalogLoader}, with a policy for bad lines (fail, skip or
 * report), so a malformed line never silently changes what is indexed.
 */
package io.moesearch.core.catalog;
