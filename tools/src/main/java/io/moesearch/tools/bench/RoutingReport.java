package io.moesearch.tools.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of {@code moe-search bench routing}: its JSON ({@code --json}, the public fields) and
 * its Markdown table.
 */
public final class RoutingReport {
  public Map<String, Object> machine = new LinkedHashMap<>();
  public Map<String, Object> settings = new LinkedHashMap<>();
  public Map<String, Object> datasets = new LinkedHashMap<>();
  public List<Row> rows = new ArrayList<>();

  /** dataset → gate → recall@10 when routing to the top m = 1, 2, 3, 4 experts (no balancing). */
  public Map<String, Map<String, double[]>> recallTopM = new LinkedHashMap<>();

  /**
   * dataset → gate → the activation rule swept over --activations (no balancing, no fast path):
   * experts activated against recall, to compare the gates at equal recall.
   */
  public Map<String, Map<String, List<CurvePoint>>> activationCurve = new LinkedHashMap<>();

  /**
   * One measured configuration; field names are the JSON output's. {@code layout}: {@code experts}
   * (one copy each, utilisation over experts), {@code replicas/hashed} or {@code
   * replicas/least-loaded} (utilisation over slots).
   */
  public record Row(
      String dataset,
      String gate,
      String layout,
      double replication,
      double replicationPostings,
      double alpha,
      double utilisation,
      double bestUtilisation,
      double grainUtilisation,
      double loadEntropy,
      double avgExperts,
      double fastShare,
      double recallAt10,
      double qps,
      int events) {}

  /** One point of an activation sweep over the distinct query pool. */
  public record CurvePoint(double activation, double avgExperts, double recallAt10) {}

  /** Adds a row and prints it as a table line. */
  public void add(Row r) {
    rows.add(r);
    System.out.println(line(r));
  }

  public static String line(Row r) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %.2f× | %.2f× | %s | %.3f | %.3f | %.3f | %.3f | %.2f | %.0f%% | %.3f | %.0f |",
        r.dataset(),
        r.gate(),
        r.layout(),
        r.replication(),
        r.replicationPostings(),
        String.valueOf(r.alpha()),
        r.utilisation(),
        r.bestUtilisation(),
        r.grainUtilisation(),
        r.loadEntropy(),
        r.avgExperts(),
        100 * r.fastShare(),
        r.recallAt10(),
        r.qps());
  }

  public static String table(RoutingReport report) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| dataset | gate | layout | memory (replicas) | memory (vectors) | α | utilisation | best (hindsight) | utilisation (grain windows) | load entropy | avg experts | fast path | recall@10 vs exact | QPS (route+retrieve, 1 thread) |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : report.rows) {
      sb.append(line(r)).append('\n');
    }
    return sb.toString();
  }

  public static String fmt(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (double x : v) {
      sb.append(sb.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.3f", x));
    }
    return sb.toString();
  }
}
