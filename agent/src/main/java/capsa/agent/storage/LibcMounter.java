package capsa.agent.storage;

import capsa.agent.sys.LibC;
import capsa.agent.sys.NativeException;
import capsa.agent.sys.Posix;
import java.nio.file.Path;

/** The real {@link Mounter}: mount(2) and umount2(2) through JNA (no busybox mount). */
public final class LibcMounter implements Mounter {
  private final Posix posix;

  public LibcMounter(Posix posix) {
    this.posix = posix;
  }

  @Override
  public void mount(String source, Path target, String fstype, long flags, String data) throws NativeException {
    posix.mount(source, target.toString(), fstype, flags, data == null || data.isEmpty() ? null : data);
  }

  @Override
  public void unmount(Path target) throws NativeException {
    posix.umount(target.toString(), LibC.MNT_DETACH);
  }
}
