package io.moesearch.tools.cli;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.eval.Charts;
import io.moesearch.core.eval.Evaluator;
import io.moesearch.core.eval.Judgements;
import io.moesearch.core.eval.RelevanceEvaluation;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.jobs.config.EvalOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.config.RankingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code moe-search eval}. */
@Command(
    name = "eval",
    description = {
      "Measure an index: nDCG@10, recall@10 vs exact, experts activated, latency.",
      "",
      """
            Evaluates the index artifact (index.path, or the LATEST under index.root) on a judged query set
            (query,docid,rating CSV) and on eval.title-queries seeded product titles used as queries
            (self-match excluded). Reports, for MoE-routed HNSW, a single HNSW over everything, exact dense
            search and BM25: nDCG@10 (gain 2^r-1, log2 discount; averaged over queries with a rating >= 1),
            condensed nDCG@10 and judged@10, recall@10 against exact brute force, average experts activated,
            the share of the catalogue they hold, and per-stage latency p50/p99 (one thread)."""
    })
final class EvalCommand extends CliCommand {
  @Option(
      names = "--index",
      paramLabel = "DIR",
      descriptionKey = "index.path",
      parameterConsumer = CommonOptions.Setting.class)
  private String index;

  @Option(
      names = "--catalog",
      paramLabel = "PATH",
      descriptionKey = "catalog.path",
      parameterConsumer = CommonOptions.Setting.class)
  private String catalog;

  @Option(
      names = "--judgements",
      paramLabel = "CSV",
      descriptionKey = "eval.judgements",
      parameterConsumer = CommonOptions.Setting.class)
  private String judgementsFile;

  @Option(
      names = "--title-queries",
      paramLabel = "N",
      descriptionKey = "eval.title-queries",
      parameterConsumer = CommonOptions.Setting.class)
  private String titleQueries;

  @Option(
      names = "--folds",
      paramLabel = "K",
      descriptionKey = "eval.folds",
      parameterConsumer = CommonOptions.Setting.class)
  private String folds;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "artifacts/eval",
      description = "Write eval.md, eval.json and the SVG charts here.")
  private Path outDir;

  @Option(
      names = "--markdown",
      paramLabel = "FILE",
      description = "Also write the Markdown tables to FILE.")
  private Path markdownFile;

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    Catalog catalog =
        new CatalogLoader(config.badLines(), b -> System.out.println("bad catalogue line " + b))
            .load(config.catalogPath());
    Judgements judgements =
        Judgements.load(Path.of(config.get(EvalOptions.JUDGEMENTS)), config.badLines());
    try (EmbeddingModel model = EmbeddingModel.load(config.embedder());
        Embedder embedder = model.newEmbedder()) {
      IndexArtifact artifact =
          IndexArtifact.load(config.indexPath(), model.dimension())
              .requireModel(config.embedder().modelId());
      System.out.println("evaluating index " + artifact.version() + " at " + artifact.dir());
      Evaluator.Report r =
          new Evaluator(
                  artifact,
                  catalog,
                  embedder,
                  new Evaluator.Settings(
                      config.loadAwareRouting(),
                      config.oversample(),
                      config.get(EvalOptions.TITLE_QUERIES),
                      config.get(EvalOptions.SEED)),
                  System.out::println)
              .run(judgements);
      RelevanceEvaluation.Report rel;
      List<ExpertIndex> experts = artifact.openExperts();
      try (ExpertIndex lexical = artifact.openLexical()) {
        Retriever retriever = Retriever.serving(artifact, experts, config.loadAwareRouting());
        rel =
            new RelevanceEvaluation(
                    artifact,
                    embedder,
                    retriever,
                    lexical,
                    config.get(RankingOptions.DENSE_DEPTH),
                    config.get(RankingOptions.LEXICAL_DEPTH),
                    config.get(EvalOptions.FOLDS),
                    config.get(EvalOptions.SEED),
                    System.out::println)
                .run(judgements);
      } finally {
        experts.forEach(ExpertIndex::close);
      }
      String md = markdown(r) + "\n" + relevanceMarkdown(rel);
      System.out.println();
      System.out.println(md);
      Path out = outDir;
      Files.createDirectories(out);
      Map<String, Double> ndcg = new LinkedHashMap<>();
      rel.variants.forEach((k, v) -> ndcg.put(k, v.ndcgAt10));
      Files.writeString(
          out.resolve("ndcg-by-variant.svg"),
          Charts.bars("nDCG@10 on the Chorus judgements (" + rel.queries + " queries)", ndcg));
      List<Double> deltas =
          rel.perQuery.stream()
              .map(q -> q.ndcgAt10().get("hybrid_learned") - q.ndcgAt10().get("bm25"))
              .toList();
      Files.writeString(
          out.resolve("per-query-hybrid-vs-bm25.svg"),
          Charts.winLoss("hybrid_learned vs bm25, per query", deltas));
      Files.writeString(out.resolve("eval.md"), md);
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("retrieval", r);
      all.put("relevance", rel);
      Json.write(out.resolve("eval.json").toString(), all);
      System.out.println("report and charts written to " + out);
      if (markdownFile != null) {
        Files.writeString(markdownFile, md);
      }
      Json.write(json(), all);
    }
    return 0;
  }

  static String relevanceMarkdown(RelevanceEvaluation.Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Relevance on %d judged queries (relevant = rating >= 1); learned fusion: %d-fold cross-validation%n%n",
            r.queries,
            r.folds));
    sb.append(
        "| variant | nDCG@10 | condensed nDCG@10 | judged@10 | precision@10 | candidate recall@100 | zero-result rate |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    r.variants.forEach(
        (k, v) ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                    k,
                    v.ndcgAt10,
                    v.condensedNdcgAt10,
                    v.judgedAt10,
                    v.precisionAt10,
                    v.candidateRecallAt100,
                    v.zeroResultRate)));
    sb.append(
        String.format(
            Locale.ROOT,
            "%nHybrid search latency (dense + BM25 + fusion, after embedding, one thread): p50 %.2f ms, p99 %.2f ms%n",
            r.hybridLatencyMs.get("p50"),
            r.hybridLatencyMs.get("p99")));
    sb.append("\nLearned weights (all queries): ").append(r.learnedWeightsAllQueries).append('\n');
    return sb.toString();
  }

  static String markdown(Evaluator.Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Index %s: %d products, %d experts, %s; routing T=%.3f, activation %.2f, experts %d..%d, oversample %d%n%n",
            r.indexVersion,
            r.products,
            r.experts,
            r.encoding,
            r.temperature,
            r.activation,
            r.minExperts,
            r.maxExperts,
            r.oversample));
    sb.append(
        String.format(
            Locale.ROOT,
            "Judged queries: %d (%d with a rating >= 1, used for nDCG); product-title queries: %d%n%n",
            r.judgedQueries,
            r.judgedQueriesWithRelevant,
            r.titleQueries));
    sb.append(
        "| method | nDCG@10 | condensed nDCG@10 | judged@10 | recall@10 vs exact (judged) | recall@10 vs exact (titles) | avg experts | catalogue share | retrieval p50 ms | retrieval p99 ms |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (String method : r.judged.keySet()) {
      Evaluator.MethodFigures j = r.judged.get(method);
      Evaluator.MethodFigures t = r.titles.get(method);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              method,
              f3(j.ndcgAt10),
              f3(j.condensedNdcgAt10),
              f3(j.judgedAt10),
              f3(j.recallAt10VsExact),
              t == null ? "–" : f3(t.recallAt10VsExact),
              f2(j.avgExperts) + (t == null ? "" : " / " + f2(t.avgExperts)),
              pct(j.avgCatalogueFraction) + (t == null ? "" : " / " + pct(t.avgCatalogueFraction)),
              f2(j.latencyMs.getOrDefault("retrieval_p50", Double.NaN)),
              f2(j.latencyMs.getOrDefault("retrieval_p99", Double.NaN))));
    }
    Evaluator.MethodFigures routed = r.judged.get("moe_routed_hnsw");
    sb.append("\nMoE stage latency on judged queries (ms, one thread): ");
    routed.latencyMs.forEach((k, v) -> sb.append(k).append('=').append(f2(v)).append(' '));
    Evaluator.MethodFigures routedT = r.titles.get("moe_routed_hnsw");
    if (routedT != null) {
      sb.append("\nMoE stage latency on title queries (ms, one thread): ");
      routedT.latencyMs.forEach((k, v) -> sb.append(k).append('=').append(f2(v)).append(' '));
    }
    sb.append('\n');
    if (r.buildSeconds != null) {
      sb.append("Build seconds: ")
          .append(r.buildSeconds)
          .append("; index size: ")
          .append(r.indexBytes / (1 << 20))
          .append(" MiB\n");
    }
    return sb.toString();
  }

  private static String f3(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String f2(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}
