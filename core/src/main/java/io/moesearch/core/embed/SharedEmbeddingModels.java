package io.moesearch.core.embed;

import java.util.HashMap;
import java.util.Map;

/**
 * One loaded {@link EmbeddingModel} per configuration per class loader (in Flink: per job per
 * TaskManager JVM), shared by every subtask that embeds, each with its own {@link Embedder}. The
 * ONNX Runtime session (the model's weights and arena) is then held once per JVM instead of once
 * per subtask. Reference-counted: the model is closed when the last {@link Lease} is closed.
 * Thread-safe.
 */
public final class SharedEmbeddingModels {
  private static final Map<EmbedderConfig, Entry> MODELS = new HashMap<>();

  private static final class Entry {
    final EmbeddingModel model;
    int leases;

    Entry(EmbeddingModel model) {
      this.model = model;
    }
  }

  private SharedEmbeddingModels() {}

  /**
   * Returns a lease on the model of {@code config}, loading it if no lease is open.
   *
   * @throws IllegalArgumentException as {@link EmbeddingModel#load} does, naming the bad setting
   */
  public static Lease acquire(EmbedderConfig config) {
    synchronized (MODELS) {
      Entry e = MODELS.get(config);
      if (e == null) {
        e = new Entry(EmbeddingModel.load(config));
        MODELS.put(config, e);
      }
      e.leases++;
      return new Lease(config, e.model);
    }
  }

  /** Open leases on the model of {@code config} (0 when it is not loaded). */
  public static int leases(EmbedderConfig config) {
    synchronized (MODELS) {
      Entry e = MODELS.get(config);
      return e == null ? 0 : e.leases;
    }
  }

  /** A holder's use of a shared model; close it once, after closing its embedders. */
  public static final class Lease implements AutoCloseable {
    private final EmbedderConfig config;
    private final EmbeddingModel model;
    private boolean closed;

    private Lease(EmbedderConfig config, EmbeddingModel model) {
      this.config = config;
      this.model = model;
    }

    public EmbeddingModel model() {
      if (closed) {
        throw new IllegalStateException("lease is closed");
      }
      return model;
    }

    @Override
    public void close() {
      synchronized (MODELS) {
        if (closed) {
          return;
        }
        closed = true;
        Entry e = MODELS.get(config);
        if (e != null && e.model == model && --e.leases == 0) {
          MODELS.remove(config);
          model.close();
        }
      }
    }
  }
}
