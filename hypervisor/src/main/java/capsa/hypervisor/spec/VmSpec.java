package capsa.hypervisor.spec;

import capsa.hypervisor.InvalidVmSpecException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Backend-neutral description of one VM, validated on construction (ranges, uniqueness, machine constraints). Checks
 * that need the file system (kernel readable, socket path length) happen in the backend's {@code validate}, before
 * launch. Build with {@link #builder()}.
 *
 * @param id short name, used in process titles and logs ({@code [A-Za-z0-9_.-]{1,64}})
 * @param vcpus vCPUs at boot
 * @param maxVcpus upper bound for CPU hotplug (= vcpus when not resizable)
 * @param memory guest RAM at boot, whole MiB
 * @param maxMemory upper bound for memory hotplug (= memory when not resizable)
 * @param boot kernel plus initrd or image
 * @param kernelParams extra kernel parameters; the backend adds the ones its machine needs
 * @param machine machine model
 * @param sharedFs the optional shared directory
 * @param agentChannel which agent endpoint kind to create
 * @param blockDevices cold-plugged disks
 * @param nics cold-plugged NICs
 * @param vfioDevices cold-plugged passthrough devices (Q35 only)
 * @param pcieRootPorts free PCIe root ports for hotplug (Q35 only)
 * @param consoleLog file receiving the guest serial console (kept after the VM is gone)
 * @param vmmLog file receiving the VMM's own stdout/stderr (kept after the VM is gone)
 * @param runtimeDir per-VM directory for sockets and pidfile; must not exist yet, is created at boot and deleted on
 *     close
 * @param passthrough firmware, 64-bit MMIO window and hot-plug reservations for passed-through devices
 * @param networkNamespace the network namespace the VMM process runs in (where the NICs' taps are), or empty for
 *     the caller's own
 */
public record VmSpec(
    String id,
    int vcpus,
    int maxVcpus,
    DataSize memory,
    DataSize maxMemory,
    BootSource boot,
    List<String> kernelParams,
    MachineType machine,
    Optional<SharedFs> sharedFs,
    AgentChannelKind agentChannel,
    List<Device.Block> blockDevices,
    List<Device.Nic> nics,
    List<Device.Vfio> vfioDevices,
    int pcieRootPorts,
    Path consoleLog,
    Path vmmLog,
    Path runtimeDir,
    PciPassthrough passthrough,
    Optional<Path> networkNamespace) {

  public static final int MAX_VCPUS = 255;
  public static final DataSize MIN_MEMORY = DataSize.mebibytes(64);
  public static final DataSize MAX_MEMORY = DataSize.gibibytes(1024);
  public static final int MAX_PCIE_ROOT_PORTS = 16;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** One word, or {@code name="value with spaces"} (the kernel keeps quoted values together). */
  private static final Pattern KERNEL_PARAM = Pattern.compile("[^\\s\"]+|[^\\s\"=]+=\"[^\"\\n]*\"");

  public VmSpec {
    Objects.requireNonNull(boot, "boot");
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(agentChannel, "agentChannel");
    Objects.requireNonNull(consoleLog, "consoleLog");
    Objects.requireNonNull(vmmLog, "vmmLog");
    Objects.requireNonNull(runtimeDir, "runtimeDir");
    Objects.requireNonNull(passthrough, "passthrough");
    Objects.requireNonNull(networkNamespace, "networkNamespace");
    kernelParams = List.copyOf(kernelParams);
    sharedFs = Objects.requireNonNull(sharedFs, "sharedFs");
    blockDevices = List.copyOf(blockDevices);
    nics = List.copyOf(nics);
    vfioDevices = List.copyOf(vfioDevices);
    if (id == null || !ID.matcher(id).matches()) {
      throw invalid("id must be 1-64 characters [A-Za-z0-9_.-], got '" + id + "'");
    }
    if (vcpus < 1 || vcpus > MAX_VCPUS) {
      throw invalid("vcpus must be in [1, " + MAX_VCPUS + "], got " + vcpus);
    }
    if (maxVcpus < vcpus || maxVcpus > MAX_VCPUS) {
      throw invalid("maxVcpus must be in [vcpus=" + vcpus + ", " + MAX_VCPUS + "], got " + maxVcpus);
    }
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(maxMemory, "maxMemory");
    if (memory.compareTo(MIN_MEMORY) < 0 || memory.compareTo(MAX_MEMORY) > 0 || !memory.isWholeMebibytes()) {
      throw invalid("memory must be whole MiB in [" + MIN_MEMORY + ", " + MAX_MEMORY + "], got " + memory);
    }
    if (maxMemory.compareTo(memory) < 0 || maxMemory.compareTo(MAX_MEMORY) > 0 || !maxMemory.isWholeMebibytes()) {
      throw invalid("maxMemory must be whole MiB in [memory=" + memory + ", " + MAX_MEMORY + "], got " + maxMemory);
    }
    if (pcieRootPorts < 0 || pcieRootPorts > MAX_PCIE_ROOT_PORTS) {
      throw invalid("pcieRootPorts must be in [0, " + MAX_PCIE_ROOT_PORTS + "], got " + pcieRootPorts);
    }
    for (String p : kernelParams) {
      if (!KERNEL_PARAM.matcher(p).matches()) {
        throw invalid("each kernel parameter must be one word or name=\"quoted value\", got '" + p + "'");
      }
    }
    if (!machine.supportsHotplug() && pcieRootPorts > 0) {
      throw invalid(machine.qemuName() + " has no PCIe: pcieRootPorts must be 0, got " + pcieRootPorts);
    }
    if (!machine.supportsHotplug() && !vfioDevices.isEmpty()) {
      throw invalid(machine.qemuName() + " has no PCI: VFIO devices need q35");
    }
    if (machine.supportsHotplug() && vfioDevices.size() > pcieRootPorts) {
      throw invalid("each VFIO device needs its own root port: " + vfioDevices.size() + " devices but pcieRootPorts="
          + pcieRootPorts);
    }
    Set<String> ids = new HashSet<>();
    List<Device> all = new ArrayList<>(blockDevices);
    all.addAll(nics);
    all.addAll(vfioDevices);
    for (Device d : all) {
      if (!ids.add(d.id())) {
        throw invalid("device id '" + d.id() + "' is used twice");
      }
    }
    if (consoleLog.equals(vmmLog)) {
      throw invalid("consoleLog and vmmLog must be different files");
    }
  }

  private static InvalidVmSpecException invalid(String message) {
    return new InvalidVmSpecException("Invalid VM spec: " + message);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A copy with another runtime directory and logs; handy to boot the same guest twice. */
  public VmSpec withPaths(String newId, Path newRuntimeDir, Path newConsoleLog, Path newVmmLog) {
    return new VmSpec(newId, vcpus, maxVcpus, memory, maxMemory, boot, kernelParams, machine, sharedFs, agentChannel,
        blockDevices, nics, vfioDevices, pcieRootPorts, newConsoleLog, newVmmLog, newRuntimeDir, passthrough,
        networkNamespace);
  }

  /** Mutable builder; {@link #build()} validates. Defaults: 1 vCPU, 512 MiB, microvm, virtio-serial agent channel. */
  public static final class Builder {
    private String id;
    private int vcpus = 1;
    private Integer maxVcpus;
    private DataSize memory = DataSize.mebibytes(512);
    private DataSize maxMemory;
    private BootSource boot;
    private final List<String> kernelParams = new ArrayList<>();
    private MachineType machine = MachineType.MICROVM;
    private SharedFs sharedFs;
    private AgentChannelKind agentChannel = AgentChannelKind.VIRTIO_SERIAL;
    private final List<Device.Block> blockDevices = new ArrayList<>();
    private final List<Device.Nic> nics = new ArrayList<>();
    private final List<Device.Vfio> vfioDevices = new ArrayList<>();
    private int pcieRootPorts;
    private Path consoleLog;
    private Path vmmLog;
    private Path runtimeDir;
    private PciPassthrough passthrough = PciPassthrough.NONE;
    private Path networkNamespace;

    private Builder() {}

    public Builder passthrough(PciPassthrough v) {
      passthrough = v;
      return this;
    }

    public Builder id(String v) {
      id = v;
      return this;
    }

    public Builder vcpus(int v) {
      vcpus = v;
      return this;
    }

    public Builder maxVcpus(int v) {
      maxVcpus = v;
      return this;
    }

    public Builder memory(DataSize v) {
      memory = v;
      return this;
    }

    public Builder maxMemory(DataSize v) {
      maxMemory = v;
      return this;
    }

    public Builder boot(BootSource v) {
      boot = v;
      return this;
    }

    public Builder kernelParam(String v) {
      kernelParams.add(v);
      return this;
    }

    public Builder machine(MachineType v) {
      machine = v;
      return this;
    }

    public Builder sharedFs(SharedFs v) {
      sharedFs = v;
      return this;
    }

    public Builder agentChannel(AgentChannelKind v) {
      agentChannel = v;
      return this;
    }

    public Builder blockDevice(Device.Block v) {
      blockDevices.add(v);
      return this;
    }

    public Builder nic(Device.Nic v) {
      nics.add(v);
      return this;
    }

    public Builder vfioDevice(Device.Vfio v) {
      vfioDevices.add(v);
      return this;
    }

    public Builder pcieRootPorts(int v) {
      pcieRootPorts = v;
      return this;
    }

    public Builder consoleLog(Path v) {
      consoleLog = v;
      return this;
    }

    public Builder vmmLog(Path v) {
      vmmLog = v;
      return this;
    }

    public Builder runtimeDir(Path v) {
      runtimeDir = v;
      return this;
    }

    /** Runs the VMM inside this network namespace (e.g. {@code /var/run/netns/cni-...}). */
    public Builder networkNamespace(Path v) {
      networkNamespace = v;
      return this;
    }

    public VmSpec build() {
      return new VmSpec(id, vcpus, maxVcpus == null ? vcpus : maxVcpus, memory,
          maxMemory == null ? memory : maxMemory, boot, kernelParams, machine, Optional.ofNullable(sharedFs),
          agentChannel, blockDevices, nics, vfioDevices, pcieRootPorts, consoleLog, vmmLog, runtimeDir, passthrough,
          Optional.ofNullable(networkNamespace));
    }
  }
}
