package io.moesearch.tools.cli;

import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.routing.RoutingUpdateJob;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code moe-search routing update} (also {@code moe-search --update-routing}). */
@Command(
    name = "update",
    description = {
      "Re-learn the gate from a query log; write it as a new artifact version.",
      "",
      """
            Also: moe-search --update-routing [options].

            Re-learns the MoE gate from a query log. Each logged query is embedded with the serving
            model; its exact top-k neighbours (brute force over the artifact's vectors) decide its
            target: each expert's share of those neighbours (expert membership from members.bin). The
            gate W is fitted by softmax regression (Adam, cross-entropy to the targets, L2 pull towards
            the current W), starting from the current gate (the k-means centroids). 10%% of the log is
            held out and reported: experts needed, in gate order, to hold all / 90%% of a query's
            neighbours, before and after.

            The result is a new artifact version next to the old one (or under --out-root): every
            unchanged file is a hard link to the parent's, the gate file is new, and the manifest names
            the parent version and the training settings; then LATEST points at it. The parent is not
            modified, so a running job keeps serving it until it swaps.

            With routing.replica-slots > 0 the version also gets a replicated expert layout
            (placement.txt): the log's queries are routed through the new gate, each expert's share of
            the activations sizes its replicas (at least routing.min-replicas, plus headroom for a
            window of routing.replica-window-events queries 0, 1, … routing.replica-headroom standard
            deviations busier than expected: the layout whose hindsight-best utilisation over the log's
            own windows is highest is kept), and the replicas are spread over that many serving slots,
            each expert's next to as few of its neighbours as possible; the streaming job then sends
            each expert's requests to its least-loaded replica."""
    })
final class RoutingUpdateCommand extends CliCommand {
  @Option(
      names = "--index",
      paramLabel = "DIR",
      descriptionKey = "index.path",
      parameterConsumer = CommonOptions.Setting.class)
  private String index;

  @Option(
      names = "--out-root",
      paramLabel = "DIR",
      description = "Write the new version here (default: next to the parent).")
  private Path outRoot;

  @Option(
      names = "--queries",
      paramLabel = "FILE",
      description =
          "Query log: one query a line, text or JSON {\"text\": ...} (default:"
              + " routing.update-queries seeded product titles).")
  private Path queries;

  @Option(
      names = "--limit",
      paramLabel = "N",
      descriptionKey = "routing.update-queries",
      parameterConsumer = CommonOptions.Setting.class)
  private String limit;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      descriptionKey = "routing.update-epochs",
      parameterConsumer = CommonOptions.Setting.class)
  private String epochs;

  @Option(names = "--dry-run", description = "Train and report, write nothing.")
  private boolean dryRun;

  @Option(
      names = "--layout-only",
      description =
          "Keep the current gate: only re-plan the replicated layout from the log (needs"
              + " routing.replica-slots > 0), e.g. when popularity shifted but the gate still"
              + " ranks well.")
  private boolean layoutOnly;

  @Override
  public Integer call() throws Exception {
    MoeSearchConfig config = config();
    if (outRoot != null) {
      writableDirectory("--out-root", outRoot);
    }
    if (queries != null) {
      regularFile("--queries", queries); // before the catalogue and the model load (seconds)
    }
    Map<String, Object> out =
        RoutingUpdateJob.run(
            config,
            new RoutingUpdateJob.Options(queries, outRoot, layoutOnly, dryRun),
            System.out::println);
    Json.write(json(), out);
    return 0;
  }
}
