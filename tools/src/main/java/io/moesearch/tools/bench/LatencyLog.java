package io.moesearch.tools.bench;

import io.moesearch.connectors.message.SearchResult;
import io.moesearch.connectors.message.StageLatency;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every measured answer of a benchmark as one CSV line, to see <em>when</em> a latency tail happens
 * (a checkpoint's synchronous phase every {@code job.checkpoint-interval-ms}, a collector pause),
 * which percentiles cannot show. Columns: {@value #HEADER}; times in epoch milliseconds ({@code
 * ts_in}: accepted by the job, {@code ts_out}: answered), latencies in milliseconds as the job
 * reports them ({@link StageLatency}). Every field is a number or a word from a closed set (the
 * run's mode, {@link SearchResult#cache}, {@link SearchResult#degraded}), so no field is quoted.
 * Not thread-safe: one driver thread writes.
 */
public final class LatencyLog implements AutoCloseable {
  /** The first line of the file. */
  public static final String HEADER =
      "mode,run,ts_in,ts_out,total_ms,embed_ms,route_ms,retrieve_ms,rerank_ms,cache,degraded";

  /** A cache path as the job writes it ({@link SearchResult#CACHE_MISS}, ...): needs no quoting. */
  private static final Pattern WORD = Pattern.compile("[a-z0-9_]{1,32}");

  private final Writer out;

  private LatencyLog(Writer out) throws IOException {
    this.out = out;
    out.write(HEADER);
    out.write('\n');
  }

  /** Creates (or replaces) {@code file} and writes the header. */
  public static LatencyLog create(Path file) {
    try {
      return new LatencyLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the latency log " + file + ": " + e, e);
    }
  }

  /** A log written to {@code out} (tests). */
  static LatencyLog to(Writer out) {
    try {
      return new LatencyLog(new BufferedWriter(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes one answer of run {@code run} (from 1) of mode {@code mode} ({@code on} or {@code off}).
   *
   * @throws IllegalArgumentException if {@code mode} is not {@code on} or {@code off}, or the
   *     answer's cache path is not a word of lower-case letters, digits and underscores (the job
   *     writes {@code miss}, {@code l1}, ...)
   */
  public void write(String mode, int run, SearchResult r) {
    if (!"on".equals(mode) && !"off".equals(mode)) {
      throw new IllegalArgumentException("mode must be on or off, got " + mode);
    }
    Objects.requireNonNull(r, "result");
    if (!WORD.matcher(r.cache()).matches()) {
      throw new IllegalArgumentException("unexpected cache path: " + r.cache());
    }
    StageLatency l = r.latency();
    try {
      out.write(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%s,%s%n",
              mode,
              run,
              r.tsIn(),
              r.tsOut(),
              l.totalMs(),
              l.embedMs(),
              l.routeMs(),
              l.retrieveMs(),
              l.rerankMs(),
              r.cache(),
              r.degraded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
