package capsa.agent.runc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run runc.
 *
 * @param binary the runc executable (default {@code /usr/sbin/runc})
 * @param root runc's state directory ({@code --root}, default {@code /run/runc})
 * @param workDir where per-call log and output files go (removed after each call)
 * @param noPivot pass {@code --no-pivot} to create (needed only when / is an initramfs)
 * @param timeout how long one runc call may take before the agent gives up on it
 */
public record RuncConfig(Path binary, Path root, Path workDir, boolean noPivot, Duration timeout) {
  public RuncConfig {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(timeout, "timeout");
  }
}
