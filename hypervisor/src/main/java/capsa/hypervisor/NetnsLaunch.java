package capsa.hypervisor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a VMM inside a network namespace so it can open the pod's taps by name: the argv is prefixed with
 * {@code nsenter --net=<ns> --}, which enters the namespace and execs the VMM (same pid, nothing in between). The
 * JDK can neither setns in a child nor hand it a tap fd, so this is the simple route Kata's "run the VMM in the
 * netns" takes here.
 */
public final class NetnsLaunch {

  static final String NSENTER = "nsenter";

  private NetnsLaunch() {}

  /** {@code argv} unchanged without a namespace. */
  public static List<String> wrap(Optional<Path> netns, List<String> argv) {
    if (netns.isEmpty()) {
      return argv;
    }
    List<String> out = new ArrayList<>(List.of(NSENTER, "--net=" + netns.get(), "--"));
    out.addAll(argv);
    return out;
  }

  /** @throws InvalidVmSpecException when the namespace path does not exist */
  public static void check(Optional<Path> netns) {
    if (netns.isPresent() && !Files.exists(netns.get())) {
      throw new InvalidVmSpecException("Network namespace does not exist: " + netns.get());
    }
  }
}
