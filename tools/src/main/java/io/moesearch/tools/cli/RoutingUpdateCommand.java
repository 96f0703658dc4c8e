package io.moesearch.tools.cli;

import io.moesearch.jobs.routing.RoutingUpdateJob;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code moe-search routing update} (also {@code moe-search --update-routing}). */
final class RoutingUpdateCommand implements Command {
  @Override
  public String name() {
    return "routing update";
  }

  @Override
  public String summary() {
    return "re-learn the gate from a query log; write it as a new artifact version";
  }

  @Override
  public String help() {
    return """
        Usage: moe-search routing update [options]      (also: moe-search --update-routing)

        Re-learns the MoE gate from a query log. Each logged query is embedded with the serving
        model; its exact top-k neighbours (brute force over the artifact's vectors) decide its
        target: each expert's share of those neighbours (expert membership from members.bin). The
        gate W is fitted by softmax regression (Adam, cross-entropy to the targets, L2 pull towards
        the current W), starting from the current gate (the k-means centroids). 10% of the log is
        held out and reported: experts needed, in gate order, to hold all / 90% of a query's
        neighbours, before and after.

        The result is a new artifact version next to the old one (or under --out-root): every
        unchanged file is a hard link to the parent's, the gate file is new, and the manifest names
        the parent version and the training settings; then LATEST points at it. The parent is not
        modified, so a running job keeps serving it until it swaps.

        Options:
          --index DIR           artifact directory or root to start from     (index.path)
          --out-root DIR        write the new version here (default: next to the parent)
          --queries FILE        query log: one query a line, text or JSON {"text": ...}
                                (default: routing.update-queries seeded product titles)
          --limit N             use at most N logged queries                 (routing.update-queries)
          --epochs N            training epochs                              (routing.update-epochs)
          --dry-run             train and report, write nothing
          --layout-only         keep the current gate: only re-plan the replicated layout
                                from the log (needs routing.replica-slots > 0), e.g. when
                                popularity shifted but the gate still ranks well

        With routing.replica-slots > 0 the version also gets a replicated expert layout
        (placement.txt): the log's queries are routed through the new gate, each expert's share of
        the activations sizes its replicas (at least routing.min-replicas, plus headroom for a
        window of routing.replica-window-events queries 0, 1, … routing.replica-headroom standard
        deviations busier than expected: the layout whose hindsight-best utilisation over the log's
        own windows is highest is kept), and the replicas are spread over that many serving slots,
        each expert's next to as few of its neighbours as possible; the streaming job then sends
        each expert's requests to its least-loaded replica.
          --json FILE           write the figures as JSON
          --config FILE / --set KEY=VALUE
        """;
  }

  @Override
  public Map<String, String> valuedFlags() {
    return Map.of(
        "index",
        "index.path",
        "out-root",
        "",
        "queries",
        "",
        "limit",
        "routing.update-queries",
        "epochs",
        "routing.update-epochs",
        "json",
        "");
  }

  @Override
  public List<String> switches() {
    return List.of("dry-run", "layout-only");
  }

  @Override
  public int run(Args args) throws Exception {
    String queries = args.option("queries");
    String outRoot = args.option("out-root");
    Map<String, Object> out =
        RoutingUpdateJob.run(
            args.config(),
            new RoutingUpdateJob.Options(
                queries == null ? null : Path.of(queries),
                outRoot == null ? null : Path.of(outRoot),
                args.flag("layout-only"),
                args.flag("dry-run")),
            System.out::println);
    Json.write(args.option("json"), out);
    return 0;
  }
}
