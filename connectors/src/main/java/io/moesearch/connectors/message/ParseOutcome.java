package io.moesearch.connectors.message;

/**
 * Result of {@link QueryCodec#parse}: exactly one of {@link Accepted} (a valid query) or {@link
 * Rejected} (a dead letter explaining why the message was refused).
 */
public sealed interface ParseOutcome {

  /** The message was a valid query. */
  record Accepted(SearchQuery query) implements ParseOutcome {
    public Accepted {
      Checks.requireNonNull(query, "query");
    }
  }

  /** The message was refused; {@code deadLetter.reason()} says why. */
  record Rejected(DeadLetter deadLetter) implements ParseOutcome {
    public Rejected {
      Checks.requireNonNull(deadLetter, "deadLetter");
    }
  }

  /** The parsed query, or {@code null} when rejected. */
  default SearchQuery queryOrNull() {
    return this instanceof Accepted a ? a.query() : null;
  }

  /** The dead letter, or {@code null} when accepted. */
  default DeadLetter deadLetterOrNull() {
    return this instanceof Rejected r ? r.deadLetter() : null;
  }
}
