package capsa.hypervisor.clh.api;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Cloud Hypervisor's REST API, one method per endpoint. Each call opens its own connection to the API socket and is
 * bounded by the matching {@link ChApiTimeouts} entry. Failures complete the future with {@link ChApiException}
 * (the VMM said no), {@link java.util.concurrent.TimeoutException} or another {@link IOException}.
 */
public final class ChApiClient {

  /** Cloud Hypervisor answers 429 while an earlier CPU removal is pending; Kata retries 20 times, 20 ms apart. */
  static final int RESIZE_ATTEMPTS = 20;

  static final Duration RESIZE_RETRY_DELAY = Duration.ofMillis(20);

  private final EventLoopGroup group;
  private final ChHttpTransport transport;
  private final ChApiCodec codec;
  private final ChApiTimeouts timeouts;

  public ChApiClient(EventLoopGroup group, Path apiSocket, ChApiTimeouts timeouts) {
    this.group = group;
    this.transport = new ChHttpTransport(group, apiSocket);
    this.codec = new ChApiCodec(ChJson.newMapper());
    this.timeouts = timeouts;
  }

  public CompletableFuture<VmmPingResponse> ping() {
    return call(ChEndpoint.VMM_PING, null, VmmPingResponse.class, timeouts.simple());
  }

  /** Stops the VMM process itself (and the VM with it). */
  public CompletableFuture<Void> shutdownVmm() {
    return call(ChEndpoint.VMM_SHUTDOWN, null, Void.class, timeouts.shutdown());
  }

  public CompletableFuture<Void> createVm(VmConfig config) {
    return call(ChEndpoint.VM_CREATE, config, Void.class, timeouts.createBoot());
  }

  public CompletableFuture<VmInfo> info() {
    return call(ChEndpoint.VM_INFO, null, VmInfo.class, timeouts.simple());
  }

  public CompletableFuture<Void> boot() {
    return call(ChEndpoint.VM_BOOT, null, Void.class, timeouts.createBoot());
  }

  public CompletableFuture<Void> shutdownVm() {
    return call(ChEndpoint.VM_SHUTDOWN, null, Void.class, timeouts.shutdown());
  }

  public CompletableFuture<Void> deleteVm() {
    return call(ChEndpoint.VM_DELETE, null, Void.class, timeouts.simple());
  }

  public CompletableFuture<Void> pause() {
    return call(ChEndpoint.VM_PAUSE, null, Void.class, timeouts.simple());
  }

  public CompletableFuture<Void> resume() {
    return call(ChEndpoint.VM_RESUME, null, Void.class, timeouts.simple());
  }

  /** Changes vCPUs and/or RAM, retrying while the VMM answers 429 (a CPU removal still in progress). */
  public CompletableFuture<Void> resize(VmResize resize) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    resizeAttempt(resize, 1, result);
    return result;
  }

  private void resizeAttempt(VmResize resize, int attempt, CompletableFuture<Void> result) {
    call(ChEndpoint.VM_RESIZE, resize, Void.class, timeouts.hotplug())
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                result.complete(null);
              } else if (attempt < RESIZE_ATTEMPTS && unwrap(error) instanceof ChApiException api
                  && api.status() == 429) {
                group.schedule(
                    () -> resizeAttempt(resize, attempt + 1, result),
                    RESIZE_RETRY_DELAY.toMillis(),
                    TimeUnit.MILLISECONDS);
              } else {
                result.completeExceptionally(unwrap(error));
              }
            });
  }

  /** Hot-plugs a VFIO device; empty when the VM is not booted yet (the VMM then answers 204). */
  public CompletableFuture<Optional<PciDeviceInfo>> addDevice(DeviceConfig device) {
    return call(ChEndpoint.VM_ADD_DEVICE, device, PciDeviceInfo.class, timeouts.hotplug())
        .thenApply(Optional::ofNullable);
  }

  /** Hot-plugs a disk; empty when the VM is not booted yet. */
  public CompletableFuture<Optional<PciDeviceInfo>> addDisk(DiskConfig disk) {
    return call(ChEndpoint.VM_ADD_DISK, disk, PciDeviceInfo.class, timeouts.hotplug())
        .thenApply(Optional::ofNullable);
  }

  /** Adds a NIC backed by a named tap device; empty when the VM is not booted yet. */
  public CompletableFuture<Optional<PciDeviceInfo>> addNet(NetConfig net) {
    return call(ChEndpoint.VM_ADD_NET, net, PciDeviceInfo.class, timeouts.hotplug())
        .thenApply(Optional::ofNullable);
  }

  public CompletableFuture<Void> removeDevice(VmRemoveDevice device) {
    return call(ChEndpoint.VM_REMOVE_DEVICE, device, Void.class, timeouts.hotplug());
  }

  private <T> CompletableFuture<T> call(ChEndpoint endpoint, Object body, Class<T> type, Duration timeout) {
    return transport
        .exchange(codec.encode(endpoint, body), timeout)
        .thenApply(response -> decode(endpoint, response, type));
  }

  private <T> T decode(ChEndpoint endpoint, FullHttpResponse response, Class<T> type) {
    try {
      return codec.decode(endpoint, response, type);
    } catch (IOException e) {
      throw new CompletionException(e);
    } finally {
      response.release();
    }
  }

  /** The real cause behind the wrappers {@link CompletableFuture} adds. */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
