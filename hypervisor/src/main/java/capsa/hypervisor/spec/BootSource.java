package capsa.hypervisor.spec;

import java.nio.file.Path;
import java.util.Objects;

/** What the VM boots: a kernel plus either an initramfs or a root disk image. */
public sealed interface BootSource permits BootSource.Initrd, BootSource.Image {

  Path kernel();

  /** Kernel + initramfs (our default guest). */
  record Initrd(Path kernel, Path initrd) implements BootSource {
    public Initrd {
      Objects.requireNonNull(kernel, "kernel");
      Objects.requireNonNull(initrd, "initrd");
    }
  }

  /** Kernel + a raw root-filesystem image attached read-only as the first virtio-blk disk. */
  record Image(Path kernel, Path image) implements BootSource {
    public Image {
      Objects.requireNonNull(kernel, "kernel");
      Objects.requireNonNull(image, "image");
    }
  }
}
