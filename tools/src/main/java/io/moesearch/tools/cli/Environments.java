package io.moesearch.tools.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Execution environments for the command line: Flink's MiniCluster in this JVM. */
final class Environments {
  private Environments() {}

  static StreamExecutionEnvironment local(int parallelism) {
    Configuration conf = new Configuration();
    conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(parallelism, 4));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    return StreamExecutionEnvironment.getExecutionEnvironment(conf);
  }
}
