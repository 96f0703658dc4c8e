package io.moesearch.core.artifact;

/** An index artifact that is missing, incomplete, corrupted or does not match what is expected. */
public class ArtifactException extends RuntimeException {
  public ArtifactException(String message) {
    super(message);
  }

  public ArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
