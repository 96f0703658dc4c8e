package io.moesearch.tools.cli;

import io.moesearch.jobs.config.IndexOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.index.IndexBuildJob;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code moe-search index build}. */
final class IndexBuildCommand implements Command {
  @Override
  public String name() {
    return "index build";
  }

  @Override
  public String summary() {
    return "embed a catalogue, train the MoE gate and write a versioned index artifact";
  }

  @Override
  public String help() {
    return """
        Usage: moe-search index build [options]

        Runs the index build as Flink batch jobs on a local MiniCluster: embeds the catalogue with the
        configured model (length-sorted batches, index.parallelism subtasks), trains the gate (spherical
        k-means, index.experts centroids), assigns products to experts (with boundary replication) and
        writes one Lucene HNSW index per expert plus a BM25 index, vectors and a manifest with checksums
        into <index.root>/<version>/, then points <index.root>/LATEST at it.

        Options:
          --catalog PATH        catalogue JSONL/CSV, optionally .gz        (catalog.path)
          --out DIR             artifact root                                (index.root)
          --experts N           number of experts                            (index.experts)
          --encoding E          float32|int8|int7|int4|bit1                  (index.encoding)
          --parallelism N       embedding/index subtasks                     (index.parallelism)
          --json FILE           write the build figures as JSON
          --config FILE         YAML config file
          --set KEY=VALUE       override any setting (repeatable)
        """;
  }

  @Override
  public Map<String, String> valuedFlags() {
    return Map.of(
        "catalog",
        "catalog.path",
        "out",
        "index.root",
        "experts",
        "index.experts",
        "encoding",
        "index.encoding",
        "parallelism",
        "index.parallelism",
        "json",
        "");
  }

  @Override
  public int run(Args args) throws Exception {
    MoeSearchConfig config = args.config();
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
    figures.put("replicated_postings", java.util.Arrays.stream(sizes).sum());
    System.out.println(figures);
    Json.write(args.option("json"), figures);
    return 0;
  }
}
