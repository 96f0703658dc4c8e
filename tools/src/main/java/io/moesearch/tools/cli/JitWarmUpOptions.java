package io.moesearch.tools.cli;

import io.moesearch.jobs.config.ConfigException;
import io.moesearch.tools.bench.JitSettling;
import io.moesearch.tools.bench.JvmActivity;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntConsumer;
import picocli.CommandLine.Option;

/**
 * The warm-up flags of the benchmarks that measure the embedded pipeline from a fresh JVM: rounds
 * of warm-up traffic until the JIT compiler has settled ({@link JitSettling}).
 */
final class JitWarmUpOptions {
  /** The compiler's share of the cores in a round at or below which the JIT counts as settled. */
  static final String SETTLED_SHARE = "0.05";

  @Option(
      names = "--jit-settled-share",
      paramLabel = "SHARE",
      defaultValue = SETTLED_SHARE,
      description =
          "Warm up until a round's JIT compiler threads used at most this share of the cores, in"
              + " (0, 1].")
  double settledShare;

  @Option(
      names = "--max-warmup-seconds",
      paramLabel = "S",
      defaultValue = "300",
      description = "Start no warm-up round after S seconds.")
  int maxSeconds;

  /** Fails naming the flag when a value is out of range (call before any work starts). */
  void check() {
    if (!(settledShare > 0 && settledShare <= 1)) {
      throw new ConfigException("--jit-settled-share must be in (0, 1], got " + settledShare);
    }
    CliCommand.atLeast("--max-warmup-seconds", maxSeconds, 1);
  }

  /** Warms with {@code round} until the JIT settles; prints and returns how it ended. */
  JitSettling.Result warm(IntConsumer round) {
    check();
    return warm(settledShare, maxSeconds, round);
  }

  /**
   * Warms with {@code round} until the compiler used at most {@code settledShare} of the cores in a
   * round, starting none after {@code maxSeconds}; prints each round and how it ended.
   */
  static JitSettling.Result warm(double settledShare, int maxSeconds, IntConsumer round) {
    JitSettling.Result r =
        new JitSettling(settledShare, Duration.ofSeconds(maxSeconds))
            .warm(
                i -> {
                  JvmActivity.Reading before = JvmActivity.read();
                  round.accept(i);
                  System.out.printf(
                      Locale.ROOT, "JIT warm-up round %d: %s%n", i + 1, before.since().describe());
                });
    System.out.printf(
        Locale.ROOT,
        "JIT warm-up: %d rounds, %.0f s, %s; last round %s%n",
        r.rounds(),
        r.seconds(),
        r.settled() ? "settled" : "NOT settled (time cap, or the compiler's CPU is unreadable)",
        r.lastRound().describe());
    return r;
  }
}
