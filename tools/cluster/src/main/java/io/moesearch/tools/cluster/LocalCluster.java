package io.moesearch.tools.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A standalone Flink session cluster and a Kafka broker on this machine, every part its own JVM: a
 * JobManager ({@code StandaloneSessionClusterEntrypoint}), N TaskManagers ({@code
 * TaskManagerRunner}) and the broker ({@link KafkaBrokerProcess}). The processes run on the cluster
 * image's lib/ ({@link ClusterLayout}) with the cluster configuration {@code
 * conf/flink/config.yaml} (docker-compose's), overridden only by {@link #localOverrides}: loopback
 * addresses, free ports and directories under the work directory. Jobs are submitted as the job jar
 * through Flink's REST API ({@link RestClusterClient}). Checkpoints and savepoints go to {@code
 * work/checkpoints} and {@code work/savepoints}.
 *
 * <p>{@link #close()} stops every process it started; a shutdown hook does the same when this JVM
 * exits first. {@link #writeState} records the pids so that {@link #down(Path)} in another process
 * stops a cluster left running ({@code bin/moe-search cluster up --detach}).
 */
public final class LocalCluster implements AutoCloseable {
  static final String JOB_MANAGER_MAIN =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Pattern TASK_MANAGERS = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)");

  private final ClusterLayout layout;
  private final Path work;
  private final Configuration config;
  private final Path confDir;
  private final KafkaBrokerProcess broker;
  private final int restPort;
  private JvmProcess jobManager;
  private final List<JvmProcess> taskManagers = new ArrayList<>();
  private final List<Integer> prometheusPorts = new ArrayList<>();
  private final Thread shutdownHook;
  private boolean closed;

  private LocalCluster(
      ClusterLayout layout, Path work, Map<String, String> overrides, boolean withBroker) {
    this.layout = layout;
    this.work = work.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.work.resolve("conf"));
      rotateLogs(this.work);
      Files.createDirectories(this.work.resolve("checkpoints"));
      Files.createDirectories(this.work.resolve("savepoints"));
      Files.createDirectories(this.work.resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.restPort = freePort();
    this.confDir = this.work.resolve("conf");
    this.config = GlobalConfiguration.loadConfiguration(layout.flinkConfDir().toString());
    localOverrides(this.work, restPort, freePort()).forEach(config::setString);
    overrides.forEach(config::setString);
    writeConfig(confDir, config);
    this.broker =
        withBroker
            ? KafkaBrokerProcess.format(layout, this.work.resolve("kafka"), freePort(), freePort())
            : null;
    this.shutdownHook = new Thread(this::stopAll, "local-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Gives each cluster run its own logs: the previous run's {@code log/} (the JobManager's, the
   * TaskManagers' and RocksDB's logs, which would otherwise be appended to run after run) becomes
   * {@code log.previous/}, replacing an older one, and {@code log/} starts empty.
   *
   * @throws IOException if the directories cannot be moved or created
   */
  static void rotateLogs(Path work) throws IOException {
    Path log = work.resolve("log");
    if (Files.isDirectory(log)) {
      Path previous = work.resolve("log.previous");
      FileUtils.deleteDirectory(previous.toFile());
      Files.move(log, previous);
    }
    Files.createDirectories(log);
  }

  /**
   * Starts the broker (when {@code withBroker}), the JobManager and {@code taskManagers}
   * TaskManagers, and waits until every TaskManager has registered.
   *
   * @param overrides Flink settings over the cluster configuration (e.g. {@code heartbeat.*})
   * @throws IllegalStateException when a part does not start; whatever started is stopped
   */
  public static LocalCluster start(
      ClusterLayout layout,
      Path work,
      int taskManagers,
      boolean withBroker,
      Map<String, String> overrides) {
    if (taskManagers < 1) {
      throw new IllegalArgumentException("taskManagers must be >= 1, got " + taskManagers);
    }
    LocalCluster cluster = new LocalCluster(layout, work, overrides, withBroker);
    try {
      if (cluster.broker != null) {
        cluster.broker.start();
      }
      cluster.startJobManager();
      for (int i = 0; i < taskManagers; i++) {
        cluster.startTaskManager();
      }
      cluster.awaitTaskManagers(taskManagers);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * The memory one TaskManager process of the cluster configuration in {@code flinkConfDir} takes
   * ({@code taskmanager.memory.process.size} and what Flink derives from it), in bytes.
   */
  public static long taskManagerProcessBytes(Path flinkConfDir) {
    Configuration c = GlobalConfiguration.loadConfiguration(flinkConfDir.toString());
    return TaskExecutorProcessUtils.processSpecFromConfig(c).getTotalProcessMemorySize().getBytes();
  }

  /**
   * What the local cluster changes in the cluster configuration: loopback addresses and free ports
   * instead of container names and fixed ports, and directories under {@code work}. Failure
   * detection, slots and the restart backoff come from the cluster configuration as they are, the
   * same as docker-compose's.
   */
  static Map<String, String> localOverrides(Path work, int restPort, int rpcPort) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("jobmanager.rpc.address", "127.0.0.1");
    m.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    m.put("jobmanager.bind-host", "127.0.0.1");
    m.put("taskmanager.host", "127.0.0.1");
    m.put("taskmanager.bind-host", "127.0.0.1");
    m.put("rest.address", "127.0.0.1");
    m.put("rest.bind-address", "127.0.0.1");
    m.put("rest.port", Integer.toString(restPort));
    m.put("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
    m.put("execution.checkpointing.savepoint-dir", work.resolve("savepoints").toUri().toString());
    m.put(
        "state.changelog.dstl.dfs.base-path",
        work.resolve("checkpoints").resolve("changelog").toUri().toString());
    m.put("io.tmp.dirs", work.resolve("tmp").toString());
    return m;
  }

  private static void writeConfig(Path dir, Configuration config) {
    StringBuilder yaml =
        new StringBuilder("# Written by LocalCluster: conf/flink/config.yaml + local overrides.\n");
    new TreeMap<>(config.toMap())
        .forEach((k, v) -> yaml.append(k).append(": '").append(v.replace("'", "''")).append("'\n"));
    try {
      Files.writeString(dir.resolve("config.yaml"), yaml.toString(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> jvm(String role, List<String> memoryParameters) {
    List<String> cmd = new ArrayList<>();
    cmd.add(layout.java().toString());
    cmd.addAll(memoryParameters);
    cmd.addAll(split(config.getString("env.java.opts.all", "")));
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.add("-XX:+UseG1GC");
    cmd.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
    cmd.add("-Dlog.file=" + work.resolve("log").resolve(role + ".log"));
    cmd.add("-cp");
    cmd.add(layout.flinkClasspathString());
    return cmd;
  }

  private static List<String> split(String s) {
    return Arrays.stream(s.trim().split("\\s+")).filter(t -> !t.isEmpty()).toList();
  }

  private synchronized void startJobManager() {
    JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(config);
    List<String> cmd =
        jvm("jobmanager", split(JobManagerProcessUtils.generateJvmParametersStr(spec, config)));
    cmd.add(JOB_MANAGER_MAIN);
    cmd.addAll(List.of("--configDir", confDir.toString()));
    cmd.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
    cmd.add("-Dmetrics.reporter.prom.port=" + freePort());
    jobManager = JvmProcess.start("jobmanager", cmd, work.resolve("log/jobmanager.out"));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (overview() == null) {
      if (!jobManager.alive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the JobManager did not start; see " + work.resolve("log/jobmanager.out"));
      }
      KafkaBrokerProcess.sleep(250);
    }
  }

  /**
   * Starts one more TaskManager (its Prometheus reporter on a port of its own, {@link
   * #prometheusPort}) and returns its index. It registers with the JobManager by itself; {@link
   * #awaitTaskManagers} waits for that.
   */
  public synchronized int startTaskManager() {
    int index = taskManagers.size();
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(config);
    List<String> cmd =
        jvm(
            "taskmanager-" + index,
            split(
                org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils
                    .generateJvmParametersStr(spec)));
    cmd.add(TASK_MANAGER_MAIN);
    cmd.addAll(List.of("--configDir", confDir.toString()));
    cmd.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
    int prom = freePort();
    cmd.add("-Dmetrics.reporter.prom.port=" + prom);
    cmd.add("-Dtaskmanager.resource-id=taskmanager-" + index);
    taskManagers.add(
        JvmProcess.start(
            "taskmanager-" + index, cmd, work.resolve("log/taskmanager-" + index + ".out")));
    prometheusPorts.add(prom);
    return index;
  }

  /** SIGKILL of TaskManager {@code index} (a crash). */
  public synchronized void killTaskManager(int index) {
    taskManagers.get(index).kill();
  }

  /** Indices of the TaskManagers whose process is alive. */
  public synchronized List<Integer> liveTaskManagers() {
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < taskManagers.size(); i++) {
      if (taskManagers.get(i).alive()) {
        live.add(i);
      }
    }
    return live;
  }

  /** Reads the REST API's JSON bodies (Flink's shaded Jackson, on Flink's lib/ like the client). */
  private static final ObjectMapper REST_JSON = new ObjectMapper();

  /**
   * Indices of the live TaskManagers that hold at least one occupied slot (run tasks), from the
   * REST API ({@code /taskmanagers}); the ones a crash test should kill.
   */
  public synchronized List<Integer> busyTaskManagers() {
    List<Integer> busy = new ArrayList<>();
    String body = rest("/taskmanagers");
    if (body == null) {
      return busy;
    }
    try {
      var tms = REST_JSON.readTree(body).get("taskmanagers");
      for (var tm : tms) {
        String id = tm.get("id").asText();
        if (id.startsWith("taskmanager-")
            && tm.get("freeSlots").asInt() < tm.get("slotsNumber").asInt()) {
          int index = Integer.parseInt(id.substring("taskmanager-".length()));
          if (index < taskManagers.size() && taskManagers.get(index).alive()) {
            busy.add(index);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return busy;
    }
    return busy;
  }

  /** The port of TaskManager {@code index}'s Prometheus endpoint ({@code /metrics}). */
  public synchronized int prometheusPort(int index) {
    return prometheusPorts.get(index);
  }

  /**
   * Waits until the JobManager counts {@code n} registered TaskManagers (a killed one is counted
   * until its heartbeat times out).
   */
  public void awaitTaskManagers(int n) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      String overview = overview();
      if (overview != null) {
        Matcher m = TASK_MANAGERS.matcher(overview);
        if (m.find() && Integer.parseInt(m.group(1)) == n) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            n + " TaskManagers did not register in " + START_TIMEOUT + ": " + overview);
      }
      KafkaBrokerProcess.sleep(250);
    }
  }

  /** {@code GET /overview} of the REST API, or null when it does not answer. */
  String overview() {
    return get(URI.create(restAddress() + "/overview"));
  }

  static String get(URI uri) {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The broker, or null when the cluster was started without one. */
  public KafkaBrokerProcess broker() {
    return broker;
  }

  public String bootstrapServers() {
    if (broker == null) {
      throw new IllegalStateException("this cluster has no broker");
    }
    return broker.bootstrapServers();
  }

  public String restAddress() {
    return "http://127.0.0.1:" + restPort;
  }

  public Path work() {
    return work;
  }

  public Path checkpointDir() {
    return work.resolve("checkpoints");
  }

  /**
   * Creates {@code topics} with {@code partitions} partitions each (those in {@code compacted}
   * compacted).
   */
  public void createTopics(int partitions, List<String> topics, List<String> compacted) {
    createTopics(bootstrapServers(), partitions, topics, compacted);
  }

  public static void createTopics(
      String bootstrap, int partitions, List<String> topics, List<String> compacted) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    List<NewTopic> news = new ArrayList<>();
    for (String t : topics) {
      NewTopic n = new NewTopic(t, partitions, (short) 1);
      if (compacted.contains(t)) {
        n.configs(Map.of("cleanup.policy", "compact"));
      }
      news.add(n);
    }
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(news).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("creating topics " + topics + " failed: " + e, e);
    }
  }

  /** The Flink configuration a client of this cluster uses (REST address and port). */
  public Configuration clientConfiguration() {
    return clientConfiguration(restPort);
  }

  static Configuration clientConfiguration(int restPort) {
    Configuration c = new Configuration();
    c.setString("rest.address", "127.0.0.1");
    c.setString("rest.port", Integer.toString(restPort));
    return c;
  }

  /**
   * Submits the job jar's {@code entryClass} with {@code args} through the REST API: the job graph
   * is built from the jar (as {@code flink run} does, by {@link JobSubmitter} on Flink's lib/
   * alone) and uploaded with the jar.
   *
   * @param savepoint a savepoint or retained checkpoint to start from, or null
   */
  public JobID submit(Path jobJar, String entryClass, List<String> args, String savepoint) {
    return submit(layout, restPort, jobJar, entryClass, args, savepoint);
  }

  /**
   * {@link #submit(Path, String, List, String)} to the cluster whose REST API is on {@code
   * restPort}.
   */
  public static JobID submit(
      ClusterLayout layout,
      int restPort,
      Path jobJar,
      String entryClass,
      List<String> args,
      String savepoint) {
    List<URL> urls = new ArrayList<>();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    try {
      for (Path p : layout.flinkClasspath()) {
        urls.add(p.toUri().toURL());
      }
      urls.add(JobSubmitter.class.getProtectionDomain().getCodeSource().getLocation());
      try (URLClassLoader flinkLib =
          new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
        Thread.currentThread().setContextClassLoader(flinkLib);
        Method submit =
            flinkLib
                .loadClass(JobSubmitter.class.getName())
                .getMethod(
                    "submit",
                    String.class,
                    int.class,
                    String.class,
                    String.class,
                    String[].class,
                    String.class);
        String id =
            (String)
                submit.invoke(
                    null,
                    "127.0.0.1",
                    restPort,
                    jobJar.toString(),
                    entryClass,
                    args.toArray(String[]::new),
                    savepoint);
        return JobID.fromHexString(id);
      }
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(
          "submitting " + jobJar.getFileName() + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | IOException e) {
      throw new IllegalStateException("submitting " + jobJar.getFileName() + " failed: " + e, e);
    } finally {
      Thread.currentThread().setContextClassLoader(context);
    }
  }

  /** The job's status. */
  public JobStatus status(JobID job) {
    try (RestClusterClient<StandaloneClusterId> rest =
        new RestClusterClient<>(clientConfiguration(), StandaloneClusterId.getInstance())) {
      return rest.getJobStatus(job).get(1, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("job status of " + job + ": " + e, e);
    }
  }

  /** Waits until the job is RUNNING and all its tasks are deployed and running. */
  public void awaitRunning(JobID job, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String details = get(URI.create(restAddress() + "/jobs/" + job));
      if (details != null
          && details.contains("\"state\":\"RUNNING\"")
          && allTasksRunning(details)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "job " + job + " not running after " + timeout + ": " + details);
      }
      KafkaBrokerProcess.sleep(250);
    }
  }

  private static boolean allTasksRunning(String details) {
    // Every vertex's "tasks" counts: only RUNNING may be non-zero.
    Matcher m = Pattern.compile("\"tasks\":\\{([^}]*)\\}").matcher(details);
    boolean any = false;
    while (m.find()) {
      any = true;
      for (String kv : m.group(1).split(",")) {
        String[] p = kv.split(":");
        if (p.length == 2 && !p[0].contains("RUNNING") && Integer.parseInt(p[1].trim()) != 0) {
          return false;
        }
      }
    }
    return any;
  }

  /**
   * {@code GET path} of the cluster's REST API (e.g. {@code /jobs/<id>/checkpoints}): the JSON
   * body, or null when it does not answer 200.
   */
  public String rest(String path) {
    return get(URI.create(restAddress() + path));
  }

  /** Stop-with-savepoint: returns the savepoint's path once the job has stopped. */
  public String stopWithSavepoint(JobID job) {
    try (RestClusterClient<StandaloneClusterId> rest =
        new RestClusterClient<>(clientConfiguration(), StandaloneClusterId.getInstance())) {
      return rest.stopWithSavepoint(
              job,
              false,
              work.resolve("savepoints").toUri().toString(),
              SavepointFormatType.CANONICAL)
          .get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("stop-with-savepoint of " + job + " failed: " + e, e);
    }
  }

  /**
   * Takes a checkpoint, cancels the job and returns, once the job is cancelled, the path of its
   * last completed checkpoint (the one it triggered or a later periodic one: an earlier checkpoint
   * is deleted as soon as a later one completes). The way to restart a job that runs with the state
   * changelog ({@code job.state-changelog}, which keeps a cancelled job's last checkpoint), since
   * such a job cannot restart from a savepoint (see {@link JobSubmitter}). Unlike
   * stop-with-savepoint, the sources are not stopped first: what the job read after the checkpoint
   * is read again after the restart.
   *
   * @throws IllegalStateException when the checkpoint fails, the job does not cancel within two
   *     minutes, or the REST API does not give the last checkpoint's path
   */
  public String cancelWithCheckpoint(JobID job) {
    try (RestClusterClient<StandaloneClusterId> rest =
        new RestClusterClient<>(clientConfiguration(), StandaloneClusterId.getInstance())) {
      long triggered =
          rest.triggerCheckpoint(job, CheckpointType.CONFIGURED).get(5, TimeUnit.MINUTES);
      rest.cancel(job).get(2, TimeUnit.MINUTES);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!rest.getJobStatus(job).get(1, TimeUnit.MINUTES).isGloballyTerminalState()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(job + " not cancelled within 2 minutes");
        }
        KafkaBrokerProcess.sleep(100);
      }
      String body = rest("/jobs/" + job + "/checkpoints");
      var completed =
          REST_JSON.readTree(body == null ? "{}" : body).path("latest").path("completed");
      String path = completed.path("external_path").asText("");
      if (completed.path("id").asLong(-1) < triggered || path.isEmpty()) {
        throw new IllegalStateException(
            "no retained checkpoint at or after " + triggered + " for " + job + ": " + body);
      }
      return path;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cancel-with-checkpoint of " + job + " failed: " + e, e);
    }
  }

  /** Cancels the job (no savepoint). */
  public void cancel(JobID job) {
    try (RestClusterClient<StandaloneClusterId> rest =
        new RestClusterClient<>(clientConfiguration(), StandaloneClusterId.getInstance())) {
      rest.cancel(job).get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("cancelling " + job + " failed: " + e, e);
    }
  }

  /** Every process this cluster runs now (broker, JobManager, TaskManagers). */
  public synchronized List<JvmProcess> processes() {
    List<JvmProcess> all = new ArrayList<>();
    if (broker != null && broker.process() != null) {
      all.add(broker.process());
    }
    if (jobManager != null) {
      all.add(jobManager);
    }
    all.addAll(taskManagers);
    return all;
  }

  /**
   * Records the cluster in {@code file} (a properties file): the addresses and every live process's
   * pid, so that {@link #down(Path)} from another process can stop it.
   */
  public synchronized void writeState(Path file) {
    Properties p = new Properties();
    p.setProperty("rest.address", restAddress());
    p.setProperty("rest.port", Integer.toString(restPort));
    if (broker != null) {
      p.setProperty("kafka.bootstrap-servers", broker.bootstrapServers());
    }
    p.setProperty("work", work.toString());
    StringBuilder pids = new StringBuilder();
    for (JvmProcess proc : processes()) {
      if (proc.alive()) {
        pids.append(pids.isEmpty() ? "" : ",").append(proc.pid());
      }
    }
    p.setProperty("pids", pids.toString());
    for (int i = 0; i < prometheusPorts.size(); i++) {
      p.setProperty("prometheus.taskmanager-" + i, Integer.toString(prometheusPorts.get(i)));
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "bin/moe-search cluster up");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a state file written by {@link #writeState}. */
  public static Properties readState(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "no running cluster recorded in " + file + " (cluster up first)");
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /**
   * Stops the processes recorded in {@code stateFile} (SIGTERM, SIGKILL after 30 s) and deletes the
   * file. A pid is only signalled when it is still one of the cluster's JVMs (its command line runs
   * one of the cluster's main classes), never a process that reused the pid. Returns how many
   * processes were stopped.
   */
  public static int down(Path stateFile) {
    Properties p = readState(stateFile);
    int stopped = 0;
    for (String pid : p.getProperty("pids", "").split(",")) {
      if (pid.isBlank()) {
        continue;
      }
      var handle = ProcessHandle.of(Long.parseLong(pid.trim()));
      if (handle.isPresent() && isClusterProcess(handle.get())) {
        JvmProcess.stop(handle.get(), Duration.ofSeconds(30));
        stopped++;
      }
    }
    try {
      Files.deleteIfExists(stateFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stopped;
  }

  private static boolean isClusterProcess(ProcessHandle h) {
    String cmd = commandLine(h);
    return cmd.contains(JOB_MANAGER_MAIN)
        || cmd.contains(TASK_MANAGER_MAIN)
        || cmd.contains(" " + KafkaBrokerProcess.MAIN + " ");
  }

  /**
   * The process's full command line: {@code /proc/<pid>/cmdline} where there is one ({@code
   * ProcessHandle.Info#commandLine} is empty for the cluster's long classpaths on Linux).
   */
  private static String commandLine(ProcessHandle h) {
    Path proc = Path.of("/proc", Long.toString(h.pid()), "cmdline");
    try {
      if (Files.isReadable(proc)) {
        return new String(Files.readAllBytes(proc), StandardCharsets.ISO_8859_1).replace('\0', ' ');
      }
    } catch (IOException e) {
      // fall through
    }
    return h.info().commandLine().orElse("");
  }

  /**
   * Leaves the processes running when this JVM exits ({@code cluster up --detach}): {@link
   * #down(Path)} stops them from the state file.
   */
  public void detach() {
    synchronized (this) {
      closed = true;
    }
    Runtime.getRuntime().removeShutdownHook(shutdownHook);
  }

  /** Stops every process it started (TaskManagers, JobManager, then the broker); idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs stopAll too
    }
  }

  private synchronized void stopAll() {
    for (JvmProcess tm : taskManagers) {
      tm.stop(Duration.ofSeconds(20));
    }
    if (jobManager != null) {
      jobManager.stop(Duration.ofSeconds(20));
    }
    if (broker != null) {
      broker.stop();
    }
  }

  /** A free TCP port on the loopback interface (bound and released). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static final String LOG4J =
      String.join(
          "\n",
          "rootLogger.level = INFO",
          "rootLogger.appenderRef.file.ref = file",
          "appender.file.name = file",
          "appender.file.type = File",
          "appender.file.append = true",
          "appender.file.fileName = ${sys:log.file}",
          "appender.file.layout.type = PatternLayout",
          "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-30c{1} - %m%n",
          "logger.kafka.name = org.apache.kafka",
          "logger.kafka.level = WARN",
          "logger.pekko.name = org.apache.pekko",
          "logger.pekko.level = WARN",
          "");
}
