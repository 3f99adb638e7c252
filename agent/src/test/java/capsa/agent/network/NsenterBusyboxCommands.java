package capsa.agent.network;

import capsa.agent.AgentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link NetCommands} for host tests: the same busybox applets the guest image has, run inside a scratch network
 * namespace with nsenter ({@code java.lang.Process} is fine here: no agent reaper runs in the test JVM).
 */
final class NsenterBusyboxCommands implements NetCommands {
  private final Path netns;
  final List<List<String>> calls = new ArrayList<>();

  NsenterBusyboxCommands(Path netns) {
    this.netns = netns;
  }

  @Override
  public String ip(List<String> args) {
    return run("ip", args);
  }

  @Override
  public String arp(List<String> args) {
    return run("arp", args);
  }

  static String sh(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AgentException.Internal("`" + String.join(" ", argv) + "` failed: " + out.strip(), null);
      }
      return out;
    } catch (IOException e) {
      throw new AgentException.Internal("cannot run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException.Internal("interrupted", e);
    }
  }

  private String run(String applet, List<String> args) {
    calls.add(args);
    List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + netns, "busybox", applet));
    argv.addAll(args);
    return sh(argv);
  }
}
