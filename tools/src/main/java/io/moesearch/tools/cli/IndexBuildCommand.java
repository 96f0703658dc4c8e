package io.moesearch.tools.cli;

import io.moesearch.jobs.config.CacheOptions;
import io.moesearch.jobs.config.IndexOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.index.IndexBuildJob;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code moe-search index build}. */
@Command(
    name = "build",
    description = {
      "Embed a catalogue, train the MoE gate and write a versioned index artifact.",
      "",
      """
            Runs the index build as Flink batch jobs on a local MiniCluster: embeds the catalogue with the
            configured model (length-sorted batches, index.parallelism subtasks), trains the gate (spherical
            k-means, index.experts centroids), assigns products to experts (with boundary replication) and
            writes one Lucene HNSW index per expert plus a BM25 index, vectors and a manifest with checksums
            into <index.root>/<version>/, then points <index.root>/LATEST at it."""
    })
final class IndexBuildCommand extends CliCommand {
  @Option(
      names = "--catalog",
      paramLabel = "PATH",
      descriptionKey = "catalog.path",
      parameterConsumer = CommonOptions.Setting.class)
  private String catalog;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      descriptionKey = "index.root",
      parameterConsumer = CommonOptions.Setting.class)
  private String out;

  @Option(
      names = "--experts",
      paramLabel = "N",
      descriptionKey = "index.experts",
      parameterConsumer = CommonOptions.Setting.class)
  private String experts;

  @Option(
      names = "--encoding",
      paramLabel = "E",
      descriptionKey = "index.encoding",
      parameterConsumer = CommonOptions.Setting.class)
  private String encoding;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      descriptionKey = "index.parallelism",
      parameterConsumer = CommonOptions.Setting.class)
  private String parallelism;

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    writableDirectory("--out (index.root)", config.indexRoot());
    // An existing key is only read (it may sit in a directory this user cannot write).
    readableOrCreatable(
        CacheOptions.FILL_KEY_FILE.key(), Path.of(config.get(CacheOptions.FILL_KEY_FILE)));
    // The cache-fill key beside the artifacts (created when absent): a cluster that mounts the
    // artifact directory read-only (docker-compose.yml) signs and checks fills with it. Read (or
    // made) before the build, so a key that is not one fails before minutes of embedding.
    config.fillSigner();
    IndexBuildJob.Result r =
        new IndexBuildJob(config, System.out::println)
            .run(Environments.local(config.get(IndexOptions.PARALLELISM)));
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("artifact", r.artifact().toString());
    figures.put("index_version", r.manifest().indexVersion());
    figures.put("products", r.manifest().products());
    figures.put("experts", r.manifest().experts());
    figures.put("encoding", r.manifest().encoding());
    figures.put("bad_lines", r.badLines());
    figures.put("build_seconds", r.manifest().buildSeconds());
    int[] sizes =
        r.manifest().expertIndexes().stream().mapToInt(e -> e.products()).sorted().toArray();
    figures.put("expert_size_min", sizes[0]);
    figures.put("expert_size_median", sizes[sizes.length / 2]);
    figures.put("expert_size_max", sizes[sizes.length - 1]);
    figures.put("replicated_postings", Arrays.stream(sizes).sum());
    System.out.println(figures);
    System.out.println("cache-fill key: " + config.get(CacheOptions.FILL_KEY_FILE));
    Json.write(json(), figures);
    return 0;
  }
}
