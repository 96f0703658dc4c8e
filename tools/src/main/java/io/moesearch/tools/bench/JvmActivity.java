package io.moesearch.tools.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

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
 * @param jitSeconds time the JIT compiler threads spent compiling ({@link
 *     CompilationMXBean#getTotalCompilationTime}, summed over its threads; {@code -1} where the JVM
 *     does not report it)
 * @param gcSeconds time the collectors report for their collections ({@link
 *     GarbageCollectorMXBean#getCollectionTime}, summed; concurrent collectors' cycles included)
 * @param processors {@link Runtime#availableProcessors}
 */
public record JvmActivity(
    double seconds, double cpuCores, double jitSeconds, double gcSeconds, int processors) {

  public JvmActivity {
    if (!(seconds >= 0) || !(cpuCores >= 0) || !(gcSeconds >= 0) || processors < 1) {
      throw new IllegalArgumentException(
          "seconds, cpuCores and gcSeconds must be >= 0 and processors >= 1");
    }
  }

  /** Share of the machine's cores the JIT took over the phase ({@code -1} when unknown). */
  public double jitShareOfCores() {
    return jitSeconds < 0 || seconds == 0 ? -1 : jitSeconds / (seconds * processors);
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
    return new Reading(System.nanoTime(), processCpuNanos(), jitMs, gcMs);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  /** Counters at one moment: monotonic clock, process CPU, JIT and GC time. */
  public record Reading(long nanoTime, long cpuNanos, long jitMs, long gcMs) {

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
          jitMs < 0 || later.jitMs < 0 ? -1 : Math.max(0, later.jitMs - jitMs) / 1000.0,
          Math.max(0, later.gcMs - gcMs) / 1000.0,
          Runtime.getRuntime().availableProcessors());
    }
  }

  /** One line for a report: cores busy, JIT and GC seconds and the JIT's share of the cores. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "%.1f s: %.2f of %d cores busy; JIT compiling %s; GC %.1f s",
        seconds,
        cpuCores,
        processors,
        jitSeconds < 0
            ? "not reported"
            : String.format(
                java.util.Locale.ROOT,
                "%.1f s (%.0f%% of the cores)",
                jitSeconds,
                100 * jitShareOfCores()),
        gcSeconds);
  }
}
