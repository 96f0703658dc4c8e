package io.moesearch.tools.cli;

import io.moesearch.connectors.message.RankedItem;
import io.moesearch.connectors.message.SearchQuery;
import io.moesearch.connectors.message.SearchResult;
import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.eval.LatencyStats;
import io.moesearch.core.util.Zipf;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.config.OverloadOptions;
import io.moesearch.jobs.testing.EmbeddedPipeline;
import io.moesearch.tools.bench.JitSettling;
import io.moesearch.tools.bench.JvmActivity;
import io.moesearch.tools.demo.PipelineDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code moe-search bench overload}: hits and misses under 1×, 2× and 4× the miss capacity. */
@Command(
    name = "overload",
    description = {
      "Drive a mixed stream (Zipf repeats + distinct queries) beyond the miss capacity; print"
          + " hit and miss latency, degradation levels and their recall, lost queries.",
      "",
      """
            Starts the embedded pipeline as configured (overload.* included), warms the JVM with
            rounds of distinct queries until the JIT compiler has settled (--jit-settled-share,
            --max-warmup-seconds), and first measures its miss capacity: distinct queries as fast
            as possible with overload protection off (--miss-capacity skips this). A second
            pipeline, warmed with rounds of the mix at 1× until the JIT settles again, then streams,
            for each load factor F (--factors), for --seconds a mix in which distinct, never-seen queries (the first 2 to 6 words of seeded
            random product titles) arrive at F × the miss capacity and repeats of --popular popular
            queries (Zipf, exponent 1, sent once beforehand so they are cached) make up
            --hit-share of the stream. It prints per load: hit and miss latency p99 (in job, and
            end to end from a driver whose producer and consumer run on threads of their own), the
            share of answers at each degradation level, recall@10 of degraded answers against the
            same queries asked again afterwards at a gentle rate (undegraded), and queries lost
            (sent, never answered)."""
    })
final class BenchOverloadCommand extends CliCommand {
  /** Distinct queries per JIT warm-up round (5–10 s at this machine's miss capacity). */
  private static final int WARM_UP_ROUND = 600;

  @Option(
      names = "--factors",
      paramLabel = "F",
      split = ",",
      defaultValue = "1,2,4",
      description = "Offered miss rate as multiples of the miss capacity.")
  private List<Double> factors;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "30",
      description = "Duration of each load.")
  private int seconds;

  @Option(
      names = "--hit-share",
      paramLabel = "SHARE",
      defaultValue = "0.5",
      description = "Share of the stream that repeats popular (cached) queries, in [0, 0.95].")
  private double hitShare;

  @Option(
      names = "--popular",
      paramLabel = "N",
      defaultValue = "200",
      description = "Distinct popular queries the repeats draw from.")
  private int popular;

  @Option(
      names = "--miss-capacity",
      defaultValue = "0",
      paramLabel = "Q/S",
      description = "Miss capacity in queries/s; 0 = measure it first.")
  private double missCapacityOption;

  @Option(
      names = "--recall-sample",
      paramLabel = "N",
      defaultValue = "300",
      description = "Degraded answers per load asked again undegraded for recall@10.")
  private int recallSample;

  @Mixin private JitWarmUpOptions jitWarmUp;

  /** One load's figures; field names are the JSON output's. */
  public static final class Load {
    public double offeredFactor;
    public double offeredPerSec;
    public int sent;
    public int answered;
    public int lost;
    public int hits;
    public int misses;
    public double hitP99Ms;
    public double missP99Ms;
    public double hitE2eP99Ms;
    public double missE2eP99Ms;
    public double missP50Ms;

    /** In-job latency of the answers "overloaded" (not searched; not in the miss figures). */
    public double overloadedP99Ms;

    public Map<String, Double> degradedShare = new LinkedHashMap<>();
    public Double degradedRecallAt10;
    public int degradedRecallQueries;

    /** This JVM's CPU, JIT and GC time over the load's stream. */
    public JvmActivity jvm;
  }

  /** The JSON output. */
  public static final class Report {
    public double missCapacityPerSec;
    public boolean missCapacityMeasured;

    /** This JVM's CPU, JIT and GC time while the miss capacity was measured (if it was). */
    public JvmActivity missCapacityJvm;

    /** The warm-up before the first measurement: rounds until the JIT settled (or the cap). */
    public JitSettling.Result warmUp;

    /** The loads pipeline's own warm-up: rounds of the mix at 1× until the JIT settled again. */
    public JitSettling.Result loadsWarmUp;

    public long maxWaitMs;
    public long maxSojournMs;
    public boolean overloadEnabled;
    public List<Load> loads = new ArrayList<>();
  }

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    atLeast("--seconds", seconds, 1);
    jitWarmUp.check();
    atLeast("--popular", popular, 1);
    within("--hit-share", hitShare, 0, 0.95);
    atLeast("--recall-sample", recallSample, 0);
    // NaN sent no query; Infinity (or 1e308 times a factor) failed after the pipelines started.
    within("--miss-capacity", missCapacityOption, 0, 1_000_000);
    for (double f : factors) {
      atLeast("--factors", f, 0.01);
    }
    IndexArtifact artifact = DemoCommand.ensureIndex(config);
    Catalog catalog = new CatalogLoader(config.badLines(), b -> {}).load(config.catalogPath());
    DistinctTexts texts = new DistinctTexts(catalog, 17);
    Report report = new Report();
    report.overloadEnabled = config.get(OverloadOptions.ENABLED);
    report.maxWaitMs = config.get(OverloadOptions.MAX_WAIT_MS);
    report.maxSojournMs = config.get(OverloadOptions.MAX_SOJOURN_MS);

    double capacity = missCapacityOption;
    if (capacity <= 0) {
      System.out.println("measuring the miss capacity (distinct queries, overload off) ...");
      MoeSearchConfig off = config.with(Map.of(OverloadOptions.ENABLED.key(), "false"));
      try (EmbeddedPipeline p = EmbeddedPipeline.startLocal(off, artifact)) {
        report.warmUp =
            jitWarmUp.warm(
                i ->
                    PipelineDriver.run(
                        p,
                        texts.takeWarmUp("cap-warm" + i + "-", WARM_UP_ROUND),
                        List.of(),
                        0,
                        Duration.ofMinutes(5),
                        r -> {}));
        PipelineDriver.Figures f =
            PipelineDriver.run(
                p, texts.take("cap-", 1500), List.of(), 0, Duration.ofMinutes(10), r -> {});
        capacity = f.throughputPerSec;
        report.missCapacityJvm = f.jvm;
        System.out.println("JVM while measuring it: " + f.jvm.describe());
      }
      report.missCapacityMeasured = true;
    }
    report.missCapacityPerSec = capacity;
    System.out.printf(Locale.ROOT, "miss capacity: %.1f queries/s%n", capacity);

    List<String> pool = new ArrayList<>();
    for (SearchQuery q : texts.take("pop-", popular)) {
      pool.add(q.text());
    }
    try (EmbeddedPipeline pipeline = EmbeddedPipeline.startLocal(config, artifact)) {
      System.out.printf("warming: %d popular queries, cached before the loads%n", pool.size());
      List<SearchQuery> warm = new ArrayList<>();
      for (int i = 0; i < pool.size(); i++) {
        warm.add(new SearchQuery("warm-" + i, pool.get(i), 10, null, 0, null));
      }
      PipelineDriver.run(pipeline, warm, List.of(), capacity / 2, Duration.ofMinutes(5), r -> {});
      // This pipeline's own paths (cache hits, overload on, degraded answers) were not part of
      // the capacity's warm-up (or there was none: --miss-capacity): rounds of the mix at 1× until
      // the JIT has settled again (measured:
      // the first load's hit p99 was 82 ms with the compiler still at 11% of the cores, 8-11 ms
      // in the later loads).
      Zipf warmZipf = new Zipf(pool.size(), 1.0, 37);
      Random warmMix = new Random(41);
      double warmRate = capacity / (1 - hitShare);
      int warmRound = (int) Math.round(warmRate * 10);
      report.loadsWarmUp =
          jitWarmUp.warm(
              i -> {
                List<SearchQuery> round = new ArrayList<>(warmRound);
                for (int k = 0; k < warmRound; k++) {
                  String id = "mix-warm" + i + "-" + k;
                  round.add(
                      warmMix.nextDouble() < hitShare
                          ? new SearchQuery(id, pool.get(warmZipf.next()), 10, null, 0, null)
                          : texts.warmUp(id));
                }
                PipelineDriver.run(
                    pipeline, round, List.of(), warmRate, Duration.ofMinutes(5), r -> {});
              });
      Zipf zipf = new Zipf(pool.size(), 1.0, 23);
      Random mix = new Random(29);
      for (double factor : factors) {
        Load load = new Load();
        load.offeredFactor = factor;
        double missRate = factor * capacity;
        load.offeredPerSec = missRate / (1 - hitShare);
        int n = (int) Math.round(load.offeredPerSec * seconds);
        List<SearchQuery> stream = new ArrayList<>(n);
        Set<String> repeatIds = new HashSet<>();
        for (int i = 0; i < n; i++) {
          String id = "f" + factor + "-" + i;
          if (mix.nextDouble() < hitShare) {
            stream.add(new SearchQuery(id, pool.get(zipf.next()), 10, null, 0, null));
            repeatIds.add(id);
          } else {
            stream.add(texts.next(id));
          }
        }
        System.out.printf(
            Locale.ROOT,
            "load %.1f× : %d queries at %.0f/s for %d s (misses offered at %.0f/s)%n",
            factor,
            n,
            load.offeredPerSec,
            seconds,
            missRate);
        Map<String, SearchResult> answers = new ConcurrentHashMap<>();
        LatencyStats hit = new LatencyStats();
        LatencyStats miss = new LatencyStats();
        LatencyStats turnedAway = new LatencyStats();
        PipelineDriver.Figures f =
            PipelineDriver.run(
                pipeline,
                stream,
                List.of(),
                load.offeredPerSec,
                Duration.ofMinutes(3),
                r -> {
                  answers.putIfAbsent(r.queryId(), r);
                  (cached(r) ? hit : overloaded(r) ? turnedAway : miss).add(r.latency().totalMs());
                });
        load.jvm = f.jvm;
        System.out.println("JVM over the load: " + f.jvm.describe());
        load.sent = n;
        load.answered = f.resultsReceived;
        load.lost = n - f.resultsReceived;
        load.hits = hit.count();
        load.misses = miss.count();
        load.hitP99Ms = hit.percentile(99);
        load.missP99Ms = miss.percentile(99);
        load.missP50Ms = miss.percentile(50);
        load.overloadedP99Ms = turnedAway.percentile(99);
        load.hitE2eP99Ms = f.cachePathLatencyMs.getOrDefault("l1_e2e_p99", Double.NaN);
        load.missE2eP99Ms = f.cachePathLatencyMs.getOrDefault("miss_e2e_p99", Double.NaN);
        Map<String, Integer> byLevel = new LinkedHashMap<>();
        for (String level : SearchResult.DEGRADATION_LEVELS) {
          byLevel.put(level, 0);
        }
        List<SearchResult> degraded = new ArrayList<>();
        for (SearchResult r : answers.values()) {
          byLevel.merge(r.degraded(), 1, Integer::sum);
          if (!r.degraded().equals(SearchResult.NOT_DEGRADED)
              && !r.degraded().equals(SearchResult.OVERLOADED)) {
            degraded.add(r);
          }
        }
        byLevel.forEach(
            (k, v) ->
                load.degradedShare.put(k, answers.isEmpty() ? 0 : v / (double) answers.size()));
        // Recall of degraded answers: the same texts asked again, gently, undegraded.
        Collections.shuffle(degraded, new Random(31));
        List<SearchResult> sample = degraded.subList(0, Math.min(recallSample, degraded.size()));
        if (!sample.isEmpty()) {
          List<SearchQuery> again = new ArrayList<>();
          for (SearchResult r : sample) {
            again.add(new SearchQuery("again-" + r.queryId(), r.text(), 10, null, 0, null));
          }
          Map<String, SearchResult> full = new ConcurrentHashMap<>();
          PipelineDriver.run(
              pipeline,
              again,
              List.of(),
              Math.max(1, capacity / 4),
              Duration.ofMinutes(5),
              r -> full.put(r.queryId().substring("again-".length()), r));
          double sum = 0;
          int counted = 0;
          for (SearchResult r : sample) {
            SearchResult ref = full.get(r.queryId());
            if (ref == null || !ref.degraded().equals(SearchResult.NOT_DEGRADED)) {
              continue;
            }
            sum += recallAt10(r.items(), ref.items());
            counted++;
          }
          load.degradedRecallQueries = counted;
          load.degradedRecallAt10 = counted == 0 ? null : sum / counted;
        }
        report.loads.add(load);
      }
    }
    print(report);
    Json.write(json(), report);
    boolean lost = report.loads.stream().anyMatch(l -> l.lost > 0);
    return lost ? 1 : 0;
  }

  private static boolean overloaded(SearchResult r) {
    return r.degraded().equals(SearchResult.OVERLOADED);
  }

  /** Answered from a cache level; misses are what was searched (degraded or not). */
  private static boolean cached(SearchResult r) {
    return !PipelineDriver.computed(r) && !overloaded(r);
  }

  /**
   * |top-10 of {@code got} ∩ top-10 of {@code ref}| / |top-10 of {@code ref}| (1 if ref is empty).
   */
  static double recallAt10(RankedItem[] got, RankedItem[] ref) {
    Set<String> want = new HashSet<>();
    for (int i = 0; i < Math.min(10, ref.length); i++) {
      want.add(ref[i].productId());
    }
    if (want.isEmpty()) {
      return 1;
    }
    int found = 0;
    for (int i = 0; i < Math.min(10, got.length); i++) {
      if (want.contains(got[i].productId())) {
        found++;
      }
    }
    return found / (double) want.size();
  }

  private static void print(Report report) {
    System.out.printf(
        Locale.ROOT,
        "%nmiss capacity %.1f/s (%s); overload %s, max wait %d ms, max sojourn %d ms%n%n",
        report.missCapacityPerSec,
        report.missCapacityMeasured ? "measured" : "given",
        report.overloadEnabled ? "on" : "off",
        report.maxWaitMs,
        report.maxSojournMs);
    System.out.println(
        "| load × miss capacity | offered q/s | hit p99 ms (in job / e2e) | searched miss p50 / p99 ms (in job) | miss e2e p99 ms | overloaded p99 ms | none | fewer_experts | fewer_candidates | fast_path | overloaded | degraded recall@10 | lost |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Load l : report.loads) {
      Map<String, Double> s = l.degradedShare;
      System.out.printf(
          Locale.ROOT,
          "| %.1f | %.0f | %.1f / %.1f | %.0f / %.0f | %.0f | %.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %d |%n",
          l.offeredFactor,
          l.offeredPerSec,
          l.hitP99Ms,
          l.hitE2eP99Ms,
          l.missP50Ms,
          l.missP99Ms,
          l.missE2eP99Ms,
          l.overloadedP99Ms,
          s.get("none"),
          s.get("fewer_experts"),
          s.get("fewer_candidates"),
          s.get("fast_path"),
          s.get("overloaded"),
          l.degradedRecallAt10 == null
              ? "—"
              : String.format(
                  Locale.ROOT, "%.3f (%d)", l.degradedRecallAt10, l.degradedRecallQueries),
          l.lost);
    }
  }

  /**
   * Never-seen query texts: the first 2 to 6 words of seeded random catalogue titles ({@link
   * #next}; once those are all handed out, the first 2 to 4 words of one and a word of another);
   * for warming up, 3 words drawn from a random title in random order ({@link #warmUp}), from a
   * generator of their own so that the measured texts are the same however long the warm-up ran. No
   * text is handed out twice, whichever method made it.
   */
  static final class DistinctTexts {
    private final Catalog catalog;
    private final Random random;
    private final Random warmUpRandom;
    private final Set<String> used = new HashSet<>();
    private final List<Integer> order = new ArrayList<>();
    private int next;
    private boolean prefixesExhausted;

    DistinctTexts(Catalog catalog, long seed) {
      this.catalog = catalog;
      this.random = new Random(seed);
      this.warmUpRandom = new Random(seed ^ 0x5DEECE66DL);
      for (int i = 0; i < catalog.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, random);
    }

    SearchQuery next(String id) {
      if (!prefixesExhausted) {
        for (int tries = 0; tries < 10 * catalog.size(); tries++) {
          String[] w = words(order.get(next++ % order.size()));
          String text =
              String.join(" ", Arrays.copyOf(w, Math.min(w.length, 2 + random.nextInt(5))));
          if (used.add(text)) {
            return new SearchQuery(id, text, 10, null, 0, null);
          }
        }
        prefixesExhausted = true;
      }
      // The long tail past the titles' prefixes (a fast machine's 4× load asks some 38,000): the
      // first 2 to 4 words of a title and a word of another, "HP 300XL Original hdmi".
      for (int tries = 0; tries < 1000; tries++) {
        String[] w = words(order.get(next++ % order.size()));
        String[] other = words(random.nextInt(catalog.size()));
        String text =
            String.join(" ", Arrays.copyOf(w, Math.min(w.length, 2 + random.nextInt(3))))
                + " "
                + other[random.nextInt(other.length)];
        if (used.add(text)) {
          return new SearchQuery(id, text, 10, null, 0, null);
        }
      }
      throw new IllegalStateException("the catalogue has run out of distinct query texts");
    }

    private String[] words(int product) {
      return catalog.get(product).title().split("\\s+");
    }

    List<SearchQuery> take(String prefix, int n) {
      return many(prefix, n, this::next);
    }

    private static List<SearchQuery> many(
        String prefix, int n, java.util.function.Function<String, SearchQuery> make) {
      List<SearchQuery> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(make.apply(prefix + i));
      }
      return out;
    }

    /** A never-seen warm-up text: 3 words of a random title (2 if it has 2), shuffled. */
    SearchQuery warmUp(String id) {
      for (int tries = 0; tries < 1000; tries++) {
        List<String> w =
            new ArrayList<>(
                Arrays.asList(
                    catalog.get(warmUpRandom.nextInt(catalog.size())).title().split("\\s+")));
        if (w.size() < 2) {
          continue;
        }
        Collections.shuffle(w, warmUpRandom);
        String text = String.join(" ", w.subList(0, Math.min(3, w.size())));
        if (used.add(text)) {
          return new SearchQuery(id, text, 10, null, 0, null);
        }
      }
      throw new IllegalStateException("the catalogue has run out of distinct warm-up texts");
    }

    List<SearchQuery> takeWarmUp(String prefix, int n) {
      return many(prefix, n, this::warmUp);
    }
  }
}
