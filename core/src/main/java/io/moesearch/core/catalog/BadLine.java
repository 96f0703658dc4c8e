package io.moesearch.core.catalog;

/** A catalogue or judgement line that could not be read, with its 1-based line number. */
public record BadLine(String source, long lineNumber, String reason) {
  @Override
  public String toString() {
    return source + ":" + lineNumber + ": " + reason;
  }
}
