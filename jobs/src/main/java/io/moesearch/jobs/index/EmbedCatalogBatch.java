package io.moesearch.jobs.index;

import io.moesearch.core.artifact.IndexBuilder;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbedderConfig;
import io.moesearch.core.embed.EmbeddingModel;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.flink.api.common.accumulators.IntCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds one length-sorted batch of the catalogue and writes it to the build's work directory;
 * emits the number of products embedded. Each subtask loads the version's catalogue copy ({@link
 * IndexBuilder#readCatalog}) and its own model in {@code open()}; batch numbers index {@link
 * IndexBuilder#embeddingBatches}, which is deterministic, so every subtask agrees on what batch
 * {@code b} holds. Progress is logged per subtask.
 */
public final class EmbedCatalogBatch extends RichMapFunction<Integer, Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EmbedCatalogBatch.class);

  /** Accumulator with the number of products embedded so far, polled by the client for progress. */
  public static final String PROGRESS_ACCUMULATOR = "products-embedded";

  private final String artifactDir;
  private final String workDir;
  private final EmbedderConfig embedderConfig;
  private final int batchSize;

  private transient Catalog catalog;
  private transient int[][] batches;
  private transient EmbeddingModel model;
  private transient Embedder embedder;
  private transient int embedded;
  private transient IntCounter progress;
  private transient long lastLog;
  private transient String subtask;

  /**
   * @param artifactDir the version being built, which holds its catalogue copy
   * @param workDir where the embedded batches go
   */
  public EmbedCatalogBatch(
      String artifactDir, String workDir, EmbedderConfig embedderConfig, int batchSize) {
    this.artifactDir = artifactDir;
    this.workDir = workDir;
    this.embedderConfig = embedderConfig;
    this.batchSize = batchSize;
  }

  @Override
  public void open(OpenContext ctx) throws IOException {
    catalog = IndexBuilder.readCatalog(Path.of(artifactDir));
    batches = IndexBuilder.embeddingBatches(catalog, batchSize);
    model = EmbeddingModel.load(embedderConfig);
    embedder = model.newEmbedder();
    var info = getRuntimeContext().getTaskInfo();
    subtask = (info.getIndexOfThisSubtask() + 1) + "/" + info.getNumberOfParallelSubtasks();
    lastLog = System.nanoTime();
    progress = new IntCounter();
    getRuntimeContext().addAccumulator(PROGRESS_ACCUMULATOR, progress);
  }

  @Override
  public Integer map(Integer batch) throws Exception {
    int[] ords = batches[batch];
    IndexBuilder.writeEmbeddedBatch(
        Path.of(workDir), batch, ords, IndexBuilder.embedBatch(catalog, ords, embedder));
    embedded += ords.length;
    progress.add(ords.length);
    if (LOG.isDebugEnabled() && System.nanoTime() - lastLog > 10_000_000_000L) {
      lastLog = System.nanoTime();
      LOG.debug(
          "embed subtask {}: {} products embedded (catalogue: {})",
          subtask,
          embedded,
          catalog.size());
    }
    return ords.length;
  }

  @Override
  public void close() {
    if (embedder != null) {
      embedder.close();
    }
    if (model != null) {
      model.close();
    }
  }
}
