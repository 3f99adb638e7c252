package capsa.hypervisor.qemu;

import capsa.hypervisor.HostPreflight;
import capsa.hypervisor.Hypervisor;
import capsa.hypervisor.InvalidVmSpecException;
import capsa.hypervisor.NetnsLaunch;
import capsa.hypervisor.UnsupportedByBackendException;
import capsa.hypervisor.Vm;
import capsa.hypervisor.VmStartException;
import capsa.hypervisor.qemu.args.QemuArg;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import capsa.vsock.AgentConnector;
import capsa.vsock.AgentDialer;
import capsa.vsock.AgentEndpoint;
import capsa.vsock.VirtioSerialConnector;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QEMU backend: validates a spec against QEMU and the host, builds the command line, launches QEMU with its
 * output in the spec's VMM log, and hands back a {@link QemuVm} once QMP is negotiated.
 *
 * <p>Threading: {@link #boot} blocks; safe to call from several threads (each VM has its own directory).
 */
public final class QemuHypervisor implements Hypervisor {

  private static final Logger LOG = LoggerFactory.getLogger(QemuHypervisor.class);

  private final QemuConfig config;
  private final EventLoopGroup group;
  private final HostFacts host;
  private final ObjectMapper mapper;
  private final AgentDialer<AgentEndpoint.VirtioSerial> serialDialer;
  private final Optional<AgentDialer<AgentEndpoint.Vsock>> vsockDialer;

  /**
   * @param group epoll event loop group for QMP and agent channels (caller owns and shuts it down)
   * @param vsockConnector AF_VSOCK connector for {@link AgentChannelKind#VSOCK} VMs, if this host has one
   */
  public QemuHypervisor(QemuConfig config, EventLoopGroup group, HostFacts host, ObjectMapper mapper,
      Optional<AgentConnector<AgentEndpoint.Vsock>> vsockConnector) {
    this.config = config;
    this.group = group;
    this.host = host;
    this.mapper = mapper;
    this.serialDialer = new AgentDialer<>(new VirtioSerialConnector(group), group, AgentDialer.Backoff.DEFAULT);
    this.vsockDialer = vsockConnector.map(c -> new AgentDialer<>(c, group, AgentDialer.Backoff.DEFAULT));
  }

  @Override
  public String name() {
    return "qemu";
  }

  /** Hotplug and resize are q35-only; {@code boot} of a microvm spec gets typed errors for them. */
  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, true, true, true);
  }

  /** The probed host facts this backend uses. */
  public HostFacts host() {
    return host;
  }

  @Override
  public void validate(VmSpec spec) {
    HostPreflight.executable("QEMU", config.binary());
    HostPreflight.checkSpecFiles(spec);
    NetnsLaunch.check(spec.networkNamespace());
    QemuPaths paths = new QemuPaths(spec.runtimeDir());
    HostPreflight.socketPath("QMP", paths.qmpSocket());
    HostPreflight.socketPath("agent", paths.agentSocket());
    if (spec.agentChannel() == AgentChannelKind.HYBRID_VSOCK) {
      throw new InvalidVmSpecException("QEMU has no hybrid vsock; use VIRTIO_SERIAL or VSOCK");
    }
    if (spec.agentChannel() == AgentChannelKind.VSOCK) {
      if (!host.vhostVsock()) {
        throw new UnsupportedByBackendException("This host has no /dev/vhost-vsock; use the VIRTIO_SERIAL channel");
      }
      if (vsockDialer.isEmpty()) {
        throw new UnsupportedByBackendException("No AF_VSOCK connector was configured for this QEMU backend");
      }
    }
    if (spec.sharedFs().orElse(null) instanceof SharedFs.VirtioFs) {
      throw new UnsupportedByBackendException("virtio-fs needs virtiofsd, which this backend does not launch; use 9p");
    }
    if (!spec.vfioDevices().isEmpty() && config.vfioDriver().vfio() && !host.kvm()) {
      throw new UnsupportedByBackendException("VFIO passthrough needs KVM; this host runs QEMU under TCG");
    }
  }

  @Override
  public Vm boot(VmSpec spec) {
    validate(spec);
    QemuPaths paths = new QemuPaths(spec.runtimeDir());
    OptionalLong cid = spec.agentChannel() == AgentChannelKind.VSOCK
        // QEMU opens /dev/vhost-vsock itself and fails to start on a CID in use; a random CID from a wide range
        // makes that rare (reservation through the vhost fd is the AF_VSOCK module's job).
        ? OptionalLong.of(ThreadLocalRandom.current().nextLong(3, 0xFFFF_FFFEL)) : OptionalLong.empty();
    List<QemuArg> items = QemuCommandLine.build(spec, host, paths, cid, config.vfioDriver());
    List<String> argv = NetnsLaunch.wrap(spec.networkNamespace(), QemuCommandLine.argv(config.binary(), items));
    try {
      Files.createDirectory(spec.runtimeDir(), PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new VmStartException("Cannot create runtime directory " + spec.runtimeDir(), e);
    }
    if (!host.kvm()) {
      LOG.warn("/dev/kvm is not usable: VM {} runs under TCG emulation (much slower)", spec.id());
    }
    LOG.info("Starting VM {}: {}", spec.id(), String.join(" ", argv));
    AgentEndpoint endpoint = cid.isPresent() ? new AgentEndpoint.Vsock(cid.getAsLong(), AgentEndpoint.AGENT_PORT)
        : new AgentEndpoint.VirtioSerial(paths.agentSocket());
    Function<Duration, CompletableFuture<Channel>> dial = endpoint instanceof AgentEndpoint.Vsock
        ? t -> vsockDialer.orElseThrow().dial((AgentEndpoint.Vsock) endpoint, t)
        : t -> serialDialer.dial((AgentEndpoint.VirtioSerial) endpoint, t);
    Process process;
    Instant spawnedAt = Instant.now();
    long spawnNanos = System.nanoTime();
    try {
      process = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.vmmLog().toFile()))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      deleteQuietly(spec);
      throw new VmStartException("Cannot start " + config.binary(), e);
    }
    QemuVm vm = new QemuVm(spec, paths, config, process, spawnedAt, spawnNanos, group, mapper, endpoint, dial);
    try {
      vm.connectQmp();
      return vm;
    } catch (RuntimeException e) {
      // Leave nothing behind: kill the process, wait for the exit watcher's cleanup.
      vm.close();
      throw e instanceof VmStartException ? e : new VmStartException("VM " + spec.id() + " failed to start", e);
    }
  }

  private static void deleteQuietly(VmSpec spec) {
    try {
      QemuLogs.deleteTree(spec.runtimeDir());
    } catch (IOException e) {
      LOG.warn("Could not remove {}", spec.runtimeDir(), e);
    }
  }
}
