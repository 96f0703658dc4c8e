package io.moesearch.tools.cli;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.Catalog;
import io.moesearch.core.catalog.CatalogLoader;
import io.moesearch.core.catalog.CatalogWriter;
import io.moesearch.core.embed.Embedder;
import io.moesearch.core.embed.EmbeddingModel;
import io.moesearch.core.eval.Charts;
import io.moesearch.core.eval.Evaluator;
import io.moesearch.core.eval.Judgements;
import io.moesearch.core.eval.KnownItemQueries;
import io.moesearch.core.eval.PairedBootstrap;
import io.moesearch.core.eval.RelevanceEvaluation;
import io.moesearch.core.eval.ShopOffers;
import io.moesearch.core.index.ExpertIndex;
import io.moesearch.core.retrieval.Retriever;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.EvalOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.config.RankingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
      "Measure an index: relevance as served, recall@10 vs exact, experts activated, latency.",
      "",
      """
            Evaluates the index artifact (index.path, or the LATEST under index.root) on judged query sets
            (eval.judgements: query,docid,rating[,type] CSV files, comma-separated). Headline: the ranking
            AS SERVED (the configured ranking.weights, no refit) beside bm25, dense (MoE-routed) and rrf,
            and a refit labelled as such (learned on eval.train-judgements; a set that is also a training
            set is cross-validated in eval.folds folds): nDCG@10, recall@10 and MRR@10 per set and per
            query type. Then, on the first set and on eval.title-queries seeded product titles: MoE-routed
            HNSW, a single HNSW, exact dense and BM25 with recall@10 vs exact, experts activated, the
            share of the catalogue they hold and per-stage latency p50/p99 (one thread).
            With --write-known-items DIR it only generates the known-item judgement sets (seeded, split
            by product; see docs/eval/known-item.md) from the catalogue and exits; with
            --write-shop-offers DIR a shop's offer catalogue made from it, with labels naming its
            products."""
    })
final class EvalCommand extends CliCommand {
  /** Known-item queries per generator kind in the train part. */
  static final int KNOWN_ITEM_TRAIN_PER_KIND = 150;

  /** Known-item queries per generator kind in the test part. */
  static final int KNOWN_ITEM_TEST_PER_KIND = 250;

  /** Most offers of one product in a generated shop. */
  static final int SHOP_MAX_OFFERS = 6;

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
      names = "--train-judgements",
      paramLabel = "CSV[,CSV]",
      descriptionKey = "eval.train-judgements",
      parameterConsumer = CommonOptions.Setting.class)
  private String trainJudgements;

  @Option(
      names = "--write-known-items",
      paramLabel = "DIR",
      description =
          "Generate the known-item judgement sets from the catalogue into DIR"
              + " (icecat-known-item-train.csv, icecat-known-item-test.csv, icecat-known-item-confusable-train.csv,"
              + " icecat-known-item-confusable-test.csv, icecat-known-item-variant-train.csv,"
              + " icecat-known-item-variant-test.csv; icecat-known-item-typo-test.csv: misspelled"
              + " titles, to measure ranking.typo-min-chars) and exit.")
  private Path writeKnownItems;

  @Option(
      names = "--write-shop-offers",
      paramLabel = "DIR",
      description =
          "Generate a shop's offer catalogue from the catalogue and its known-item labels into DIR"
              + " (offers.jsonl.gz, offers-labels-train.csv, offers-labels-test.csv; see"
              + " docs/eval/known-item.md) and exit.")
  private Path writeShopOffers;

  @Option(
      names = "--known-item-seed",
      paramLabel = "N",
      defaultValue = "17",
      description = "Seed of the known-item generators and of their train/test split.")
  private long knownItemSeed;

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
      defaultValue = "${sys:moe.search.home:-.}/artifacts/eval",
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
    writableDirectory("--out", outDir);
    if (markdownFile != null) {
      writableFile("--markdown", markdownFile);
    }
    Catalog catalog =
        new CatalogLoader(config.badLines(), b -> System.out.println("bad catalogue line " + b))
            .load(config.catalogPath());
    if (writeKnownItems != null) {
      KnownItemQueries generator =
          new KnownItemQueries(
              knownItemSeed, KNOWN_ITEM_TRAIN_PER_KIND, KNOWN_ITEM_TEST_PER_KIND, 0.5);
      KnownItemQueries.Split split = generator.generate(catalog);
      KnownItemQueries.write(split.train(), writeKnownItems.resolve("icecat-known-item-train.csv"));
      KnownItemQueries.write(split.test(), writeKnownItems.resolve("icecat-known-item-test.csv"));
      KnownItemQueries.Split confusable = generator.confusable(catalog);
      KnownItemQueries.write(
          confusable.train(), writeKnownItems.resolve("icecat-known-item-confusable-train.csv"));
      KnownItemQueries.write(
          confusable.test(), writeKnownItems.resolve("icecat-known-item-confusable-test.csv"));
      KnownItemQueries.Split variants = generator.variants(catalog);
      KnownItemQueries.write(
          variants.train(), writeKnownItems.resolve("icecat-known-item-variant-train.csv"));
      KnownItemQueries.write(
          variants.test(), writeKnownItems.resolve("icecat-known-item-variant-test.csv"));
      KnownItemQueries.Split typos = generator.typos(catalog);
      KnownItemQueries.write(
          typos.test(), writeKnownItems.resolve("icecat-known-item-typo-test.csv"));
      System.out.printf(
          Locale.ROOT,
          "known-item sets written to %s: %d train, %d test queries; confusable codes: %d train,"
              + " %d test; quantity variants: %d train, %d test; misspelled titles: %d test"
              + " (seed %d)%n",
          writeKnownItems,
          split.train().size(),
          split.test().size(),
          confusable.train().size(),
          confusable.test().size(),
          variants.train().size(),
          variants.test().size(),
          typos.test().size(),
          knownItemSeed);
      return 0;
    }
    if (writeShopOffers != null) {
      ShopOffers.Shop shop =
          new ShopOffers(
                  knownItemSeed,
                  KNOWN_ITEM_TRAIN_PER_KIND,
                  KNOWN_ITEM_TEST_PER_KIND,
                  0.5,
                  SHOP_MAX_OFFERS)
              .generate(catalog);
      Files.createDirectories(writeShopOffers);
      CatalogWriter.writeJsonl(shop.offers(), writeShopOffers.resolve("offers.jsonl.gz"));
      KnownItemQueries.write(
          shop.labels().train(), writeShopOffers.resolve("offers-labels-train.csv"));
      KnownItemQueries.write(
          shop.labels().test(), writeShopOffers.resolve("offers-labels-test.csv"));
      System.out.printf(
          Locale.ROOT,
          "shop offers written to %s: %d offers of %d products; labels: %d train, %d test"
              + " (seed %d)%n",
          writeShopOffers,
          shop.offers().size(),
          catalog.size(),
          shop.labels().train().size(),
          shop.labels().test().size(),
          knownItemSeed);
      return 0;
    }
    Map<Path, String> setNames = new LinkedHashMap<>();
    List<RelevanceEvaluation.JudgedSet> sets =
        loadSets(config.get(EvalOptions.JUDGEMENTS), config, setNames);
    List<RelevanceEvaluation.JudgedSet> training =
        loadSets(config.get(EvalOptions.TRAIN_JUDGEMENTS), config, setNames);
    Map<String, Object> judged = new LinkedHashMap<>();
    for (var set : sets) {
      judged.put(set.name(), checkAgainst(set, catalog, EvalOptions.JUDGEMENTS.key()));
    }
    for (var set : training) {
      if (!judged.containsKey(set.name())) { // a file evaluated too is checked once
        judged.put(set.name(), checkAgainst(set, catalog, EvalOptions.TRAIN_JUDGEMENTS.key()));
      }
    }
    Judgements judgements = sets.get(0).judgements();
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
                    artifact.vectors(),
                    embedder,
                    retriever,
                    lexical,
                    config.get(RankingOptions.DENSE_DEPTH),
                    config.get(RankingOptions.LEXICAL_DEPTH),
                    config.get(EvalOptions.FOLDS),
                    config.get(EvalOptions.BAGS),
                    config.get(EvalOptions.SEED),
                    System.out::println)
                .withExpansion(config.ranking().expansion())
                .run(sets, training, config.ranking().fusion());
      } finally {
        experts.forEach(ExpertIndex::close);
      }
      String md = relevanceMarkdown(rel) + "\n" + markdown(r);
      System.out.println();
      System.out.println(md);
      Path out = outDir;
      String first = sets.get(0).name();
      Map<String, Double> ndcg = new LinkedHashMap<>();
      rel.sets.get(first).forEach((k, v) -> ndcg.put(k, v.ndcgAt10));
      writeText(
          "--out",
          out.resolve("ndcg-by-variant.svg"),
          Charts.bars(
              "nDCG@10 on "
                  + first
                  + " ("
                  + rel.sets.get(first).get("served").queries
                  + " queries)",
              ndcg));
      List<Double> deltas =
          rel.perQuery.stream()
              .filter(q -> q.set().equals(first))
              .map(q -> q.ndcgAt10().get("served") - q.ndcgAt10().get("bm25"))
              .toList();
      writeText(
          "--out",
          out.resolve("per-query-hybrid-vs-bm25.svg"),
          Charts.winLoss("served hybrid vs bm25, per query (" + first + ")", deltas));
      writeText("--out", out.resolve("eval.md"), md);
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("relevance", rel);
      all.put("retrieval", r);
      all.put("judgements", judged);
      Json.write("--out", out.resolve("eval.json").toString(), all);
      System.out.println("report and charts written to " + out);
      if (markdownFile != null) {
        writeText("--markdown", markdownFile, md);
      }
      Json.write(json(), all);
    }
    return 0;
  }

  /** Writes UTF-8 {@code text}; a failed write is one line naming {@code flag} and the file. */
  private static void writeText(String flag, Path file, String text) {
    Json.writeBytes(flag, file.toString(), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Judged sets from a comma-separated list of CSV files, each named by its file name sans
   * extension; a file named like another one (of another directory) by its directory too, and a
   * file named before ({@code names}: by absolute path, shared by the evaluated and training lists)
   * by that same name. Bad lines are reported (how many, the first few) and skipped, or fatal with
   * {@code catalog.bad-lines: fail}; lines repeating a judgement are counted.
   *
   * @throws ConfigException naming the setting when no file is given or a file holds no query with
   *     a rating of 1 or more
   */
  static List<RelevanceEvaluation.JudgedSet> loadSets(
      String files, MoeSearchConfig config, Map<Path, String> names) throws java.io.IOException {
    List<RelevanceEvaluation.JudgedSet> out = new ArrayList<>();
    for (String f : files.split(",")) {
      if (f.isBlank()) {
        continue;
      }
      Path p = Path.of(f.trim());
      boolean seen = names.containsKey(p.toAbsolutePath().normalize());
      String name = names.computeIfAbsent(p.toAbsolutePath().normalize(), k -> newName(k, names));
      Judgements j = Judgements.load(p, config.badLines());
      if (!j.badLines().isEmpty() && !seen) {
        System.out.printf(
            Locale.ROOT,
            "judgements %s: %d bad lines skipped, e.g. %s%n",
            p,
            j.badLines().size(),
            j.badLines().subList(0, Math.min(3, j.badLines().size())));
      }
      if (j.duplicateLines() > 0 && !seen) {
        System.out.printf(
            Locale.ROOT,
            "judgements %s: %d lines skipped repeating an earlier line's judgement%n",
            p,
            j.duplicateLines());
      }
      if (j.queriesWithRelevant(1).isEmpty()) {
        throw new ConfigException(
            "eval.judgements / eval.train-judgements: "
                + p
                + " holds no judged query with a rating of 1 or more ("
                + j.badLines().size()
                + " bad lines skipped)");
      }
      out.add(new RelevanceEvaluation.JudgedSet(name, j));
    }
    if (out.isEmpty()) {
      throw new ConfigException("eval.judgements: no judgement file given");
    }
    return out;
  }

  /** A set name for {@code file} no other file has: its base name, else with its directory. */
  private static String newName(Path file, Map<Path, String> names) {
    String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    String name = base;
    if (names.containsValue(name) && file.getParent() != null) {
      name = file.getParent().getFileName() + "/" + base;
    }
    for (int n = 2; names.containsValue(name); n++) {
      name = base + "#" + n;
    }
    return name;
  }

  /**
   * Reports a judged set's products the catalogue does not hold (no ranking can find them: they
   * only lower every variant's figures alike) and its bad lines; returns both counts for the JSON.
   */
  static Map<String, Object> checkAgainst(
      RelevanceEvaluation.JudgedSet set, Catalog catalog, String setting) {
    Map<String, Integer> ids = catalog.ordinalsById();
    int judged = 0;
    List<String> unknown = new ArrayList<>();
    for (var byDoc : set.judgements().byQuery().values()) {
      for (String id : byDoc.keySet()) {
        judged++;
        if (!ids.containsKey(id)) {
          unknown.add(id);
        }
      }
    }
    if (!unknown.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "%s: %d of %d judged products of %s are not in the catalogue (e.g. %s): no ranking"
              + " can find them%n",
          setting,
          unknown.size(),
          judged,
          set.name(),
          unknown.subList(0, Math.min(5, unknown.size())));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("judgedProducts", judged);
    m.put("notInCatalogue", unknown.size());
    m.put("badLines", set.judgements().badLines().size());
    m.put("duplicateLines", set.judgements().duplicateLines());
    return m;
  }

  static String relevanceMarkdown(RelevanceEvaluation.Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
            "Relevance as served: `served` is the hybrid ranking with the configured"
                + " `ranking.weights`, no refit; `refit` (labelled per set) is the fusion refit on the"
                + " training sets ")
        .append(r.trainingSets)
        .append(
            r.bags > 1
                ? " (the mean of " + r.bags + " fits on bootstrap resamples, `eval.bags`)"
                : "")
        .append(" and never on the query scored. Relevant = rating >= 1.\n\n");
    for (var e : r.sets.entrySet()) {
      String set = e.getKey();
      sb.append(
          String.format(
              Locale.ROOT,
              "**%s** (%d queries; refit: %s)%n%n",
              set,
              e.getValue().get("served").queries,
              r.refitMethod.get(set)));
      sb.append("| variant | nDCG@10 | recall@10 | MRR@10 |\n|---|---|---|---|\n");
      e.getValue()
          .forEach(
              (v, f) ->
                  sb.append(
                      String.format(
                          Locale.ROOT,
                          "| %s | %.3f | %.3f | %.3f |%n",
                          v.equals("served") ? "**served**" : v,
                          f.ndcgAt10,
                          f.recallAt10,
                          f.mrrAt10)));
      PairedBootstrap.Interval gain = r.servedMinusBm25.get(set);
      if (gain != null) {
        sb.append('\n').append(servedMinusBm25(gain)).append('\n');
      }
      sb.append("\nnDCG@10 by query type:\n\n| type | queries |");
      RelevanceEvaluation.VARIANTS.forEach(v -> sb.append(' ').append(v).append(" |"));
      sb.append(" served − bm25 (95% CI) |");
      sb.append("\n|---|---|");
      RelevanceEvaluation.VARIANTS.forEach(v -> sb.append("---|"));
      sb.append("---|");
      sb.append('\n');
      r.byType
          .get(set)
          .forEach(
              (t, m) -> {
                sb.append("| ")
                    .append(t)
                    .append(" | ")
                    .append(m.get("served").queries)
                    .append(" |");
                RelevanceEvaluation.VARIANTS.forEach(
                    v -> sb.append(String.format(Locale.ROOT, " %.3f |", m.get(v).ndcgAt10)));
                PairedBootstrap.Interval g =
                    r.servedMinusBm25ByType.getOrDefault(set, Map.of()).get(t);
                sb.append(g == null ? " |" : " " + interval(g) + " |");
                sb.append('\n');
              });
      sb.append('\n');
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "Served hybrid search latency (dense + BM25 + fusion, after embedding, one thread): p50"
                + " %.2f ms, p99 %.2f ms%n",
            r.hybridLatencyMs.get("p50"),
            r.hybridLatencyMs.get("p99")));
    sb.append("\nServed weights (ranking.weights): ").append(r.servedWeights).append('\n');
    sb.append("\nRefit weights (all training sets): ")
        .append(r.refitWeightsAllTraining)
        .append('\n');
    return sb.toString();
  }

  /** {@code +0.015 (+0.010 … +0.021)}: the mean difference and its interval. */
  static String interval(PairedBootstrap.Interval g) {
    return String.format(
        Locale.ROOT, "%+.4f (%+.4f … %+.4f)", g.meanDelta(), g.ciLow(), g.ciHigh());
  }

  /** One line on a set's served nDCG@10 minus BM25's, the sign the sample supports and why. */
  static String servedMinusBm25(PairedBootstrap.Interval g) {
    return String.format(
        Locale.ROOT,
        "Served − BM25 nDCG@10: %s, %.0f%% paired bootstrap interval over the queries (%s); %d"
            + " queries won, %d lost, %d tied.",
        interval(g),
        100 * g.confidence(),
        switch (g.sign()) {
          case 1 -> "served better";
          case -1 -> "served worse";
          default -> "no difference shown";
        },
        g.wins(),
        g.losses(),
        g.ties());
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
