package capsa.agent.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.agent.AgentException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest side of VFIO on a fake guest sysfs: waiting at guest PCI paths, vfio-pci binding, spec edits. */
class DeviceServiceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path sys;

  /** Guest function at path {@code <port>/00}: 0000:00:<port>.0 (root port) → 0000:<bus>:00.0. */
  private Path guestFunction(String port, String bus, int group, String driver) throws IOException {
    Path dir = Files.createDirectories(sys.resolve("devices/pci0000:00/0000:00:" + port + ".0/0000:" + bus + ":00.0"));
    Files.writeString(dir.resolve("driver_override"), "(null)\n");
    Path g = Files.createDirectories(sys.resolve("kernel/iommu_groups/" + group));
    Files.createSymbolicLink(dir.resolve("iommu_group"), dir.relativize(g));
    Path cls = Files.createDirectories(sys.resolve("class/vfio/" + group));
    Files.writeString(cls.resolve("dev"), "243:" + group + "\n");
    if (driver != null) {
      Path d = Files.createDirectories(sys.resolve("bus/pci/drivers/" + driver));
      Files.writeString(d.resolve("unbind"), "");
      Files.createSymbolicLink(dir.resolve("driver"), dir.relativize(d));
    }
    Files.writeString(dir.resolve("vendor"), "0x10de\n");
    return dir;
  }

  private ObjectNode spec() throws IOException {
    return (ObjectNode) JSON.readTree("{\"process\":{\"env\":[\"PATH=/bin\",\"PCIDEVICE_NVIDIA_COM_GPU=0000:41:00.0,"
        + "0000:42:00.0\"]},\"linux\":{\"devices\":[{\"path\":\"/dev/vfio/12\",\"type\":\"c\",\"major\":243,"
        + "\"minor\":12}]}}");
  }

  @Test
  void guestKernelModeWaitsForTheDeviceDropsTheHostNodeAndRewritesPciDeviceEnv() throws Exception {
    DeviceService service = new DeviceService(sys, Duration.ofSeconds(30));
    ObjectNode spec = spec();
    // The device shows up only after the agent started waiting, as with a hot-plug in flight.
    CompletableFuture<Map<String, String>> attached = CompletableFuture.supplyAsync(() -> service.attach("c1",
        List.of(new DeviceRequest("12", "vfio-pci-gk", "", "/dev/vfio/12", List.of("0000:41:00.0=02/00"))), spec));
    Thread.sleep(300); // give the waiter time to poll an empty tree at least once; not a synchronisation
    assertThat(attached).isNotDone();
    guestFunction("02", "01", 3, "nvidia");
    assertThat(attached.get(30, TimeUnit.SECONDS)).containsExactly(Map.entry("0000:41:00.0", "0000:01:00.0"));
    assertThat(spec.path("linux").path("devices").size()).isZero();
    assertThat(spec.path("process").path("env").get(1).asText())
        .isEqualTo("PCIDEVICE_NVIDIA_COM_GPU=0000:01:00.0,0000:42:00.0");
    // guest-kernel mode leaves the driver alone
    assertThat(Files.readString(sys.resolve("devices/pci0000:00/0000:00:02.0/0000:01:00.0/driver_override")))
        .isEqualTo("(null)\n");
  }

  @Test
  void vfioModeBindsToTheGuestsVfioPciAndExposesTheGuestGroup() throws Exception {
    Path fn = guestFunction("03", "02", 7, "nouveau");
    Files.createDirectories(sys.resolve("bus/pci"));
    Files.writeString(sys.resolve("bus/pci/drivers_probe"), "");
    Files.createDirectories(sys.resolve("class/misc/vfio"));
    Files.writeString(sys.resolve("class/misc/vfio/dev"), "10:196\n");
    ObjectNode spec = spec();
    new DeviceService(sys, Duration.ofSeconds(5)).attach("c2",
        List.of(new DeviceRequest("12", "vfio-pci", "", "/dev/vfio/12", List.of("0000:41:00.0=03/00"))), spec);
    assertThat(Files.readString(fn.resolve("driver_override"))).isEqualTo("vfio-pci");
    assertThat(Files.readString(sys.resolve("bus/pci/drivers/nouveau/unbind"))).isEqualTo("0000:02:00.0");
    assertThat(spec.path("linux").path("devices").toString()).isEqualTo(
        "[{\"path\":\"/dev/vfio/7\",\"type\":\"c\",\"major\":243,\"minor\":7,\"fileMode\":438,\"uid\":0,\"gid\":0},"
            + "{\"path\":\"/dev/vfio/vfio\",\"type\":\"c\",\"major\":10,\"minor\":196,\"fileMode\":438,\"uid\":0,"
            + "\"gid\":0}]");
  }

  @Test
  void functionsOfOneDeviceMustShareAGuestGroup() throws Exception {
    guestFunction("04", "03", 8, "vfio-pci");
    guestFunction("05", "04", 9, "vfio-pci");
    Files.createDirectories(sys.resolve("class/misc/vfio"));
    assertThatThrownBy(() -> new DeviceService(sys, Duration.ofSeconds(5)).attach("c3", List.of(new DeviceRequest(
        "5", "vfio-pci", "", "/dev/vfio/5", List.of("0000:01:00.0=04/00", "0000:01:00.1=05/00"))), spec()))
        .isInstanceOf(AgentException.FailedPrecondition.class).hasMessageContaining("different guest IOMMU groups");
  }

  @Test
  void boundedWaitAndMalformedRequestsAreTypedErrors() throws Exception {
    DeviceService s = new DeviceService(sys, Duration.ofMillis(200));
    assertThatThrownBy(() -> s.attach("c4", List.of(new DeviceRequest("1", "vfio-pci-gk", "", "", List.of(
        "0000:41:00.0=09/00"))), spec()))
        .isInstanceOf(AgentException.NotFound.class).hasMessageContaining("guest PCI path 09/00");
    assertThatThrownBy(() -> s.attach("c4", List.of(new DeviceRequest("1", "vfio-pci-gk", "", "", List.of(
        "41:00.0->09"))), spec()))
        .isInstanceOf(AgentException.InvalidArgument.class).hasMessageContaining("<host BDF>=<guest PCI path>");
    assertThatThrownBy(() -> s.attach("c4", List.of(new DeviceRequest("1", "blk", "", "", List.of())), spec()))
        .isInstanceOf(AgentException.InvalidArgument.class).hasMessageContaining("unsupported device type \"blk\"");
    assertThatThrownBy(() -> s.attach("c4", List.of(new DeviceRequest("1", "vfio-pci", "", "", List.of())), spec()))
        .isInstanceOf(AgentException.InvalidArgument.class).hasMessageContaining("no \"<host BDF>=");
    assertThat(s.attach("c4", List.of(), spec())).isEmpty();
  }
}
