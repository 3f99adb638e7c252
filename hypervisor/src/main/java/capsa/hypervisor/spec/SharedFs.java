package capsa.hypervisor.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/** A host directory shared into the guest under a mount tag (Kata uses {@code kataShared}). */
public sealed interface SharedFs permits SharedFs.NineP, SharedFs.VirtioFs {

  /** Kata's tag for the sandbox share. */
  String KATA_TAG = "kataShared";

  String tag();

  Path hostDir();

  /** virtio-9p: works under TCG with the generic Debian kernel. */
  record NineP(String tag, Path hostDir) implements SharedFs {
    public NineP {
      checkTag(tag);
      Objects.requireNonNull(hostDir, "hostDir");
    }
  }

  /** virtio-fs: needs a virtiofsd daemon and shared memory (KVM hosts). */
  record VirtioFs(String tag, Path hostDir) implements SharedFs {
    public VirtioFs {
      checkTag(tag);
      Objects.requireNonNull(hostDir, "hostDir");
    }
  }

  private static void checkTag(String tag) {
    // 9p mount tags are at most 31 bytes in the virtio config space; keep them to safe characters.
    if (tag == null || !Pattern.matches("[A-Za-z0-9_.-]{1,31}", tag)) {
      throw new IllegalArgumentException("Mount tag must be 1-31 characters [A-Za-z0-9_.-]: " + tag);
    }
  }
}
