package capsa.hypervisor.qemu.qmp;

import java.util.List;

/** The server's first line: QEMU version and offered capabilities. */
public record QmpGreeting(int major, int minor, int micro, String packageName, List<String> capabilities) {

  public QmpGreeting {
    capabilities = List.copyOf(capabilities);
  }

  public String version() {
    return major + "." + minor + "." + micro;
  }
}
