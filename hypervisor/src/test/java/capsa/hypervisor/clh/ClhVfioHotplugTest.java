package capsa.hypervisor.clh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.Vm;
import capsa.hypervisor.clh.api.ChJson;
import capsa.hypervisor.clh.standin.RecordedRequest;
import capsa.hypervisor.pci.FakeGpuHosts;
import capsa.hypervisor.pci.PassthroughPlan;
import capsa.hypervisor.pci.PassthroughSettings;
import capsa.hypervisor.pci.PciSysfs;
import capsa.hypervisor.spec.AgentChannelKind;
import capsa.hypervisor.spec.BootSource;
import capsa.hypervisor.spec.DataSize;
import capsa.hypervisor.spec.MachineType;
import capsa.hypervisor.spec.VmSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU cold-plug and hot-plug over Cloud Hypervisor's API, against the stand-in VMM (no VFIO here): the groups of a fake
 * host tree become {@code VmConfig.devices} at create, and a later group goes through {@code vm.add-device} and
 * {@code vm.remove-device} with its sysfs path and id.
 */
class ClhVfioHotplugTest {

  @TempDir
  Path dir;

  @Test
  void coldDevicesInCreateAndAHotPluggedGroupComesAndGoes() throws Exception {
    ClhTestTarget target = ClhTestTarget.choose(dir);
    assumeFalse(target.real(), "no VFIO device on this host; stand-in only");
    PciSysfs host = FakeGpuHosts.eightGpus(dir.resolve("sys")).sysfs();
    PassthroughPlan cold = PassthroughPlan.coldPlug(List.of(host.group(20)),
        new PassthroughSettings(1, DataSize.bytes(0), Optional.empty(), List.of("pci=realloc")));
    PassthroughPlan later = PassthroughPlan.coldPlug(List.of(host.group(21)),
        new PassthroughSettings(0, DataSize.bytes(0), Optional.empty(), List.of()));
    VmSpec spec = cold.applyTo(VmSpec.builder().id("clh-gpu").machine(MachineType.Q35)
        .agentChannel(AgentChannelKind.HYBRID_VSOCK).boot(new BootSource.Initrd(target.kernel(), target.initrd()))
        .consoleLog(dir.resolve("console.log")).vmmLog(dir.resolve("vmm.log")).runtimeDir(dir.resolve("run")))
        .build();
    EpollEventLoopGroup group = new EpollEventLoopGroup(1);
    try (Vm vm = new CloudHypervisor(target.config(), group).boot(spec)) {
      // The cold-plugged GPU, found in vm.info's device tree (the stand-in puts it after the 0 disks and 0 fs: slot 1).
      assertThat(vm.guestPciPath("vfio20-0")).hasToString("01");
      GuestPciPath path = vm.hotplug(later.devices().get(0));
      assertThat(path.slots()).hasSize(1);
      vm.unplug("vfio21-0");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    ObjectMapper mapper = ChJson.newMapper();
    List<RecordedRequest> calls = Files.readAllLines(target.recordFile().orElseThrow()).stream()
        .map(l -> {
          try {
            return mapper.readValue(l, RecordedRequest.class);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }).toList();
    JsonNode create = body(mapper, calls, "vm.create");
    assertThat(create.path("devices").toString())
        .isEqualTo("[{\"path\":\"/sys/bus/pci/devices/0000:18:00.0\",\"iommu\":false,\"id\":\"vfio20-0\"}]");
    assertThat(create.path("payload").path("cmdline").asText()).endsWith("pci=realloc");
    assertThat(body(mapper, calls, "vm.add-device").toString())
        .isEqualTo("{\"path\":\"/sys/bus/pci/devices/0000:19:00.0\",\"iommu\":false,\"id\":\"vfio21-0\"}");
    assertThat(body(mapper, calls, "vm.remove-device").path("id").asText()).isEqualTo("vfio21-0");
  }

  private static JsonNode body(ObjectMapper mapper, List<RecordedRequest> calls, String endpoint) throws Exception {
    return mapper.readTree(calls.stream().filter(c -> c.endpoint().equals(endpoint)).findFirst().orElseThrow()
        .body());
  }
}
