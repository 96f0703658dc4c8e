package io.moesearch.core.catalog;

/** A catalogue or judgement file that cannot be read under {@link BadLinePolicy#FAIL}. */
public class CatalogFormatException extends RuntimeException {
  public CatalogFormatException(String message) {
    super(message);
  }
}
