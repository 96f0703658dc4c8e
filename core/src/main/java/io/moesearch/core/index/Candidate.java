package io.moesearch.core.index;

/**
 * A retrieved product: its catalogue ordinal, id, title, brand and model (for lexical ranking
 * features) and score (higher is better).
 */
public record Candidate(
    int ordinal, String productId, String title, String brand, String model, float score) {
  public Candidate {
    brand = brand == null ? "" : brand;
    model = model == null ? "" : model;
  }

  public Candidate(int ordinal, String productId, String title, float score) {
    this(ordinal, productId, title, "", "", score);
  }
}
