package capsa.hypervisor.clh;

import capsa.hypervisor.HostPreflight;
import capsa.hypervisor.Hypervisor;
import capsa.hypervisor.InvalidVmSpecException;
import capsa.hypervisor.NetnsLaunch;
import capsa.hypervisor.Vm;
import capsa.hypervisor.VmStartException;
import capsa.hypervisor.clh.api.ChApiClient;
import capsa.hypervisor.clh.api.ChVmState;
import capsa.hypervisor.clh.api.VmInfo;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.SharedFs;
import capsa.hypervisor.spec.VmSpec;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud Hypervisor behind {@link Hypervisor}. Boot follows Kata (reference §4.4): launch with {@code --api-socket},
 * ping until ready, {@code vm.create}, expect {@code Created}, {@code vm.add-net} per NIC, {@code vm.boot}, expect
 * {@code Running}. Any failure kills the process and removes the runtime directory before the exception leaves.
 *
 * <p>Mapping notes: Cloud Hypervisor has one PCI machine, so both {@code q35} and {@code microvm} specs get it (and
 * hot-plug works on both); it hot-plugs on its root bus, so {@code pcieRootPorts} is not needed and ignored; the agent
 * is only reachable over hybrid vsock; there is no virtio-9p; a virtio-fs share gets its own virtiofsd (started before
 * the VMM, stopped after it), as Kata does.
 */
public final class CloudHypervisor implements Hypervisor {

  private static final Logger log = LoggerFactory.getLogger(CloudHypervisor.class);

  private final ClhConfig config;
  private final EventLoopGroup group;

  /** @param group an epoll event loop group for API and agent I/O (not owned: the caller shuts it down) */
  public CloudHypervisor(ClhConfig config, EventLoopGroup group) {
    this.config = config;
    this.group = group;
  }

  @Override
  public String name() {
    return "cloud-hypervisor";
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, true, true, true);
  }

  @Override
  public void validate(VmSpec spec) {
    if (spec.agentChannel() != AgentChannelKind.HYBRID_VSOCK) {
      throw new InvalidVmSpecException(
          "Cloud Hypervisor reaches the agent over hybrid vsock only; agentChannel must be HYBRID_VSOCK, got "
              + spec.agentChannel());
    }
    if (spec.sharedFs().isPresent() && spec.sharedFs().get() instanceof SharedFs.NineP) {
      throw new InvalidVmSpecException("Cloud Hypervisor has no virtio-9p; use virtio-fs");
    }
    if (spec.sharedFs().isPresent() && config.virtiofsd().isEmpty()) {
      throw new InvalidVmSpecException("virtio-fs needs a virtiofsd; none is configured for Cloud Hypervisor");
    }
    HostPreflight.checkSpecFiles(spec);
    NetnsLaunch.check(spec.networkNamespace());
    ClhPaths paths = ClhPaths.in(spec.runtimeDir());
    HostPreflight.socketPath("Cloud Hypervisor API", paths.apiSocket());
    HostPreflight.socketPath("hybrid vsock", paths.vsockSocket());
    if (spec.sharedFs().isPresent()) {
      HostPreflight.socketPath("virtiofsd", paths.virtiofsdSocket());
      HostPreflight.executable("virtiofsd", config.virtiofsd().get().binary());
    }
    HostPreflight.executable("cloud-hypervisor", config.resolvedBinary());
  }

  @Override
  public Vm boot(VmSpec spec) {
    validate(spec);
    ClhPaths paths = ClhPaths.in(spec.runtimeDir());
    try {
      // Private: the API socket controls the VM, the vsock socket reaches the agent.
      Files.createDirectory(paths.runtimeDir(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new VmStartException("Cannot create runtime directory " + paths.runtimeDir(), e);
    }
    ClhProcess process = null;
    VirtiofsdProcess virtiofsd = null;
    boolean started = false;
    try {
      if (spec.sharedFs().isPresent()) {
        virtiofsd = VirtiofsdProcess.start(config.virtiofsd().orElseThrow(), paths.virtiofsdSocket(),
            spec.sharedFs().get().hostDir(), spec.vmmLog(), config.readyTimeout());
      }
      long consoleBaseline = Files.exists(spec.consoleLog()) ? Files.size(spec.consoleLog()) : 0;
      process = ClhProcess.spawn(config.resolvedBinary(), paths.apiSocket(), spec.vmmLog(),
          spec.networkNamespace());
      ChApiClient api = new ChApiClient(group, paths.apiSocket(), config.apiTimeouts());
      process.awaitApi(api, paths.apiSocket(), config.readyTimeout(), config.pingInterval());
      Duration vmmReady = Duration.between(process.spawnedAt(), java.time.Instant.now());
      await(api.createVm(ClhVmConfigMapper.toVmConfig(spec, paths)), "create the VM");
      expectState(api, ChVmState.CREATED);
      for (Device.Nic nic : spec.nics()) {
        await(api.addNet(ClhVmConfigMapper.toNetConfig(nic)), "add NIC " + nic.id());
      }
      await(api.boot(), "boot the VM");
      expectState(api, ChVmState.RUNNING);
      ClhVm vm = new ClhVm(spec, paths, process, virtiofsd, api, group, vmmReady, consoleBaseline);
      log.info("VM {} running under Cloud Hypervisor pid {}", spec.id(), process.pid());
      started = true;
      return vm;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VmStartException("Interrupted while starting Cloud Hypervisor", e);
    } catch (VmStartException e) {
      throw e;
    } catch (IOException e) {
      throw new VmStartException("Cannot read the console log " + spec.consoleLog(), e);
    } catch (RuntimeException e) {
      throw new VmStartException("Cloud Hypervisor did not start the VM", e);
    } finally {
      // Whatever went wrong, Errors included, nothing this attempt started may outlive it.
      if (!started) {
        rollback(process, virtiofsd, paths);
      }
    }
  }

  private static void rollback(ClhProcess process, VirtiofsdProcess virtiofsd, ClhPaths paths) {
    if (process != null) {
      process.close();
    }
    if (virtiofsd != null) {
      virtiofsd.close();
    }
    RuntimeDirCleaner.remove(paths.runtimeDir());
  }

  private static void expectState(ChApiClient api, ChVmState expected) {
    VmInfo info = await(api.info(), "read the VM state");
    if (info.state() != expected) {
      throw new VmStartException("Cloud Hypervisor reports the VM " + info.state() + ", expected " + expected);
    }
  }

  /** Waits for a call whose own timeout bounds it; API failures become {@link VmStartException}. */
  private static <T> T await(CompletableFuture<T> call, String what) {
    try {
      return call.join();
    } catch (RuntimeException e) {
      throw new VmStartException("Cloud Hypervisor could not " + what, ChApiClient.unwrap(e));
    }
  }
}
