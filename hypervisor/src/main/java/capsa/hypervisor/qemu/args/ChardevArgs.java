package capsa.hypervisor.qemu.args;

import java.nio.file.Path;
import java.util.List;

/** Character devices and what sits on them: console file, agent socket, virtio-serial. */
public final class ChardevArgs {

  private ChardevArgs() {}

  /** {@code -chardev socket,...,server=on,wait=off}: QEMU listens, the host connects when it wants. */
  public record SocketServer(String id, Path path) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-chardev", QemuOpts.of("socket").add("id", id).add("path", path).flag("server", true)
          .flag("wait", false).toString());
    }
  }

  /** {@code -chardev file,...}: everything the guest writes lands in the file (truncated at start). */
  public record File(String id, Path path) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-chardev", QemuOpts.of("file").add("id", id).add("path", path).toString());
    }
  }

  /** {@code -serial chardev:<id>}: the first UART (guest {@code ttyS0}). */
  public record Serial(String chardevId) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-serial", "chardev:" + chardevId);
    }
  }

  /** The virtio-serial controller. */
  public record VirtioSerial(String id, VirtioTransport transport) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-device", QemuOpts.of(transport.driver("virtio-serial")).add("id", id).toString());
    }
  }

  /** A named port on the virtio-serial controller, e.g. {@code agent.channel.0}. */
  public record VirtSerialPort(String id, String chardevId, String portName) implements QemuArg {
    @Override
    public List<String> toArgs() {
      return List.of("-device", QemuOpts.of("virtserialport").add("id", id).add("chardev", chardevId)
          .add("name", portName).toString());
    }
  }
}
