package io.moesearch.core.catalog;

/**
 * What a loader does with a line it cannot read. Either way the line is reported, never ignored.
 */
public enum BadLinePolicy {
  /** Report the line and go on. */
  SKIP,
  /** Stop with a {@link CatalogFormatException} naming the line. */
  FAIL
}
