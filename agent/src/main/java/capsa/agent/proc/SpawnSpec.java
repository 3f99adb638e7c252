package capsa.agent.proc;

import java.util.List;
import java.util.Objects;

/**
 * One program to start: absolute executable path in {@code argv[0]}, the full environment, and its three streams.
 */
public record SpawnSpec(List<String> argv, List<String> env, Stdio stdin, Stdio stdout, Stdio stderr) {
  public SpawnSpec {
    argv = List.copyOf(argv);
    env = List.copyOf(env);
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
      throw new IllegalArgumentException("argv[0] must be an absolute path, got " + argv);
    }
  }
}
