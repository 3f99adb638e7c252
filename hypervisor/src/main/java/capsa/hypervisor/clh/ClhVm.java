package capsa.hypervisor.clh;

import capsa.hypervisor.BootTimeline;
import capsa.hypervisor.DeviceException;
import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.UnsupportedByBackendException;
import capsa.hypervisor.Vm;
import capsa.hypervisor.VmExit;
import capsa.hypervisor.VmState;
import capsa.hypervisor.VmStateException;
import capsa.hypervisor.clh.api.ChApiClient;
import capsa.hypervisor.clh.api.PciDeviceInfo;
import capsa.hypervisor.clh.api.VmRemoveDevice;
import capsa.hypervisor.clh.api.VmResize;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.Device;
import capsa.hypervisor.spec.VmSpec;
import capsa.vsock.AgentDialer;
import capsa.vsock.AgentEndpoint;
import capsa.vsock.HybridVsockConnector;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VM running under Cloud Hypervisor. State changes go through {@link VmState#validTransition}; the exit future
 * completes once the process is gone and the runtime directory is removed, whoever ended it.
 */
final class ClhVm implements Vm {

  private static final Logger log = LoggerFactory.getLogger(ClhVm.class);

  private final VmSpec spec;
  private final ClhPaths paths;
  private final ClhProcess process;
  private final VirtiofsdProcess virtiofsd;
  private final ChApiClient api;
  private final EventLoopGroup group;
  private final AgentEndpoint.HybridVsock agent;
  private final Duration vmmReady;
  private final AtomicReference<VmState> state = new AtomicReference<>(VmState.RUNNING);
  private final CompletableFuture<VmExit> exit = new CompletableFuture<>();
  private volatile boolean stopRequested;
  private volatile Duration agentReady;
  private volatile DataSize memory;
  private final CompletableFuture<Duration> firstConsoleByte = new CompletableFuture<>();

  /** @param virtiofsd the share's daemon, or null; stopped once the VMM is gone */
  ClhVm(VmSpec spec, ClhPaths paths, ClhProcess process, VirtiofsdProcess virtiofsd, ChApiClient api,
      EventLoopGroup group, Duration vmmReady, long consoleBaseline) {
    this.spec = spec;
    this.paths = paths;
    this.process = process;
    this.virtiofsd = virtiofsd;
    this.api = api;
    this.group = group;
    this.vmmReady = vmmReady;
    this.memory = spec.memory();
    this.agent = new AgentEndpoint.HybridVsock(paths.vsockSocket(), AgentEndpoint.AGENT_PORT);
    // Off the JDK's reaper thread: stopping virtiofsd and deleting files may take a moment.
    process.onExit().whenCompleteAsync((code, error) -> onProcessGone(code));
    watchConsole(consoleBaseline);
  }

  /**
   * The VMM writes the serial console straight to the file, so the first guest byte is seen by watching its size grow
   * past what an earlier boot left in it ({@code baseline}):
   * a cheap stat every 20 ms on the common pool (never on an event loop) until a byte shows up, the VM exits, or
   * two minutes pass.
   */
  private void watchConsole(long baseline) {
    Instant giveUp = Instant.now().plus(Duration.ofMinutes(2));
    Runnable check = new Runnable() {
      @Override
      public void run() {
        if (exit.isDone() || Instant.now().isAfter(giveUp)) {
          return;
        }
        try {
          if (java.nio.file.Files.size(spec.consoleLog()) > baseline) {
            firstConsoleByte.complete(Duration.between(process.spawnedAt(), Instant.now()));
            return;
          }
        } catch (java.io.IOException notYetCreated) {
          // The VMM creates the file at boot; keep looking.
        }
        CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(this);
      }
    };
    CompletableFuture.runAsync(check);
  }

  /** Completes when the first guest console byte was seen (for tests and the timeline). */
  CompletableFuture<Duration> firstConsoleByte() {
    return firstConsoleByte;
  }

  private void onProcessGone(Integer code) {
    state.set(VmState.STOPPED);
    if (virtiofsd != null) {
      virtiofsd.close();
    }
    RuntimeDirCleaner.remove(paths.runtimeDir());
    VmExit e = new VmExit(code == null ? OptionalInt.empty() : OptionalInt.of(code), stopRequested, Instant.now());
    log.info("VM {} exited (status {}, requested {})", spec.id(), code, stopRequested);
    exit.complete(e);
  }

  /** The virtio-fs daemon's process id, if the VM has a share. */
  Optional<Long> virtiofsdPid() {
    return virtiofsd == null ? Optional.empty() : Optional.of(virtiofsd.pid());
  }

  /** The VMM's process id. */
  long pid() {
    return process.pid();
  }

  @Override
  public String id() {
    return spec.id();
  }

  @Override
  public VmState state() {
    return state.get();
  }

  @Override
  public AgentEndpoint agentEndpoint() {
    return agent;
  }

  @Override
  public CompletableFuture<Channel> connectAgent(Duration timeout) {
    CompletableFuture<Channel> dial =
        new AgentDialer<>(new HybridVsockConnector(group), group, AgentDialer.Backoff.DEFAULT).dial(agent, timeout);
    // Dialing a VM that is gone can only time out; stop early with the real reason.
    exit.thenRun(() -> dial.completeExceptionally(new java.io.IOException("VM " + spec.id() + " exited")));
    return dial.thenApply(ch -> {
      agentReady = Duration.between(process.spawnedAt(), Instant.now());
      return ch;
    });
  }

  @Override
  public Path consoleLog() {
    return spec.consoleLog();
  }

  @Override
  public BootTimeline timeline() {
    return new BootTimeline(process.spawnedAt(), Optional.of(vmmReady),
        Optional.ofNullable(firstConsoleByte.getNow(null)), Optional.ofNullable(agentReady));
  }

  @Override
  public CompletableFuture<VmExit> exit() {
    return exit;
  }

  @Override
  public void pause() {
    require("pause", VmState.RUNNING);
    call(api.pause(), "pause the VM");
    transition(VmState.RUNNING, VmState.PAUSED);
  }

  @Override
  public void resume() {
    require("resume", VmState.PAUSED);
    call(api.resume(), "resume the VM");
    transition(VmState.PAUSED, VmState.RUNNING);
  }

  @Override
  public GuestPciPath hotplug(Device device) {
    require("hot-plug a device into", VmState.RUNNING);
    CompletableFuture<Optional<PciDeviceInfo>> added;
    if (device instanceof Device.Block block) {
      added = api.addDisk(ClhVmConfigMapper.toDiskConfig(block, spec.vcpus()));
    } else if (device instanceof Device.Vfio vfio) {
      added = api.addDevice(ClhVmConfigMapper.toDeviceConfig(vfio));
    } else if (device instanceof Device.Nic nic) {
      added = api.addNet(ClhVmConfigMapper.toNetConfig(nic));
    } else {
      throw new AssertionError(device);
    }
    PciDeviceInfo info;
    try {
      info = added.join().orElseThrow(() ->
          new DeviceException("Cloud Hypervisor did not say where device '" + device.id() + "' landed"));
    } catch (RuntimeException e) {
      if (e instanceof DeviceException d) {
        throw d;
      }
      throw new DeviceException("Cannot hot-plug device '" + device.id() + "'", ChApiClient.unwrap(e));
    }
    try {
      return GuestPciPath.parse(info.guestPciPath());
    } catch (RuntimeException e) {
      throw new DeviceException("Device '" + device.id() + "' landed where the guest cannot find it", e);
    }
  }

  /**
   * Looks the device up in {@code vm.info}'s {@code device_tree} ({@code <id>.pci_bdf}): how a cold-plugged VFIO
   * device's slot is learnt (the shape of {@code pci_bdf} as a {@code "0000:00:SS.0"} string is UNVERIFIED against a
   * real Cloud Hypervisor; hot-plugged devices get their path from {@code vm.add-device} instead).
   */
  @Override
  public GuestPciPath guestPciPath(String deviceId) {
    require("look up a device in", VmState.RUNNING);
    com.fasterxml.jackson.databind.JsonNode node;
    try {
      node = api.info().join().deviceTree();
    } catch (RuntimeException e) {
      throw new DeviceException("Cannot read the device tree for '" + deviceId + "'", ChApiClient.unwrap(e));
    }
    String bdf = node == null ? "" : node.path(deviceId).path("pci_bdf").asText("");
    if (bdf.isEmpty()) {
      throw new DeviceException("Cloud Hypervisor's device tree has no PCI address for '" + deviceId + "'");
    }
    try {
      return GuestPciPath.parse(new PciDeviceInfo(deviceId, bdf).guestPciPath());
    } catch (RuntimeException e) {
      throw new DeviceException("Device '" + deviceId + "' sits where the guest cannot find it", e);
    }
  }

  @Override
  public void unplug(String deviceId) {
    require("unplug a device from", VmState.RUNNING);
    try {
      api.removeDevice(new VmRemoveDevice(deviceId)).join();
    } catch (RuntimeException e) {
      throw new DeviceException("Cannot unplug device '" + deviceId + "'", ChApiClient.unwrap(e));
    }
  }

  @Override
  public void resize(int vcpus, DataSize newMemory) {
    require("resize", VmState.RUNNING);
    if (vcpus < 1 || vcpus > spec.maxVcpus()) {
      throw new IllegalArgumentException("vCPUs must be in [1, " + spec.maxVcpus() + "], got " + vcpus);
    }
    if (newMemory.compareTo(spec.maxMemory()) > 0) {
      throw new IllegalArgumentException("Memory must be at most " + spec.maxMemory() + ", got " + newMemory);
    }
    if (newMemory.compareTo(memory) < 0) {
      throw new UnsupportedByBackendException(
          "Cloud Hypervisor cannot shrink guest memory without a balloon (" + memory + " to " + newMemory + ")");
    }
    Long ram = newMemory.equals(memory) ? null : newMemory.bytes();
    call(api.resize(new VmResize(vcpus, ram, null)), "resize the VM");
    memory = newMemory;
  }

  @Override
  public VmExit stop(Duration grace) {
    if (exit.isDone()) {
      return exit.join();
    }
    stopRequested = true;
    VmState from = state.get();
    if (!from.isTerminal() && from != VmState.STOPPING) {
      state.compareAndSet(from, VmState.STOPPING);
    }
    try {
      api.shutdownVmm().join();
    } catch (RuntimeException e) {
      log.warn("vmm.shutdown of VM {} failed, killing it: {}", spec.id(), ChApiClient.unwrap(e).toString());
    }
    try {
      return exit.get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("VM {} did not exit within {} ms of vmm.shutdown", spec.id(), grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("The exit future never fails", e);
    }
    process.close();
    return exit.join();
  }

  @Override
  public void close() {
    if (!exit.isDone()) {
      stopRequested = true;
      process.close();
    }
    exit.join();
  }

  private void require(String operation, VmState needed) {
    VmState now = state.get();
    if (now != needed) {
      throw new VmStateException(operation, now);
    }
  }

  private void transition(VmState from, VmState to) {
    if (!VmState.validTransition(from, to) || !state.compareAndSet(from, to)) {
      throw new VmStateException("move to " + to.name().toLowerCase(java.util.Locale.ROOT), state.get());
    }
  }

  private static <T> T call(CompletableFuture<T> call, String what) {
    try {
      return call.join();
    } catch (RuntimeException e) {
      throw new ClhException("Cloud Hypervisor could not " + what, ChApiClient.unwrap(e));
    }
  }
}
