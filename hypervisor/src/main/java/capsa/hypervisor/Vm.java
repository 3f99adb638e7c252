package capsa.hypervisor;

import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.Device;
import capsa.vsock.AgentEndpoint;
import io.netty.channel.Channel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A booted VM: the runtime phase. Control methods are blocking (they wait for the VMM's answer with their own
 * timeout) and must not be called on a Netty event loop; {@link #exit()} and {@link #connectAgent} are asynchronous.
 *
 * <p>{@link #close()} always leaves nothing behind: the process is killed if still alive and every socket, pidfile and
 * the runtime directory are removed. Log files named in the spec are kept.
 */
public interface Vm extends AutoCloseable {

  /** The id from the spec. */
  String id();

  /** Current lifecycle state. */
  VmState state();

  /** Where the guest agent is reachable. */
  AgentEndpoint agentEndpoint();

  /**
   * Dials the guest agent until it answers (ready line or handshake) or {@code timeout} passes; completes with a
   * channel ready for ttrpc and records "agent ready" in the {@link #timeline()}.
   */
  CompletableFuture<Channel> connectAgent(Duration timeout);

  /** Guest serial console output (kept after close). */
  Path consoleLog();

  /** What happened during boot so far (later marks appear as they happen). */
  BootTimeline timeline();

  /** Completes once, when the VMM process is gone, after cleanup ran. Never completes exceptionally. */
  CompletableFuture<VmExit> exit();

  /** Pauses all vCPUs (QMP {@code stop}). */
  void pause();

  /** Resumes a paused VM (QMP {@code cont}). */
  void resume();

  /**
   * Hot-plugs a device and returns where the guest sees it.
   *
   * @throws UnsupportedByBackendException when this machine kind cannot hot-plug (e.g. QEMU microvm)
   */
  GuestPciPath hotplug(Device device);

  /**
   * Where the guest sees a device attached at boot or by {@link #hotplug} ({@code "SS/SS"}): what the agent is told
   * for a cold-plugged VFIO device.
   *
   * @throws UnsupportedByBackendException when the backend cannot tell
   */
  default GuestPciPath guestPciPath(String deviceId) {
    throw new UnsupportedByBackendException("This backend cannot resolve the guest PCI path of '" + deviceId + "'");
  }

  /** Removes a hot-plugged device and waits until the VMM confirms it is gone. */
  void unplug(String deviceId);

  /**
   * Changes vCPU count and memory size.
   *
   * @throws UnsupportedByBackendException when the backend or machine kind cannot resize
   */
  void resize(int vcpus, DataSize memory);

  /**
   * Asks the VMM to quit, waits up to {@code grace}, then kills it (SIGKILL). Returns when the process is gone and
   * cleanup ran.
   */
  VmExit stop(Duration grace);

  /** Stops with no grace if still running and removes every socket, pidfile and directory. Idempotent. */
  @Override
  void close();
}
