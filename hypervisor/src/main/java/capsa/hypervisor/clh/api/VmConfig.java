package capsa.hypervisor.clh.api;

import java.util.List;
import java.util.Objects;

/**
 * The body of {@code vm.create}. Only {@code payload}, {@code cpus} and {@code memory} are needed by Capsa; every
 * other component may be null and is then left out of the JSON. NICs are not part of it: they are added with
 * {@code vm.add-net} between create and boot.
 */
public record VmConfig(
    PayloadConfig payload,
    CpusConfig cpus,
    MemoryConfig memory,
    List<DiskConfig> disks,
    List<NetConfig> net,
    RngConfig rng,
    List<FsConfig> fs,
    ConsoleConfig serial,
    ConsoleConfig console,
    List<DeviceConfig> devices,
    VsockConfig vsock,
    PlatformConfig platform) {

  public VmConfig {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(cpus, "cpus");
    Objects.requireNonNull(memory, "memory");
    disks = copy(disks);
    net = copy(net);
    fs = copy(fs);
    devices = copy(devices);
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null || list.isEmpty() ? null : List.copyOf(list);
  }
}
