package io.moesearch.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small self-contained SVG charts for the evaluation report (no plotting library needed). */
public final class Charts {
  private Charts() {}

  /** A horizontal bar chart of values in [0, 1], one bar per label, with the value printed. */
  public static String bars(String title, Map<String, Double> values) {
    int rowH = 34;
    int left = 150;
    int width = 640;
    int plot = width - left - 70;
    int height = 50 + rowH * values.size() + 30;
    StringBuilder sb = header(width, height, title);
    for (int t = 0; t <= 10; t += 2) {
      double x = left + t / 10.0 * plot;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"40\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
              x,
              x,
              45 + rowH * values.size() + 5));
      sb.append(
          text(
              (int) x,
              45 + rowH * values.size() + 22,
              String.format(Locale.ROOT, "%.1f", t / 10.0),
              "middle",
              11));
    }
    int y = 45;
    for (var e : values.entrySet()) {
      double v = Math.max(0, Math.min(1, e.getValue()));
      sb.append(text(left - 8, y + 20, e.getKey(), "end", 13));
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4878a8\"/>%n",
              left,
              y + 5,
              v * plot,
              rowH - 10));
      sb.append(
          text(
              (int) (left + v * plot + 6),
              y + 20,
              String.format(Locale.ROOT, "%.3f", e.getValue()),
              "start",
              12));
      y += rowH;
    }
    return sb.append("</svg>\n").toString();
  }

  /**
   * Per-query differences (candidate minus baseline), sorted, as bars above (wins, green) or below
   * (losses, red) the axis, with counts of wins, ties and losses.
   */
  public static String winLoss(String title, List<Double> deltas) {
    List<Double> d = new ArrayList<>(deltas);
    d.sort(Double::compare);
    int width = 760;
    int height = 320;
    int left = 50;
    int plotW = width - left - 20;
    int mid = 170;
    double scale = 120;
    StringBuilder sb = header(width, height, title);
    double bw = (double) plotW / Math.max(1, d.size());
    long wins = d.stream().filter(x -> x > 1e-9).count();
    long losses = d.stream().filter(x -> x < -1e-9).count();
    for (int i = 0; i < d.size(); i++) {
      double v = Math.max(-1, Math.min(1, d.get(i)));
      double h = Math.abs(v) * scale;
      double y = v >= 0 ? mid - h : mid;
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>%n",
              left + i * bw,
              y,
              Math.max(0.5, bw - 0.5),
              Math.max(0.5, h),
              v >= 0 ? "#3a9a4a" : "#c0392b"));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
            left,
            mid,
            left + plotW,
            mid));
    sb.append(text(left - 6, (int) (mid - scale + 4), "+1", "end", 11))
        .append(text(left - 6, mid + 4, "0", "end", 11));
    sb.append(text(left - 6, (int) (mid + scale + 4), "−1", "end", 11));
    sb.append(
        text(
            left,
            height - 15,
            String.format(
                Locale.ROOT,
                "%d queries: %d wins, %d ties, %d losses (ΔnDCG@10 per query, sorted)",
                d.size(),
                wins,
                d.size() - wins - losses,
                losses),
            "start",
            12));
    return sb.append("</svg>\n").toString();
  }

  private static StringBuilder header(int width, int height, String title) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n",
            width,
            height,
            width,
            height));
    sb.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    sb.append(text(width / 2, 24, title, "middle", 15));
    return sb;
  }

  private static String text(int x, int y, String s, String anchor, int size) {
    String esc = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    return String.format(
        Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
        x,
        y,
        anchor,
        size,
        esc);
  }
}
