package io.moesearch.core.index;

/** A retrieved product: its catalogue ordinal, id, title and score (higher is better). */
public record Candidate(int ordinal, String productId, String title, float score) {}
