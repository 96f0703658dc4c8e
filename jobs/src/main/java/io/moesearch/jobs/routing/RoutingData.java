package io.moesearch.jobs.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.GateTrainer;
import io.moesearch.core.synth.BruteForce;
import io.moesearch.jobs.prewarm.QueryLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/** Shared steps of the routing update and {@code bench routing}. */
public final class RoutingData {
  private RoutingData() {}

  /** {@code n} product titles picked with a seeded shuffle: the default query log. */
  public static List<String> titleQueries(Catalog catalog, int n, long seed) {
    List<Integer> ords = new ArrayList<>();
    for (int i = 0; i < catalog.size(); i++) {
      ords.add(i);
    }
    Collections.shuffle(ords, new Random(seed));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, ords.size()); i++) {
      out.add(catalog.get(ords.get(i)).title());
    }
    return out;
  }

  /**
   * A query log: one query a line, either plain text or a JSON object with a {@code text} (or
   * {@code query}) field; blank lines and lines starting with {@code #} are skipped.
   *
   * <p>Not the prewarm job's reader ({@link QueryLog}), which counts distinct queries: this one
   * keeps the log's order and every repetition (the layout's windows are cut in that order and the
   * held-out queries are the last ones), tells JSON from text line by line rather than by file
   * name, stops at a bad line rather than skipping it, and reads neither CSV, {@code .gz} nor a
   * JSON line's {@code count}.
   */
  public static List<String> readQueryLog(Path file, int limit) throws IOException {
    var json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    int line = 0;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      line++;
      String s = raw.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      if (s.startsWith("{")) {
        var node = json.readTree(s);
        var text = node.hasNonNull("text") ? node.get("text") : node.get("query");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
          throw new IllegalArgumentException(
              file + ":" + line + ": a JSON query line needs a non-empty \"text\" or \"query\"");
        }
        s = text.asText();
      }
      out.add(s);
      if (out.size() >= limit) {
        break;
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": the query log holds no queries");
    }
    return out;
  }

  /** Embeds texts in batches of 32, reporting progress every ~500. */
  public static float[][] embed(Embedder embedder, List<String> texts, Consumer<String> progress) {
    float[][] out = new float[texts.size()][];
    int next = 500;
    for (int from = 0; from < texts.size(); from += 32) {
      int to = Math.min(texts.size(), from + 32);
      float[][] v = embedder.embed(texts.subList(from, to));
      System.arraycopy(v, 0, out, from, v.length);
      if (to >= next || to == texts.size()) {
        progress.accept("embedded " + to + "/" + texts.size() + " queries");
        next += 500;
      }
    }
    return out;
  }

  /** The trained gate and the neighbour data it was trained on. */
  public record Training(GateTrainer.Result result, int queries, int k) {}

  /** Re-learns the gate: exact top-k of each query, targets from expert membership, training. */
  public static Training train(
      Gate initial,
      float[][] products,
      int[][] expertsOfProduct,
      float[][] queries,
      int k,
      GateTrainer.Settings settings,
      Consumer<String> progress) {
    progress.accept("exact top-" + k + " of " + queries.length + " logged queries");
    int[][] top = BruteForce.topK(products, queries, k);
    double[][] targets = GateTrainer.neighbourTargets(top, expertsOfProduct, initial.experts());
    GateTrainer.Result r = new GateTrainer(settings).train(initial, queries, targets, progress);
    return new Training(r, queries.length, k);
  }
}
