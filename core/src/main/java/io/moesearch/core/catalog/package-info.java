/**
 * The product catalogue: {@link Product} records loaded from JSONL or CSV by {@link CatalogLoader},
 * with a policy for bad lines (fail, skip or report), so a malformed line never silently changes
 * what is indexed.
 */
package io.moesearch.core.catalog;
