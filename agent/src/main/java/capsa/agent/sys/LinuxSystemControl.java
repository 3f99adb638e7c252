package capsa.agent.sys;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real {@link SystemControl}: sethostname(2), clock_settime(2), reboot(RB_POWER_OFF). */
public final class LinuxSystemControl implements SystemControl {
  private static final Logger log = LoggerFactory.getLogger(LinuxSystemControl.class);
  private final Posix posix;

  public LinuxSystemControl(Posix posix) {
    this.posix = posix;
  }

  @Override
  public void setHostname(String hostname) throws NativeException {
    byte[] bytes = hostname.getBytes(StandardCharsets.UTF_8);
    if (posix.libc().sethostname(hostname, bytes.length) != 0) {
      throw posix.error("sethostname");
    }
  }

  @Override
  public void setClock(long seconds, long micros) throws NativeException {
    try (Memory ts = new Memory(16)) {
      ts.setLong(0, seconds);
      ts.setLong(8, micros * 1000L);
      if (posix.libc().clock_settime(LibC.CLOCK_REALTIME, ts) != 0) {
        throw posix.error("clock_settime");
      }
    }
  }

  @Override
  public void powerOff() {
    log.info("Powering the VM off");
    posix.libc().sync();
    if (posix.libc().reboot(LibC.RB_POWER_OFF) != 0) {
      log.error("reboot(RB_POWER_OFF) failed: {}", posix.error("reboot").getMessage());
    }
  }
}
