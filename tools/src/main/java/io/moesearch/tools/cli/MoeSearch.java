package io.moesearch.tools.cli;

import io.moesearch.core.artifact.ArtifactException;
import io.moesearch.core.catalog.CatalogFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code bin/moe-search} entry point: dispatches to one subcommand per job, evaluation and
 * benchmark.
 */
public final class MoeSearch {
  private MoeSearch() {}

  static List<Command> commands() {
    List<Command> c = new ArrayList<>();
    c.add(new DemoCommand());
    c.add(new IndexBuildCommand());
    c.add(new EvalCommand());
    c.add(new PrewarmCommand());
    c.add(new BenchPipelineCommand());
    c.add(new RoutingUpdateCommand());
    c.add(new BenchCacheCommand());
    c.add(new BenchRoutingCommand());
    return c;
  }

  public static void main(String[] argv) {
    System.exit(run(argv));
  }

  static int run(String[] argv) {
    if (argv.length > 0 && argv[0].equals("--update-routing")) {
      String[] rest = new String[argv.length + 1];
      rest[0] = "routing";
      rest[1] = "update";
      System.arraycopy(argv, 1, rest, 2, argv.length - 1);
      argv = rest;
    }
    List<Command> commands = commands();
    for (Command cmd : commands) {
      String[] words = cmd.name().split(" ");
      if (argv.length >= words.length && matches(argv, words)) {
        try {
          Args args = Args.parse(argv, words.length, cmd.valuedFlags(), cmd.switches());
          if (args.help) {
            System.out.println(cmd.help());
            return 0;
          }
          if (!args.positional.isEmpty()) {
            System.err.println(
                "moe-search "
                    + cmd.name()
                    + ": unexpected argument "
                    + args.positional.get(0)
                    + " (see --help)");
            return 2;
          }
          return cmd.run(args);
        } catch (IllegalArgumentException | ArtifactException | CatalogFormatException e) {
          System.err.println("moe-search " + cmd.name() + ": " + e.getMessage());
          return 2;
        } catch (Exception e) {
          System.err.println("moe-search " + cmd.name() + " failed: " + e);
          e.printStackTrace();
          return 1;
        }
      }
    }
    boolean help =
        argv.length == 0
            || argv[0].equals("--help")
            || argv[0].equals("-h")
            || argv[0].equals("help");
    StringBuilder sb =
        new StringBuilder(
            "Usage: moe-search <command> [options]   (moe-search <command> --help for details)\n\nCommands:\n");
    for (Command cmd : commands) {
      sb.append(String.format("  %-18s %s%n", cmd.name(), cmd.summary()));
    }
    if (help) {
      System.out.print(sb);
      return 0;
    }
    System.err.println("moe-search: unknown command '" + String.join(" ", argv) + "'\n");
    System.err.print(sb);
    return 2;
  }

  private static boolean matches(String[] argv, String[] words) {
    for (int i = 0; i < words.length; i++) {
      if (!argv[i].equals(words[i])) {
        return false;
      }
    }
    return true;
  }
}
