package capsa.hypervisor.qemu;

import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.qemu.qmp.QmpClient;
import capsa.hypervisor.qemu.qmp.QmpCommands.QomGet;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Finds where the guest sees a device by walking QOM upwards: {@code qom-get <dev> addr} gives devfn (slot = devfn
 * >> 3), {@code qom-get <dev> parent_bus} gives the bus path, whose parent is the bridge/port device. The walk stops
 * at the root bus ({@code .../pcie.0}); the slots from the root down make the {@code SS/SS} path.
 */
final class PciPathResolver {

  /** Deeper than any topology we build; bounds a walk on a QOM tree we do not understand. */
  static final int MAX_DEPTH = 10;

  private final QmpClient qmp;
  private final Duration timeout;

  PciPathResolver(QmpClient qmp, Duration timeout) {
    this.qmp = qmp;
    this.timeout = timeout;
  }

  /** Blocking; resolves {@code deviceId} (a QOM path or a device id). */
  GuestPciPath resolve(String deviceId) throws Exception {
    List<Integer> slots = new ArrayList<>();
    String path = deviceId;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      int devfn = get(path, "addr").asInt(-1);
      if (devfn < 0) {
        throw new IllegalStateException("QOM object " + path + " has no PCI addr");
      }
      slots.add(0, devfn >> 3);
      String bus = get(path, "parent_bus").asText("");
      if (bus.isEmpty()) {
        throw new IllegalStateException("QOM object " + path + " has no parent_bus");
      }
      if (isRootBus(bus)) {
        return new GuestPciPath(slots);
      }
      int cut = bus.lastIndexOf('/');
      if (cut <= 0) {
        throw new IllegalStateException("Unexpected parent_bus path " + bus);
      }
      path = bus.substring(0, cut);
    }
    throw new IllegalStateException("PCI path of " + deviceId + " deeper than " + MAX_DEPTH + " levels");
  }

  static boolean isRootBus(String busPath) {
    return busPath.endsWith("/pcie.0") || busPath.endsWith("/pci.0") || busPath.equals("pcie.0");
  }

  private JsonNode get(String path, String property) throws Exception {
    CompletableFuture<JsonNode> f = qmp.execute(new QomGet(path, property), timeout);
    return f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
  }
}
