package io.moesearch.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster JVMs' class-data-sharing options work with the cluster's JVM flags: the first JVM of
 * a role writes the archive when it exits, the next one loads its classes from it.
 */
class ClassDataSharingTest {
  /** A main class of this test's classpath for the child JVMs. */
  public static final class Hello {
    public static void main(String[] args) {
      System.out.println("hello " + new java.util.concurrent.ConcurrentSkipListMap<>().size());
    }
  }

  @Test
  void aRolesFirstJvmWritesTheArchiveAndTheNextLoadsFromIt(@TempDir Path root) throws Exception {
    assumeTrue(Runtime.version().feature() >= 19, "AutoCreateSharedArchive needs JDK 19+");
    Path jar = helloJar(root);
    List<String> cds = LocalCluster.classDataSharing(root, "taskmanager-3", List.of(jar));
    Path archive = root.resolve("tools/cluster/target/cds/taskmanager.jsa");
    assertThat(cds).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(LocalCluster.classDataSharing(root, "taskmanager-0", List.of(jar))).isEqualTo(cds);
    assertThat(LocalCluster.classDataSharing(root, "taskmanager-0", List.of(root))).isEmpty();

    String first = run(cds, jar);
    assertThat(first).contains("hello 0").doesNotContain("source: shared objects file (top)");
    assertThat(archive).isNotEmptyFile();

    String second = run(cds, jar);
    assertThat(second)
        .contains("hello 0")
        .containsPattern("ClassDataSharingTest\\$Hello source: shared objects file \\(top\\)");
  }

  /** A jar holding {@link Hello}: a class-data-sharing classpath must be jars. */
  private static Path helloJar(Path dir) throws IOException {
    Path jar = dir.resolve("hello.jar");
    String entry = Hello.class.getName().replace('.', '/') + ".class";
    try (InputStream in = Hello.class.getClassLoader().getResourceAsStream(entry);
        JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }

  private static String run(List<String> cds, Path jar) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    cmd.addAll(cds);
    cmd.add("-Xlog:class+load=info:stdout");
    cmd.addAll(List.of("-cp", jar.toString()));
    cmd.add(Hello.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
