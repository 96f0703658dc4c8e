package io.moesearch.core.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.catalog.CatalogWriter;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.gate.ExpertAssigner;
import io.moesearch.core.gate.Gate;
import io.moesearch.core.gate.SphericalKMeans;
import io.moesearch.core.index.IndexBuildSettings;
import io.moesearch.core.index.IndexWriting;
import io.moesearch.core.index.VectorEncoding;
import io.moesearch.core.index.VectorStore;
import io.moesearch.core.util.Files2;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The steps of an index build, each usable on its own so that a distributed job (the Flink index
 * build) and the local {@link #buildLocally} share one implementation.
 */
public final class IndexBuilder {
  private IndexBuilder() {}

  /**
   * Catalogue ordinals grouped into embedding batches, ordered by text length so each batch pads
   * little. Deterministic.
   */
  public static int[][] embeddingBatches(Catalog catalog, int batchSize) {
    Integer[] order = new Integer[catalog.size()];
    int[] len = new int[catalog.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      len[i] = catalog.get(i).searchableText().length();
    }
    Arrays.sort(order, Comparator.<Integer>comparingInt(i -> len[i]).thenComparingInt(i -> i));
    int batches = (order.length + batchSize - 1) / batchSize;
    int[][] out = new int[batches][];
    for (int b = 0; b < batches; b++) {
      int from = b * batchSize;
      int to = Math.min(order.length, from + batchSize);
      out[b] = new int[to - from];
      for (int i = from; i < to; i++) {
        out[b][i - from] = order[i];
      }
    }
    return out;
  }

  /** Embeds one batch of catalogue ordinals. */
  public static float[][] embedBatch(Catalog catalog, int[] ordinals, Embedder embedder) {
    List<String> texts = new ArrayList<>(ordinals.length);
    for (int o : ordinals) {
      texts.add(catalog.get(o).searchableText());
    }
    return embedder.embed(texts);
  }

  /** Gate weights: spherical k-means centroids of the product vectors. */
  public static Gate trainGate(VectorStore vectors, IndexBuildSettings s) {
    float[][] data = new float[vectors.size()][];
    for (int i = 0; i < data.length; i++) {
      data[i] = vectors.get(i);
    }
    return new Gate(new SphericalKMeans(s.experts(), s.kmeansIterations(), s.seed()).fit(data));
  }

  /** For each expert, the ordinals of the products it holds (with boundary replication). */
  public static int[][] expertMembers(Gate gate, VectorStore vectors, IndexBuildSettings s) {
    ExpertAssigner assigner =
        new ExpertAssigner(gate, s.temperature(), s.replicationRatio(), s.maxCopies());
    int[][] perProduct = new int[vectors.size()][];
    IntStream.range(0, vectors.size())
        .parallel()
        .forEach(i -> perProduct[i] = assigner.assign(vectors.get(i)));
    int[] counts = new int[gate.experts()];
    for (int[] es : perProduct) {
      for (int e : es) {
        counts[e]++;
      }
    }
    int[][] members = new int[gate.experts()][];
    for (int e = 0; e < members.length; e++) {
      members[e] = new int[counts[e]];
    }
    int[] fill = new int[gate.experts()];
    for (int i = 0; i < perProduct.length; i++) {
      for (int e : perProduct[i]) {
        members[e][fill[e]++] = i;
      }
    }
    return members;
  }

  /** Saves one embedded batch (ordinals and vectors) into a build work directory. */
  public static void writeEmbeddedBatch(Path workDir, int batch, int[] ordinals, float[][] vectors)
      throws IOException {
    Files.createDirectories(workDir);
    Path tmp = workDir.resolve(String.format("batch-%06d.tmp", batch));
    try (var out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
      out.writeInt(ordinals.length);
      out.writeInt(vectors.length == 0 ? 0 : vectors[0].length);
      for (int i = 0; i < ordinals.length; i++) {
        out.writeInt(ordinals[i]);
        for (float f : vectors[i]) {
          out.writeFloat(f);
        }
      }
    }
    Files.move(
        tmp,
        workDir.resolve(String.format("batch-%06d.bin", batch)),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Reads every batch in a work directory into a vector store of {@code size} products; fails if
   * any product is missing.
   */
  public static VectorStore readEmbeddedBatches(Path workDir, int size) throws IOException {
    float[][] vectors = new float[size][];
    try (var files = Files.list(workDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".bin")).toList()) {
        try (var in =
            new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
          int n = in.readInt();
          int dim = in.readInt();
          for (int i = 0; i < n; i++) {
            int ord = in.readInt();
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
              v[d] = in.readFloat();
            }
            vectors[ord] = v;
          }
        }
      }
    }
    for (int i = 0; i < size; i++) {
      if (vectors[i] == null) {
        throw new IllegalStateException("product ordinal " + i + " was not embedded");
      }
    }
    return new VectorStore(vectors);
  }

  /** Writes the expert membership lists ({@code members.bin}). */
  public static void writeMembers(Path artifact, int[][] members) throws IOException {
    try (var out =
        new DataOutputStream(
            new BufferedOutputStream(
                Files.newOutputStream(artifact.resolve(ArtifactLayout.MEMBERS)), 1 << 16))) {
      out.writeInt(members.length);
      for (int[] m : members) {
        out.writeInt(m.length);
        for (int o : m) {
          out.writeInt(o);
        }
      }
    }
  }

  public static int[][] readMembers(Path artifact) throws IOException {
    try (var in =
        new DataInputStream(
            new BufferedInputStream(
                Files.newInputStream(artifact.resolve(ArtifactLayout.MEMBERS)), 1 << 16))) {
      int[][] members = new int[in.readInt()][];
      for (int e = 0; e < members.length; e++) {
        members[e] = new int[in.readInt()];
        for (int i = 0; i < members[e].length; i++) {
          members[e][i] = in.readInt();
        }
      }
      return members;
    }
  }

  /** The manifest entry of an expert index already written. */
  public static Manifest.ExpertInfo expertInfo(Path artifact, int expert, int products)
      throws IOException {
    return new Manifest.ExpertInfo(
        expert,
        ArtifactLayout.expertDir(expert),
        products,
        checksums(ArtifactLayout.expertPath(artifact, expert)));
  }

  /** Writes one expert's HNSW index and returns its manifest entry. */
  public static Manifest.ExpertInfo writeExpert(
      Path artifact,
      int expert,
      int[] members,
      Catalog catalog,
      VectorStore vectors,
      IndexBuildSettings s)
      throws IOException {
    Path dir = ArtifactLayout.expertPath(artifact, expert);
    Files.createDirectories(dir);
    IndexWriting.write(dir, catalog, members, vectors, s.encoding(), s.hnswM(), s.hnswBeamWidth());
    return expertInfo(artifact, expert, members.length);
  }

  /**
   * Writes a new version's copy of its catalogue ({@value ArtifactLayout#CATALOG}), the first step
   * of a build or a compaction: the version's build tasks and every later compaction read this copy
   * ({@link #readCatalog}), never the input file, which may change meanwhile.
   *
   * @return the copy
   */
  public static Path writeCatalog(Path artifact, Catalog catalog) throws IOException {
    Files.createDirectories(artifact);
    return CatalogWriter.writeJsonl(catalog.products(), artifact.resolve(ArtifactLayout.CATALOG));
  }

  /**
   * A version's catalogue, in ordinal order: the copy {@link #writeCatalog} wrote.
   *
   * @throws ArtifactException if the version holds no copy (it was built before versions kept one)
   * @throws IOException if it cannot be read
   */
  public static Catalog readCatalog(Path artifact) throws IOException {
    Path copy = artifact.resolve(ArtifactLayout.CATALOG);
    if (!Files.exists(copy)) {
      throw new ArtifactException(
          "index "
              + artifact
              + " holds no "
              + ArtifactLayout.CATALOG
              + " (it was built before versions kept their catalogue): build a new version with"
              + " index build");
    }
    return new CatalogLoader(BadLinePolicy.FAIL, b -> {}).load(copy);
  }

  /**
   * Writes the vectors, ids, gate and lexical index; returns their checksums (relative path →
   * SHA-256) and that of the catalogue copy, which {@link #writeCatalog} must have written.
   */
  public static Map<String, String> writeShared(
      Path artifact, Catalog catalog, VectorStore vectors, Gate gate, int[][] members)
      throws IOException {
    if (!Files.exists(artifact.resolve(ArtifactLayout.CATALOG))) {
      throw new IllegalStateException("write the catalogue copy (writeCatalog) first");
    }
    writeMembers(artifact, members);
    vectors.write(artifact.resolve(ArtifactLayout.VECTORS));
    float[][] w = new float[gate.experts()][];
    for (int e = 0; e < w.length; e++) {
      w[e] = gate.weights(e);
    }
    VectorStore.writeMatrix(w, artifact.resolve(ArtifactLayout.GATE));
    List<String> ids = catalog.products().stream().map(p -> p.id()).toList();
    Files.write(artifact.resolve(ArtifactLayout.IDS), ids, StandardCharsets.UTF_8);
    // The products the index excludes from in_stock filters, for the live catalogue's stock.
    Files.write(
        artifact.resolve(ArtifactLayout.OUT_OF_STOCK),
        catalog.products().stream().filter(p -> !p.inStock()).map(p -> p.id()).toList(),
        StandardCharsets.UTF_8);
    Path lexical = artifact.resolve(ArtifactLayout.LEXICAL);
    Files.createDirectories(lexical);
    IndexWriting.write(
        lexical,
        catalog,
        IntStream.range(0, catalog.size()).toArray(),
        null,
        VectorEncoding.FLOAT32,
        16,
        100);
    Map<String, String> files = new TreeMap<>();
    for (String f :
        List.of(
            ArtifactLayout.CATALOG,
            ArtifactLayout.VECTORS,
            ArtifactLayout.GATE,
            ArtifactLayout.IDS,
            ArtifactLayout.OUT_OF_STOCK,
            ArtifactLayout.MEMBERS)) {
      files.put(f, Files2.sha256(artifact.resolve(f)));
    }
    checksums(lexical).forEach((k, v) -> files.put(ArtifactLayout.LEXICAL + "/" + k, v));
    return files;
  }

  /** Writes the manifest last, so a directory with a manifest is a complete artifact. */
  public static Manifest writeManifest(
      Path artifact,
      String version,
      String modelId,
      VectorStore vectors,
      IndexBuildSettings s,
      Map<String, String> sharedFiles,
      List<Manifest.ExpertInfo> experts,
      Map<String, Double> seconds)
      throws IOException {
    return writeManifest(
        artifact, version, modelId, vectors, s, sharedFiles, experts, seconds, null);
  }

  /**
   * {@link #writeManifest(Path, String, String, VectorStore, IndexBuildSettings, Map, List, Map)}
   * of a compacted version ({@code compaction}: its provenance, {@code null} for a build).
   */
  public static Manifest writeManifest(
      Path artifact,
      String version,
      String modelId,
      VectorStore vectors,
      IndexBuildSettings s,
      Map<String, String> sharedFiles,
      List<Manifest.ExpertInfo> experts,
      Map<String, Double> seconds,
      Manifest.Compaction compaction)
      throws IOException {
    List<Manifest.ExpertInfo> sorted = new ArrayList<>(experts);
    sorted.sort(Comparator.comparingInt(Manifest.ExpertInfo::id));
    Manifest m =
        new Manifest(
            Manifest.FORMAT_VERSION,
            version,
            Instant.now().toString(),
            modelId,
            vectors.dimension(),
            vectors.size(),
            s.experts(),
            s.encoding().name().toLowerCase(Locale.ROOT),
            s.hnswM(),
            s.hnswBeamWidth(),
            new Manifest.GateInfo(
                ArtifactLayout.GATE,
                s.seed(),
                s.kmeansIterations(),
                s.temperature(),
                s.replicationRatio(),
                s.maxCopies()),
            sharedFiles,
            sorted,
            seconds,
            null,
            compaction);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(artifact.resolve(ArtifactLayout.MANIFEST).toFile(), m);
    return m;
  }

  /** Serialises moves of {@code LATEST} within this JVM (a file lock is held per process). */
  private static final Object LATEST_MOVES = new Object();

  /** Next to {@code LATEST}: locked while it is moved, so a check and the move are one step. */
  static final String LATEST_LOCK = ".LATEST.lock";

  /** Points {@code root/LATEST} at {@code version}. */
  public static void markLatest(Path root, String version) throws IOException {
    markLatestIf(root, null, version);
  }

  /**
   * Points {@code root/LATEST} at {@code version} if it still names {@code expected} (a version
   * directory in {@code root}; {@code null}: whatever it names), checked and moved under a lock
   * that every move of {@code LATEST} takes, so a version made from {@code expected} never replaces
   * one that was made meanwhile (a second compaction, a routing update) and already served. The
   * version's files and {@code LATEST} are forced to the device first ({@code fsync}, the new
   * {@code LATEST} renamed over the old one), so after a power loss {@code LATEST} names the old
   * version or a whole new one.
   *
   * @throws ArtifactException if {@code LATEST} names another version than {@code expected} (none
   *     named passes: the root had no {@code LATEST} to move past); {@code root/version}, made from
   *     a version no longer {@code LATEST}, is then removed
   */
  public static void markLatestIf(Path root, Path expected, String version) throws IOException {
    // On the device before LATEST names it: after a power loss LATEST never names a version whose
    // manifest or files the loss took back.
    Files2.fsyncTree(root.resolve(version));
    Files2.fsync(root); // the version's own entry in the root (its mkdir or rename)
    synchronized (LATEST_MOVES) {
      try (FileChannel ch =
              FileChannel.open(
                  root.resolve(LATEST_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        if (expected != null) {
          Path latest = root.resolve(ArtifactLayout.LATEST);
          Path names = latestVersion(root);
          // No LATEST yet (a root holding one version's own files): nothing was made over it.
          if (names != null && !expected.toAbsolutePath().normalize().equals(names)) {
            Files2.deleteRecursively(root.resolve(version));
            throw new ArtifactException(
                latest
                    + " names "
                    + names
                    + ", no longer "
                    + expected
                    + " this version was made from (another compaction or update moved it"
                    + " meanwhile): "
                    + version
                    + " is not marked; run it again");
          }
        }
        moveLatest(root, version);
      }
    }
  }

  /**
   * The version directory {@code root/LATEST} names, absolute and normalised; {@code null} when the
   * root has no {@code LATEST}.
   */
  static Path latestVersion(Path root) throws IOException {
    Path latest = root.resolve(ArtifactLayout.LATEST);
    return Files.isRegularFile(latest)
        ? root.resolve(Files.readString(latest).trim()).toAbsolutePath().normalize()
        : null;
  }

  private static void moveLatest(Path root, String version) throws IOException {
    Path tmp = Files.createTempFile(root, "LATEST", ".tmp");
    Files.writeString(tmp, version + "\n");
    Files2.fsync(tmp);
    Files.move(
        tmp,
        root.resolve(ArtifactLayout.LATEST),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    Files2.fsync(root); // the rename itself
  }

  /**
   * Version nonces: a random start (another process's differ), then one more a name, so no two
   * names made in this JVM repeat (the low 16 bits of {@code nanoTime} did, within a second).
   */
  private static final AtomicLong NONCES = new AtomicLong(new SecureRandom().nextLong());

  /**
   * A new version name: UTC time plus a nonce, sortable by time. Unique within this JVM; a writer
   * still creates its directory exclusively ({@link Files#createDirectory}), so a name another
   * process made meanwhile fails instead of being written into and, on a failure, removed.
   */
  public static String newVersion() {
    return "v"
        + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now())
        + "-"
        + String.format("%016x", NONCES.getAndIncrement());
  }

  static Map<String, String> checksums(Path dir) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        if (Files.isRegularFile(f) && !f.getFileName().toString().equals("write.lock")) {
          out.put(f.getFileName().toString(), Files2.sha256(f));
        }
      }
    }
    return out;
  }

  /**
   * Builds a complete artifact in this JVM with {@code threads} embedders in parallel; {@code
   * progress} is told how many products are embedded so far. Returns the artifact directory.
   */
  public static Path buildLocally(
      Catalog catalog,
      EmbeddingModel model,
      IndexBuildSettings s,
      Path root,
      int threads,
      IntConsumer progress) {
    try {
      long t0 = System.nanoTime();
      int[][] batches = embeddingBatches(catalog, s.embedBatchSize());
      float[][] vectors = new float[catalog.size()][];
      AtomicInteger done = new AtomicInteger();
      AtomicInteger next = new AtomicInteger();
      List<Thread> workers = new ArrayList<>();
      List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < threads; t++) {
        Thread th =
            new Thread(
                () -> {
                  try (Embedder e = model.newEmbedder()) {
                    for (int b = next.getAndIncrement();
                        b < batches.length;
                        b = next.getAndIncrement()) {
                      float[][] v = embedBatch(catalog, batches[b], e);
                      for (int i = 0; i < v.length; i++) {
                        vectors[batches[b][i]] = v[i];
                      }
                      progress.accept(done.addAndGet(v.length));
                    }
                  } catch (Throwable ex) {
                    errors.add(ex);
                  }
                },
                "embed-" + t);
        th.start();
        workers.add(th);
      }
      for (Thread th : workers) {
        th.join();
      }
      if (!errors.isEmpty()) {
        throw new IllegalStateException("embedding failed: " + errors.get(0), errors.get(0));
      }
      long t1 = System.nanoTime();
      VectorStore store = new VectorStore(vectors);
      Gate gate = trainGate(store, s);
      int[][] members = expertMembers(gate, store, s);
      long t2 = System.nanoTime();
      String version = newVersion();
      Path dir = root.resolve(version);
      writeCatalog(dir, catalog);
      Map<String, String> shared = writeShared(dir, catalog, store, gate, members);
      List<Manifest.ExpertInfo> experts = new ArrayList<>();
      for (int e = 0; e < members.length; e++) {
        experts.add(writeExpert(dir, e, members[e], catalog, store, s));
      }
      long t3 = System.nanoTime();
      Map<String, Double> seconds = new LinkedHashMap<>();
      seconds.put("embed", (t1 - t0) / 1e9);
      seconds.put("gate", (t2 - t1) / 1e9);
      seconds.put("index", (t3 - t2) / 1e9);
      seconds.put("total", (t3 - t0) / 1e9);
      writeManifest(dir, version, model.config().modelId(), store, s, shared, experts, seconds);
      markLatest(root, version);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
