package io.moesearch.core.gate;

import java.io.Serializable;

/**
 * The routing settings: everything {@link LoadAwareRouter} reads, for the job, {@code eval} and
 * {@code bench routing} alike ({@code MoeSearchConfig.loadAwareRouting()}).
 *
 * @param base temperature and the normal path's activation rule ({@code routing.temperature},
 *     {@code routing.activation}, {@code routing.min-experts}, {@code routing.max-experts})
 * @param balanceAlpha {@code routing.balance-alpha}: scores are {@code logit − α · load}; 0 turns
 *     balancing off
 * @param loadHalfLifeMs {@code routing.load-half-life-ms}: half-life of the load counters
 * @param complexityThreshold {@code routing.complexity-threshold}: a query whose gate distribution
 *     has normalised entropy below this takes the fast path; 0 turns the fast path off
 * @param fast the fast path's activation rule ({@code routing.fast-activation}, {@code
 *     routing.fast-max-experts})
 * @param oversample {@code retrieval.oversample} of the normal path
 * @param fastOversample {@code routing.fast-oversample}: HNSW candidates per expert = k × this
 */
public record LoadAwareRoutingConfig(
    RoutingConfig base,
    double balanceAlpha,
    long loadHalfLifeMs,
    double complexityThreshold,
    ActivationRule fast,
    int oversample,
    int fastOversample)
    implements Serializable {

  /**
   * The largest {@code routing.balance-alpha}: at it a load difference of 0.01 of an even share
   * already outweighs any logit difference (at most 2 / temperature, 2,000), and {@code α · load}
   * stays finite for any load the counters reach; near {@code Double.MAX_VALUE} it overflowed to −∞
   * for every expert and routing degenerated to the lowest expert ids.
   */
  public static final double MAX_BALANCE_ALPHA = 1_000_000;

  public LoadAwareRoutingConfig {
    if (base == null || fast == null) {
      throw new IllegalArgumentException("routing config and fast activation rule are required");
    }
    if (!(balanceAlpha >= 0 && balanceAlpha <= MAX_BALANCE_ALPHA)) {
      throw new IllegalArgumentException(
          "routing.balance-alpha must be between 0 and "
              + MAX_BALANCE_ALPHA
              + ", got "
              + balanceAlpha);
    }
    if (loadHalfLifeMs < 1 || loadHalfLifeMs > 365 * 86_400_000L) {
      throw new IllegalArgumentException(
          "routing.load-half-life-ms must be in 1.."
              + 365 * 86_400_000L
              + ", got "
              + loadHalfLifeMs);
    }
    if (!(complexityThreshold >= 0 && complexityThreshold <= 1)) {
      throw new IllegalArgumentException(
          "routing.complexity-threshold must be in [0, 1], got " + complexityThreshold);
    }
    if (oversample < 1 || oversample > 1000) {
      throw new IllegalArgumentException(
          "retrieval.oversample must be in 1..1000, got " + oversample);
    }
    if (fastOversample < 1 || fastOversample > 1000) {
      throw new IllegalArgumentException(
          "routing.fast-oversample must be in 1..1000, got " + fastOversample);
    }
  }

  /**
   * Balancing and the fast path off: the gate's own top experts by {@code base}'s activation rule.
   */
  public static LoadAwareRoutingConfig plain(RoutingConfig base, int oversample) {
    return new LoadAwareRoutingConfig(
        base, 0, 60_000, 0, base.activation(), oversample, oversample);
  }

  public LoadAwareRoutingConfig withAlpha(double alpha) {
    return new LoadAwareRoutingConfig(
        base, alpha, loadHalfLifeMs, complexityThreshold, fast, oversample, fastOversample);
  }
}
