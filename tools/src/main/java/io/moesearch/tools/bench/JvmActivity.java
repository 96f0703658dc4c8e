package io.moesearch.tools.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What this JVM did during a measured phase, beside the figures measured in it: the embedded
 * pipeline (broker, MiniCluster, driver) runs in this one process, so its CPU is the run's CPU.
 *
 * <p>Why: on a 2-core machine a run's throughput moves with how busy the JIT still is (C2
 * recompiling the job's hottest methods for seconds at a time) and with the garbage collector; a
 * figure printed with the share of the cores that went to compiling says whether it measured the
 * job or its warm-up.
 *
 * @param seconds wall-clock length of the phase
 * @param cpuCores process CPU time (all threads, native ones such as the model's included) divided
 *     by {@code seconds}: cores busy on average
 * @param jitCpuSeconds CPU time of the JIT compiler threads (HotSpot's {@code C1 CompilerThread*}
 *     and {@code C2 CompilerThread*}, read from Linux's {@code /proc/self/task/<tid>/schedstat}:
 *     time on a CPU, not time waiting for one); {@code -1} where that is not readable. A compiler
 *     thread that exits during the phase takes its time with it (HotSpot starts and stops them on
 *     demand)
 * @param jitElapsedSeconds what the JVM reports as compilation time ({@link
 *     CompilationMXBean#getTotalCompilationTime}): elapsed time of the compilations, summed over
 *     the compiler threads, including time they waited for a CPU; {@code -1} where not reported
 * @param gcSeconds time the collectors report for their collections ({@link
 *     GarbageCollectorMXBean#getCollectionTime}, summed; concurrent collectors' cycles included)
 * @param processors {@link Runtime#availableProcessors}
 */
public record JvmActivity(
    double seconds,
    double cpuCores,
    double jitCpuSeconds,
    double jitElapsedSeconds,
    double gcSeconds,
    int processors) {

  private static final Path TASKS = Path.of("/proc/self/task");

  public JvmActivity {
    if (!(seconds >= 0) || !(cpuCores >= 0) || !(gcSeconds >= 0) || processors < 1) {
      throw new IllegalArgumentException(
          "seconds, cpuCores and gcSeconds must be >= 0 and processors >= 1");
    }
  }

  /**
   * Cores the JIT compiler threads kept busy on average over the phase, as a share of the machine's
   * cores ({@code -1} when unknown).
   */
  public double jitShareOfCores() {
    return jitCpuSeconds < 0 || seconds == 0 ? -1 : jitCpuSeconds / (seconds * processors);
  }

  /** Takes a reading now; {@link Reading#since} gives the activity from it to a later moment. */
  public static Reading read() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long jitMs =
        jit != null && jit.isCompilationTimeMonitoringSupported()
            ? jit.getTotalCompilationTime()
            : -1;
    long gcMs = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcMs += Math.max(0, gc.getCollectionTime());
    }
    return new Reading(System.nanoTime(), processCpuNanos(), compilerCpuNanos(), jitMs, gcMs);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  /** CPU nanoseconds of this process's JIT compiler threads, or -1 where unreadable. */
  static long compilerCpuNanos() {
    if (!Files.isDirectory(TASKS)) {
      return -1;
    }
    long sum = 0;
    boolean any = false;
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(task.resolve("comm")).strip();
          if (!isCompilerThread(comm)) {
            continue;
          }
          sum += onCpuNanos(Files.readString(task.resolve("schedstat")));
          any = true;
        } catch (IOException | RuntimeException e) {
          // the thread exited between the listing and the read, or no schedstat: skip it
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return any ? sum : -1;
  }

  /** Whether a Linux thread name ({@code comm}, 15 characters at most) is a JIT compiler's. */
  static boolean isCompilerThread(String comm) {
    return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
  }

  /** The first field of a {@code schedstat} line: nanoseconds spent on a CPU. */
  static long onCpuNanos(String schedstat) {
    String[] fields = schedstat.strip().split("\\s+");
    return Long.parseLong(fields[0]);
  }

  /** Counters at one moment: monotonic clock, process CPU, compiler CPU, JIT and GC time. */
  public record Reading(long nanoTime, long cpuNanos, long jitCpuNanos, long jitMs, long gcMs) {

    /** The activity between this reading and now. */
    public JvmActivity since() {
      return since(read());
    }

    /** The activity between this reading and {@code later}. */
    public JvmActivity since(Reading later) {
      double seconds = Math.max(0, later.nanoTime - nanoTime) / 1e9;
      double cpu = Math.max(0, later.cpuNanos - cpuNanos) / 1e9;
      return new JvmActivity(
          seconds,
          seconds == 0 ? 0 : cpu / seconds,
          jitCpuNanos < 0 || later.jitCpuNanos < 0
              ? -1
              : Math.max(0, later.jitCpuNanos - jitCpuNanos) / 1e9,
          jitMs < 0 || later.jitMs < 0 ? -1 : Math.max(0, later.jitMs - jitMs) / 1000.0,
          Math.max(0, later.gcMs - gcMs) / 1000.0,
          Runtime.getRuntime().availableProcessors());
    }
  }

  /** One line for a report: cores busy, the JIT's CPU and its share of the cores, GC time. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%.1f s: %.2f of %d cores busy; JIT compiler threads %s; GC %.1f s",
        seconds,
        cpuCores,
        processors,
        jitCpuSeconds < 0
            ? "not measured"
            : String.format(
                Locale.ROOT,
                "%.1f s of CPU (%.0f%% of the cores)",
                jitCpuSeconds,
                100 * jitShareOfCores()),
        gcSeconds);
  }
}
