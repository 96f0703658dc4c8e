package io.moesearch.connectors.message;

/**
 * One ranking feature's part in an item's score ({@link RankedItem#explain}): {@code contribution =
 * weight × value}, and an item's contributions sum to its score (the served linear ranking model;
 * see the ranking features in {@code docs/messages.md}).
 *
 * @param feature the feature's name, non-blank
 * @param value the feature's value for this query and item, finite
 * @param weight the feature's weight in the served ranking model, finite
 * @param contribution {@code weight × value}, finite
 */
public record FeatureContribution(
    String feature, double value, double weight, double contribution) {
  public FeatureContribution {
    Checks.requireNonBlank(feature, "feature");
    for (double d : new double[] {value, weight, contribution}) {
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("feature " + feature + ": values must be finite");
      }
    }
  }

  /** The contribution of {@code value} at {@code weight}. */
  public static FeatureContribution of(String feature, double value, double weight) {
    return new FeatureContribution(feature, value, weight, weight * value);
  }
}
