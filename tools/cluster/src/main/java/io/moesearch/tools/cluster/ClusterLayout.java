package io.moesearch.tools.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the cluster's parts are in a built checkout ({@code mvn package}), laid out the way the
 * cluster image has them:
 *
 * <ul>
 *   <li>Flink's lib/: {@code tools/cluster/target/flink-classpath.txt} (Flink's runtime, client,
 *       RocksDB backend, Log4j; what flink-dist's lib/ holds) plus {@code
 *       jobs/target/flink-lib/*.jar} (DJL, ONNX Runtime, the tokenizer, the model, the Prometheus
 *       reporter), exactly what docker-compose mounts into {@code /opt/flink/lib/moe-search};
 *   <li>the job jar {@code jobs/target/*-flink.jar}, submitted, never on a process's classpath;
 *   <li>the cluster configuration {@code conf/flink/config.yaml}, the one docker-compose uses;
 *   <li>the broker's classpath {@code tools/embedded-kafka/target/broker-classpath.txt}.
 * </ul>
 *
 * @param java the {@code java} binary the child JVMs run (this JVM's by default)
 */
public record ClusterLayout(
    Path root,
    Path jobJar,
    List<Path> flinkClasspath,
    List<Path> brokerClasspath,
    Path flinkConfDir,
    Path java) {

  public ClusterLayout {
    flinkClasspath = List.copyOf(flinkClasspath);
    brokerClasspath = List.copyOf(brokerClasspath);
  }

  /**
   * The layout of the checkout at {@code root}.
   *
   * @throws IllegalStateException naming the missing build output when the checkout is not built
   */
  public static ClusterLayout of(Path root) {
    Path r = root.toAbsolutePath().normalize();
    Path jobJar = jobJar(r.resolve("jobs/target"));
    List<Path> flink =
        new ArrayList<>(readClasspath(r.resolve("tools/cluster/target/flink-classpath.txt")));
    Path flinkLib = r.resolve("jobs/target/flink-lib");
    if (!Files.isDirectory(flinkLib)) {
      throw notBuilt(flinkLib);
    }
    try (Stream<Path> jars = Files.list(flinkLib)) {
      jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(flink::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Path> broker =
        new ArrayList<>(
            readClasspath(r.resolve("tools/embedded-kafka/target/broker-classpath.txt")));
    // The broker's logging: Log4j from Flink's lib/ (the broker's own dependencies bring only the
    // API).
    flink.stream()
        .filter(p -> p.getFileName().toString().startsWith("log4j-"))
        .forEach(broker::add);
    Path conf = r.resolve("conf/flink");
    if (!Files.isRegularFile(conf.resolve("config.yaml"))) {
      throw new IllegalStateException("no cluster configuration " + conf.resolve("config.yaml"));
    }
    Path java =
        ProcessHandle.current()
            .info()
            .command()
            .map(Path::of)
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    return new ClusterLayout(r, jobJar, flink, broker, conf, java);
  }

  /** The Flink processes' classpath as one string. */
  String flinkClasspathString() {
    return String.join(File.pathSeparator, flinkClasspath.stream().map(Path::toString).toList());
  }

  String brokerClasspathString() {
    return String.join(File.pathSeparator, brokerClasspath.stream().map(Path::toString).toList());
  }

  private static Path jobJar(Path target) {
    if (Files.isDirectory(target)) {
      try (Stream<Path> files = Files.list(target)) {
        var jar = files.filter(p -> p.getFileName().toString().endsWith("-flink.jar")).findFirst();
        if (jar.isPresent()) {
          return jar.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw notBuilt(target.resolve("*-flink.jar"));
  }

  private static List<Path> readClasspath(Path file) {
    if (!Files.isRegularFile(file)) {
      throw notBuilt(file);
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return Arrays.stream(text.split(File.pathSeparator))
          .filter(s -> !s.isBlank())
          .map(Path::of)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static IllegalStateException notBuilt(Path missing) {
    return new IllegalStateException(
        missing + " is missing: build the project first (mvn -B -DskipTests package)");
  }
}
