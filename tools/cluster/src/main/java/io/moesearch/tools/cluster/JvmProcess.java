package io.moesearch.tools.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of the local cluster, its output appended to a log file. {@link #kill()} is a
 * SIGKILL (the crash under test), {@link #stop(Duration)} a SIGTERM with a SIGKILL after the grace
 * period.
 */
public final class JvmProcess {
  private final String name;
  private final Process process;
  private final Path log;

  private JvmProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} (the {@code java} binary first) with stdout and stderr appended to
   * {@code log}.
   *
   * @throws UncheckedIOException if the process cannot be started
   */
  static JvmProcess start(String name, List<String> command, Path log) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command for " + name);
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    try {
      return new JvmProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Exit code, or -1 while running. */
  public int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** Waits up to {@code timeout} for the process to exit; true when it has. */
  boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** SIGKILL, no shutdown hooks run in the child (a crash); waits until it is gone. */
  public void kill() {
    kill(process.toHandle());
  }

  /** SIGTERM, then SIGKILL after {@code grace}; waits until it is gone. */
  public void stop(Duration grace) {
    stop(process.toHandle(), grace);
  }

  static void kill(ProcessHandle handle) {
    handle.descendants().forEach(ProcessHandle::destroyForcibly);
    handle.destroyForcibly();
    awaitExit(handle, Duration.ofSeconds(30));
  }

  static void stop(ProcessHandle handle, Duration grace) {
    if (!handle.isAlive()) {
      return;
    }
    handle.destroy();
    if (!awaitExit(handle, grace)) {
      kill(handle);
    }
  }

  private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + pid() + (alive() ? "" : ", exited " + exitCode()) + ")";
  }
}
