package capsa.shim.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.pci.FakePciTree;
import capsa.hypervisor.pci.PassthroughPlan;
import capsa.hypervisor.pci.PassthroughSettings;
import capsa.hypervisor.spec.DataSize;
import capsa.proto.agent.Device;
import capsa.proto.oci.Linux;
import capsa.proto.oci.LinuxDevice;
import capsa.proto.oci.Spec;
import capsa.shim.sandbox.TaskException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests → cold-plug plan → guest paths → agent Device entries, hot-plug and unplug, on a fake host sysfs. */
class VfioDevicesTest {

  private static final long GIB = 1L << 30;

  @TempDir
  Path tmp;

  private DeviceSettings settings;

  @BeforeEach
  void host() throws Exception {
    FakePciTree t = FakePciTree.at(tmp.resolve("sys"));
    // Two H100-like GPUs in groups 12 and 13 on vfio-pci, a GPU with audio in group 5 on host drivers.
    for (int g = 12; g <= 13; g++) {
      t.function(String.format("0000:%02x:00.0", 0x41 + g - 12)).group(g).driver("vfio-pci").numa(0)
          .bar(1, 128 * GIB, true, true).add();
    }
    t.function("0000:01:00.0").classCode(0x030000).group(5).driver("nouveau").add();
    t.function("0000:01:00.1").classCode(0x040300).group(5).driver("snd_hda_intel").add();
    settings = new DeviceSettings(true, t.root(), List.of(tmp.resolve("etc-cdi"), tmp.resolve("run-cdi")), true,
        true, new PassthroughSettings(2, DataSize.bytes(0), Optional.empty(), List.of("pci=realloc")));
  }

  private static Spec withDevices(String... paths) {
    Linux.Builder l = Linux.newBuilder();
    for (String p : paths) {
      l.addDevices(LinuxDevice.newBuilder().setPath(p).setType("c").setMajor(243).setMinor(0));
    }
    return Spec.newBuilder().setLinux(l).build();
  }

  @Test
  void sandboxDevicesAreColdPluggedAndAContainerGetsTheirGuestPaths() {
    VfioDevices d = new VfioDevices(settings);
    PassthroughPlan plan = d.coldPlan(withDevices("/dev/vfio/12", "/dev/vfio/vfio"));
    assertThat(plan.devices()).extracting(v -> v.id() + "@" + v.hostBdf()).containsExactly("vfio12-0@0000:41:00.0");
    assertThat(plan.rootPorts()).isEqualTo(3);
    RecordingVfioVm vm = new RecordingVfioVm(5);
    vm.coldPaths.put("vfio12-0", GuestPciPath.parse("02/00"));
    d.booted(vm);

    List<Device> devices = d.attach("c1", withDevices("/dev/vfio/12"));
    assertThat(devices).containsExactly(Device.newBuilder().setId("12").setType("vfio-pci-gk")
        .setContainerPath("/dev/vfio/12").addOptions("0000:41:00.0=02/00").build());
    assertThat(vm.calls).containsExactly("path vfio12-0");
    d.detach("c1"); // cold-plugged groups stay for the VM's life
    assertThat(vm.calls).containsExactly("path vfio12-0");
  }

  @Test
  void aLaterContainersGroupIsHotPluggedAndLeavesWithIt() {
    VfioDevices d = new VfioDevices(settings);
    d.coldPlan(Spec.getDefaultInstance());
    RecordingVfioVm vm = new RecordingVfioVm(5);
    d.booted(vm);
    assertThat(d.attach("c2", withDevices("/dev/vfio/13"))).singleElement()
        .satisfies(dev -> assertThat(dev.getOptionsList()).containsExactly("0000:42:00.0=05/00"));
    assertThat(d.attach("c3", withDevices("/dev/vfio/13"))).hasSize(1); // shared, not plugged twice
    d.detach("c2");
    assertThat(vm.calls).containsExactly("hotplug vfio13-0 0000:42:00.0");
    d.detach("c3");
    assertThat(vm.calls).containsExactly("hotplug vfio13-0 0000:42:00.0", "unplug vfio13-0");
  }

  @Test
  void notReadyGroupsDisabledPassthroughAndFailedHotplugAreTypedErrors() {
    VfioDevices d = new VfioDevices(settings);
    assertThatThrownBy(() -> d.coldPlan(withDevices("/dev/vfio/5")))
        .isInstanceOf(TaskException.FailedPrecondition.class).hasMessageContaining("bound to nouveau");
    assertThatThrownBy(() -> d.coldPlan(withDevices("/dev/vfio/99")))
        .isInstanceOf(TaskException.FailedPrecondition.class).hasMessageContaining("no IOMMU group 99");
    d.coldPlan(Spec.getDefaultInstance());
    RecordingVfioVm vm = new RecordingVfioVm(5);
    d.booted(vm);
    vm.refuseHotplugOf = "vfio13-0";
    assertThatThrownBy(() -> d.attach("c", withDevices("/dev/vfio/13")))
        .isInstanceOf(TaskException.Unavailable.class).hasMessageContaining("device_add");

    DeviceSettings off = new DeviceSettings(false, settings.sysfs(), settings.cdiDirs(), false, true,
        settings.passthrough());
    assertThatThrownBy(() -> new VfioDevices(off).coldPlan(withDevices("/dev/vfio/12")))
        .isInstanceOf(TaskException.FailedPrecondition.class).hasMessageContaining("not enabled");
    assertThatThrownBy(() -> ContainerDevices.NONE.attach("c", withDevices("/dev/vfio/12")))
        .isInstanceOf(TaskException.FailedPrecondition.class).hasMessageContaining("not enabled");
    assertThat(ContainerDevices.NONE.attach("c", withDevices("/dev/null"))).isEmpty();
  }

  @Test
  void cdiNamesInJsonAndYamlSpecsResolveToGroups() throws Exception {
    Files.createDirectories(tmp.resolve("etc-cdi"));
    Files.createDirectories(tmp.resolve("run-cdi"));
    Files.writeString(tmp.resolve("etc-cdi/nvidia.json"), """
        {"cdiVersion":"0.6.0","kind":"nvidia.com/pgpu","devices":[
          {"name":"0","containerEdits":{"deviceNodes":[{"path":"/dev/vfio/12"}]}},
          {"name":"1","containerEdits":{"deviceNodes":[{"path":"/dev/vfio/99"}]}}]}
        """);
    Files.writeString(tmp.resolve("run-cdi/nvidia.yaml"), """
        cdiVersion: 0.6.0
        kind: nvidia.com/pgpu
        devices:
          - name: "1"
            containerEdits:
              deviceNodes:
                - path: /dev/vfio/13
        containerEdits:
          deviceNodes:
            - path: /dev/vfio/vfio
        """);
    Files.writeString(tmp.resolve("run-cdi/README"), "not a spec");
    Spec spec = Spec.newBuilder().putAnnotations("cdi.k8s.io/vfio0", "nvidia.com/pgpu=0,nvidia.com/pgpu=1").build();
    VfioRequests r = new VfioRequests(settings);
    // /var/run/cdi overrides /etc/cdi for nvidia.com/pgpu=1.
    assertThat(r.explicitGroups(spec)).containsExactly(12, 13);
    assertThatThrownBy(() -> r.explicitGroups(Spec.newBuilder()
        .putAnnotations("cdi.k8s.io/x", "nvidia.com/pgpu=7").build()))
        .isInstanceOf(TaskException.NotFound.class).hasMessageContaining("nvidia.com/pgpu=7");
    DeviceSettings off = new DeviceSettings(false, settings.sysfs(), settings.cdiDirs(), false, true,
        settings.passthrough());
    assertThat(new VfioRequests(off).explicitGroups(spec)).isEmpty(); // CDI names may be for other runtimes
    Files.writeString(tmp.resolve("run-cdi/broken.json"), "{");
    assertThatThrownBy(() -> r.explicitGroups(spec)).isInstanceOf(TaskException.InvalidArgument.class);
  }

  @Test
  void theCountAnnotationPicksFreeReadyGpusWhenAllowed() {
    Spec two = Spec.newBuilder().putAnnotations(DeviceSettings.COUNT_ANNOTATION, "2").build();
    PassthroughPlan plan = new VfioDevices(settings).coldPlan(two);
    assertThat(plan.groups()).extracting(g -> g.number()).containsExactly(12, 13); // group 5 is not on vfio-pci
    assertThatThrownBy(() -> new VfioDevices(settings).coldPlan(
        Spec.newBuilder().putAnnotations(DeviceSettings.COUNT_ANNOTATION, "3").build()))
        .isInstanceOf(TaskException.FailedPrecondition.class).hasMessageContaining("only 2");
    DeviceSettings strict = new DeviceSettings(true, settings.sysfs(), settings.cdiDirs(), false, true,
        settings.passthrough());
    assertThatThrownBy(() -> new VfioDevices(strict).coldPlan(two))
        .isInstanceOf(TaskException.InvalidArgument.class).hasMessageContaining("not allowed");
    assertThatThrownBy(() -> new VfioRequests(settings).explicitGroups(withDevices("/dev/vfio/devices/vfio0")))
        .isInstanceOf(TaskException.InvalidArgument.class).hasMessageContaining("iommufd");
  }
}
