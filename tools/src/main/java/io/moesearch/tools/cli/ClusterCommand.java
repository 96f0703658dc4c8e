package io.moesearch.tools.cli;

import io.moesearch.connectors.kafka.KafkaOptions;
import io.moesearch.jobs.config.ConfigException;
import io.moesearch.jobs.config.MoeSearchConfig;
import io.moesearch.tools.cluster.ClusterLayout;
import io.moesearch.tools.cluster.JvmProcess;
import io.moesearch.tools.cluster.LocalCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code moe-search cluster up|submit|down}: the job on a real multi-process Flink cluster on this
 * machine ({@link LocalCluster}): a JobManager, TaskManagers and a Kafka broker, each its own JVM,
 * with the cluster image's lib/ and configuration ({@code conf/flink/config.yaml}, the one
 * docker-compose uses).
 */
final class ClusterCommand {
  private ClusterCommand() {}

  static final String DEFAULT_WORK = "${sys:moe.search.home:-.}/artifacts/cluster";
  static final String STATE_FILE = "cluster.properties";
  static final String SEARCH_JOB = "io.moesearch.jobs.search.SearchJob";

  /**
   * The file {@code cluster up} writes into its work directory: only a directory holding it (or an
   * empty one) is cleared by the next {@code cluster up}, never one of the user's own.
   */
  static final String MARKER = ".moe-search-cluster";

  @Command(
      name = "up",
      description = {
        "Start a local Flink cluster and Kafka broker, each process its own JVM.",
        "",
        """
            Starts a Kafka broker (KRaft) in its own JVM with the job's topics, a Flink JobManager and
            --task-managers TaskManagers (StandaloneSessionClusterEntrypoint, TaskManagerRunner) on
            Flink's lib/ laid out as in the cluster image (DJL, ONNX Runtime and the model in lib/),
            configured by conf/flink/config.yaml (docker-compose's) with local addresses, ports and
            directories. Prints the Kafka bootstrap address and the Flink REST address, then runs
            until Ctrl-C or `cluster down` (with --detach it returns and leaves the cluster running
            for `cluster down`). Logs, checkpoints, savepoints and the broker's data are under
            --work-dir. --json FILE: the addresses, ports and process ids, once started."""
      })
  static final class Up extends CliCommand {
    @Option(
        names = "--task-managers",
        paramLabel = "N",
        defaultValue = "2",
        description = "TaskManager processes.")
    int taskManagers;

    @Option(
        names = "--work-dir",
        paramLabel = "DIR",
        defaultValue = DEFAULT_WORK,
        description =
            "Logs, checkpoints, savepoints, broker data and the state file; cleared on start, so"
                + " it must be new, empty or an earlier cluster up's.")
    Path work;

    @Option(names = "--detach", description = "Return once started; stop it with `cluster down`.")
    boolean detach;

    @Spec CommandSpec spec;

    @Override
    boolean embedsHere() {
      return false; // a job submitted later loads the model, in the TaskManagers
    }

    @Override
    public Integer call() throws Exception {
      atLeast("--task-managers", taskManagers, 1);
      requireRoomFor(taskManagers);
      MoeSearchConfig config = config();
      Path state = work.resolve(STATE_FILE);
      if (Files.exists(state)) {
        throw new ConfigException(
            "a cluster is recorded in " + state + ": stop it first (bin/moe-search cluster down)");
      }
      // The job's topics (kafka.bootstrap-servers is the cluster's own, not needed here).
      List<String> topics =
          List.of(
              config.get(KafkaOptions.QUERY_TOPIC),
              config.get(KafkaOptions.RESULT_TOPIC),
              config.get(KafkaOptions.DEAD_LETTER_TOPIC),
              config.get(KafkaOptions.CACHE_FILL_TOPIC),
              config.get(KafkaOptions.EXPERT_STATS_TOPIC),
              config.get(KafkaOptions.CATALOG_TOPIC));
      String fills = config.get(KafkaOptions.CACHE_FILL_TOPIC);
      clearWorkDir(work);
      ClusterLayout layout = ClusterLayout.of(MoeSearchConfig.home());
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "starting a Kafka broker, a JobManager and " + taskManagers + " TaskManagers ...");
      out.flush();
      LocalCluster cluster = LocalCluster.start(layout, work, taskManagers, true, Map.of());
      boolean leaveRunning = false;
      try {
        cluster.createTopics(2, topics, List.of(fills));
        cluster.writeState(state);
        out.println("Kafka bootstrap: " + cluster.bootstrapServers());
        out.println("Flink REST:      " + cluster.restAddress());
        for (int tm : cluster.liveTaskManagers()) {
          out.println(
              "Prometheus:      taskmanager-"
                  + tm
                  + " http://127.0.0.1:"
                  + cluster.prometheusPort(tm)
                  + "/metrics");
        }
        out.println("logs:            " + cluster.work().resolve("log"));
        out.println(
            "next: bin/moe-search cluster submit   (any client: --set kafka.bootstrap-servers="
                + cluster.bootstrapServers()
                + ")");
        out.println(
            detach
                ? "stop: bin/moe-search cluster down"
                : "stop: Ctrl-C or bin/moe-search cluster down");
        out.flush();
        Json.write(json(), started(cluster, work, detach));
        if (detach) {
          cluster.detach();
          leaveRunning = true;
          return 0;
        }
        // Until Ctrl-C (the shutdown hook stops everything) or `cluster down` removes the state.
        while (Files.exists(state)) {
          Thread.sleep(500);
        }
        return 0;
      } finally {
        if (!leaveRunning) {
          cluster.close();
          Files.deleteIfExists(state);
        }
      }
    }
  }

  /**
   * Refuses, naming {@code --task-managers}, more TaskManagers than this machine's physical memory
   * holds at the cluster configuration's process size (2 GiB): each is a JVM of its own, started
   * one after the other, so a count of 100000 started processes until the machine ran out of
   * memory. A home without a cluster configuration is reported when the cluster starts.
   */
  static void requireRoomFor(int taskManagers) {
    Path conf = MoeSearchConfig.home().resolve("conf/flink");
    if (!Files.isRegularFile(conf.resolve("config.yaml"))
        || !(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os)) {
      return;
    }
    long each = LocalCluster.taskManagerProcessBytes(conf);
    long most = Math.max(1, os.getTotalMemorySize() / Math.max(1, each));
    if (taskManagers > most) {
      throw new ConfigException(
          "--task-managers must be at most "
              + most
              + " on this machine ("
              + (os.getTotalMemorySize() >> 20)
              + " MiB of memory, "
              + (each >> 20)
              + " MiB per TaskManager by "
              + conf.resolve("config.yaml")
              + "), got "
              + taskManagers);
    }
  }

  @Command(
      name = "submit",
      description = {
        "Submit the search job jar to the local cluster (cluster up first).",
        "",
        """
            Submits jobs/target/*-flink.jar (io.moesearch.jobs.search.SearchJob) through Flink's REST
            API, as `flink run` would, with --config/--set passed on to the job, kafka.bootstrap-servers
            set to the cluster's broker and job.checkpoint-dir to its shared checkpoint directory
            (unless set). Prints the job id (--json FILE: jobId, restAddress)."""
      })
  static final class Submit extends CliCommand {
    @Override
    boolean embedsHere() {
      return false; // the TaskManagers load the model, from their file systems
    }

    @Option(
        names = "--work-dir",
        paramLabel = "DIR",
        defaultValue = DEFAULT_WORK,
        description = "The cluster's work directory (as given to `cluster up`).")
    Path work;

    @Option(
        names = "--parallelism",
        paramLabel = "N",
        descriptionKey = "job.parallelism",
        parameterConsumer = CommonOptions.Setting.class)
    String parallelism;

    @Option(
        names = "--from-savepoint",
        paramLabel = "PATH",
        description = "Start from this savepoint (or retained checkpoint).")
    String savepoint;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path stateFile = recordedState(work);
      if (savepoint != null && !savepoint.contains(":") && !Files.exists(Path.of(savepoint))) {
        // A local path the cluster's processes share with this one (cluster up runs them here).
        throw new ConfigException("--from-savepoint: no such savepoint " + savepoint);
      }
      Properties state = LocalCluster.readState(stateFile);
      Map<String, String> overrides = common.overrides;
      List<String> args = new ArrayList<>();
      if (common.configFile != null) {
        args.addAll(List.of("--config", common.configFile.toAbsolutePath().toString()));
      }
      if (!overrides.containsKey("kafka.bootstrap-servers")) {
        args.addAll(
            List.of(
                "--set",
                "kafka.bootstrap-servers=" + state.getProperty("kafka.bootstrap-servers")));
      }
      if (!overrides.containsKey("job.checkpoint-dir")) {
        args.addAll(
            List.of(
                "--set",
                "job.checkpoint-dir="
                    + Path.of(state.getProperty("work")).resolve("checkpoints").toUri()));
      }
      overrides.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
      // Fail here, naming the setting, rather than inside the job's main() on the cluster client.
      config();
      JobID job =
          LocalCluster.submit(
              ClusterLayout.of(MoeSearchConfig.home()),
              Integer.parseInt(state.getProperty("rest.port")),
              ClusterLayout.of(MoeSearchConfig.home()).jobJar(),
              SEARCH_JOB,
              args,
              savepoint);
      PrintWriter out = spec.commandLine().getOut();
      out.println("submitted job " + job + " to " + state.getProperty("rest.address"));
      out.flush();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("jobId", job.toHexString());
      figures.put("restAddress", state.getProperty("rest.address"));
      Json.write(json(), figures);
      return 0;
    }
  }

  @Command(
      name = "down",
      description = {
        "Stop every process of the local cluster started by `cluster up`.",
        "",
        "--json FILE: stopped (how many processes), pids (the ones recorded)."
      })
  static final class Down extends CliCommand {
    @Option(
        names = "--work-dir",
        paramLabel = "DIR",
        defaultValue = DEFAULT_WORK,
        description = "The cluster's work directory (as given to `cluster up`).")
    Path work;

    @Spec CommandSpec spec;

    @Override
    boolean embedsHere() {
      return false;
    }

    @Override
    public Integer call() {
      config(); // --config, --set and --json checked as every command's are
      Path stateFile = recordedState(work);
      String pids = LocalCluster.readState(stateFile).getProperty("pids", "");
      int stopped = LocalCluster.down(stateFile);
      spec.commandLine().getOut().println("stopped " + stopped + " processes");
      spec.commandLine().getOut().flush();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("stopped", stopped);
      figures.put("pids", pids(pids));
      Json.write(json(), figures);
      return 0;
    }
  }

  /**
   * The state file {@code cluster up} wrote into {@code work}.
   *
   * @throws ConfigException naming {@code --work-dir} when there is none
   */
  static Path recordedState(Path work) {
    Path stateFile = work.resolve(STATE_FILE);
    if (!Files.isRegularFile(stateFile)) {
      throw new ConfigException(
          "--work-dir: no running cluster recorded in " + stateFile + " (cluster up first)");
    }
    return stateFile;
  }

  /** What {@code cluster up --json} writes once the cluster runs. */
  private static Map<String, Object> started(LocalCluster cluster, Path work, boolean detach) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("kafkaBootstrapServers", cluster.bootstrapServers());
    figures.put("restAddress", cluster.restAddress());
    Map<String, Integer> prometheus = new LinkedHashMap<>();
    for (int tm : cluster.liveTaskManagers()) {
      prometheus.put("taskmanager-" + tm, cluster.prometheusPort(tm));
    }
    figures.put("prometheusPorts", prometheus);
    Map<String, Long> pids = new LinkedHashMap<>();
    for (JvmProcess p : cluster.processes()) {
      if (p.alive()) {
        pids.put(p.name(), p.pid());
      }
    }
    figures.put("processes", pids);
    figures.put("workDir", cluster.work().toString());
    figures.put("stateFile", work.resolve(STATE_FILE).toAbsolutePath().toString());
    figures.put("detached", detach);
    return figures;
  }

  /** The recorded pids, {@code "1,2"}, as numbers. */
  private static List<Long> pids(String recorded) {
    List<Long> out = new ArrayList<>();
    for (String pid : recorded.split(",")) {
      if (!pid.isBlank()) {
        out.add(Long.parseLong(pid.trim()));
      }
    }
    return out;
  }

  /**
   * Makes {@code work} an empty directory marked ({@link #MARKER}) as {@code cluster up}'s own:
   * creates it, or clears it when it is empty or marked.
   *
   * @throws ConfigException naming {@code --work-dir} when it is a file, or a directory with files
   *     {@code cluster up} did not write (a typo such as {@code --work-dir .} must not wipe them)
   */
  static void clearWorkDir(Path work) throws IOException {
    if (Files.exists(work)) {
      if (!Files.isDirectory(work)) {
        throw new ConfigException("--work-dir: " + work + " is not a directory");
      }
      boolean empty;
      try (Stream<Path> entries = Files.list(work)) {
        empty = entries.findAny().isEmpty();
      }
      if (!empty && !Files.isRegularFile(work.resolve(MARKER))) {
        throw new ConfigException(
            "--work-dir: "
                + work
                + " holds files cluster up did not write (no "
                + MARKER
                + "); give a new or empty directory, it is cleared on every cluster up");
      }
      deleteRecursively(work);
    }
    Files.createDirectories(work);
    Files.writeString(
        work.resolve(MARKER),
        "Written by `moe-search cluster up`: this directory is cleared on the next one.\n");
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not clear " + root, e);
    }
  }
}
