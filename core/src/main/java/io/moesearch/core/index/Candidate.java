package io.moesearch.core.index;

/**
 * A retrieved product: its catalogue ordinal ({@code -1} for a product of the live delta), id,
 * title, brand and model (for lexical ranking features), score (higher is better) and price as the
 * index holds it ({@code null} when unknown).
 */
public record Candidate(
    int ordinal,
    String productId,
    String title,
    String brand,
    String model,
    float score,
    Double price) {
  public Candidate {
    brand = brand == null ? "" : brand;
    model = model == null ? "" : model;
  }

  public Candidate(
      int ordinal, String productId, String title, String brand, String model, float score) {
    this(ordinal, productId, title, brand, model, score, null);
  }

  public Candidate(int ordinal, String productId, String title, float score) {
    this(ordinal, productId, title, "", "", score, null);
  }
}
