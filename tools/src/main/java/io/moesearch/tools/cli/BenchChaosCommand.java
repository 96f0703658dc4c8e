package io.moesearch.tools.cli;

import io.moesearch.core.artifact.IndexArtifact;
import io.moesearch.core.catalog.BadLinePolicy;
import io.moesearch.core.eval.Judgements;
import io.moesearch.jobs.config.CacheOptions;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.JobOptions;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.jobs.search.SearchJob;
import io.moesearch.tools.bench.ChaosRun;
import io.moesearch.tools.cluster.ClusterLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code moe-search bench chaos}: delivery guarantees under process crashes on a real cluster. */
@Command(
    name = "chaos",
    description = {
      "Crash a real local cluster on purpose: lost and duplicated answers per delivery mode.",
      "",
      """
            For each delivery mode (exactly-once, at-least-once): starts the local cluster (a Kafka
            broker, a JobManager, 2 TaskManagers, each its own JVM; see `cluster up`), submits the
            job jar at parallelism 2 (checkpoints every 2 s), streams the Chorus queries at --rate,
            and injects --faults faults on a schedule seeded by --seed, one at a time: SIGKILL of a
            TaskManager (a fresh one started), SIGKILL of the broker (restarted on its data
            directory), and once stop-with-savepoint + resubmission at parallelism 3. A read_committed
            consumer is the oracle. Prints per mode: queries sent, answered once, answered more than
            once (and whether the duplicates are identical: how many differ, split into those with
            an answer the job degraded under overload or cut at the merge timeout and those whose
            answers were all full quality; the pairs go to <work-dir>/<mode>/duplicates.jsonl),
            never answered, the recovery time of each fault (fault -> first answer to a query sent
            after it) and the latency p99 outside the fault windows. Catalogue updates stream
            beside the queries at --updates-per-sec (new products listed, some of them deleted
            later); once the faults are over each is asked for by its title, and the run prints
            how many listed products were not found and how many deleted ones were still served
            (both must be 0: no update lost across the crashes). Needs the index artifact (index
            build) and the build output."""
    })
final class BenchChaosCommand extends CliCommand {
  @Option(
      names = "--faults",
      paramLabel = "N",
      defaultValue = "10",
      description = "Faults per delivery mode (one of them the rescale).")
  int faults;

  @Option(
      names = "--rate",
      paramLabel = "QPS",
      defaultValue = "4",
      description = "Queries per second.")
  double rate;

  @Option(
      names = "--updates-per-sec",
      paramLabel = "UPS",
      defaultValue = "1",
      description = "Catalogue updates per second beside the queries (0: none).")
  double updatesPerSec;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "42",
      description = "Seed of the fault schedule.")
  long seed;

  @Option(
      names = "--modes",
      paramLabel = "MODE",
      split = ",",
      defaultValue = "exactly-once,at-least-once",
      description = "Delivery modes to run: exactly-once, at-least-once or both.")
  List<String> modes;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "${sys:moe.search.home:-.}/artifacts/chaos",
      description = "The clusters' logs, checkpoints and broker data.")
  Path work;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    atLeast("--faults", faults, 2);
    atLeast("--rate", rate, 0.1);
    within("--updates-per-sec", updatesPerSec, 0, 1000);
    for (String mode : modes) {
      if (!ChaosRun.MODES.contains(mode) || modes.indexOf(mode) != modes.lastIndexOf(mode)) {
        throw new ConfigException(
            "--modes must list some of "
                + String.join(", ", ChaosRun.MODES)
                + ", each once, got '"
                + String.join(",", modes)
                + "'");
      }
    }
    MoeSearchConfig config = config();
    IndexArtifact artifact = SearchJob.resolveArtifact(config);
    List<String> texts =
        new ArrayList<>(
            Judgements.load(config.judgements().get(0), BadLinePolicy.SKIP).byQuery().keySet());
    List<String> settings = new ArrayList<>();
    common.overrides.forEach((k, v) -> settings.add(k + "=" + v));
    settings.add("index.path=" + artifact.dir().toAbsolutePath());
    settings.add(
        "cache.fill-key-file=" + Path.of(config.get(CacheOptions.FILL_KEY_FILE)).toAbsolutePath());
    PrintWriter out = spec.commandLine().getOut();
    ChaosRun chaos =
        new ChaosRun(
            ClusterLayout.of(MoeSearchConfig.home()),
            work.toAbsolutePath(),
            texts,
            settings,
            config.get(JobOptions.STATE_CHANGELOG),
            out);
    Map<String, Object> figures = new LinkedHashMap<>();
    List<ChaosRun.Report> reports = new ArrayList<>();
    for (String mode : modes) {
      ChaosRun.Report r = chaos.run(mode, faults, rate, seed, updatesPerSec);
      reports.add(r);
      figures.put(mode.equals("exactly-once") ? "exactlyOnce" : "atLeastOnce", r.json());
    }
    out.println();
    out.printf(
        "%-14s %6s %9s %10s %10s %22s %5s %7s %13s %11s%n",
        "mode",
        "sent",
        "once",
        "duplicated",
        "identical",
        "differ (degraded/full)",
        "lost",
        "faults",
        "max recovery",
        "p99 (ms)");
    for (ChaosRun.Report r : reports) {
      out.printf(
          "%-14s %6d %9d %10d %10s %22s %5d %7d %11.1f s %11.0f%n",
          r.mode(),
          r.sent(),
          r.answeredOnce(),
          r.duplicated(),
          r.duplicated() == 0 ? "-" : Boolean.toString(r.duplicatesIdentical()),
          r.duplicates().notIdentical()
              + " ("
              + r.duplicates().notIdenticalDegraded()
              + "/"
              + r.duplicates().notIdenticalFullQuality()
              + ")",
          r.lost(),
          r.faults().size(),
          r.maxRecoverySeconds(),
          r.p99OutsideFaultsMs());
      out.println(
          "  recovery per fault (s): " + r.json().get("recoverySeconds") + " " + r.faults());
      if (r.catalog() != null) {
        out.printf(
            "  catalogue: %d updates sent, %d products listed, %d deleted; probes answered %d;"
                + " listed not found %d, deleted still served %d%n",
            r.catalogUpdatesSent(),
            r.catalog().listed(),
            r.catalog().deleted(),
            r.catalog().probesAnswered(),
            r.catalog().listedMissing(),
            r.catalog().deletedServed());
      }
    }
    out.flush();
    if (json() != null) {
      Json.write(json(), figures);
    }
    return 0;
  }
}
