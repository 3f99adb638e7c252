package capsa.shim.task;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.hypervisor.GuestPciPath;
import capsa.hypervisor.pci.FakePciTree;
import capsa.hypervisor.pci.PassthroughPlan;
import capsa.hypervisor.pci.PassthroughSettings;
import capsa.hypervisor.spec.DataSize;
import capsa.proto.agent.Device;
import capsa.proto.oci.Spec;
import capsa.shim.agent.GuestAgent;
import capsa.shim.daemon.ShutdownService;
import capsa.shim.devices.ContainerDevices;
import capsa.shim.devices.DeviceSettings;
import capsa.shim.devices.RecordingVfioVm;
import capsa.shim.devices.VfioDevices;
import capsa.shim.sandbox.SandboxLauncher;
import capsa.shim.sandbox.SandboxVm;
import capsa.shim.spec.OciSpecReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import capsa.proto.containerd.task.v2.CreateTaskRequest;
import capsa.proto.containerd.task.v2.DeleteRequest;
import capsa.proto.containerd.types.Mount;
import io.grpc.Status.Code;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shim level, through the Task API: bundles whose config.json carries a stand-in VFIO device ({@code /dev/vfio/12}
 * of a fake host sysfs, or a CDI name) reach the agent boundary as the right {@code Device} entries. The sandbox's
 * own devices are cold-plugged (the launcher gets the plan), a later container's group is hot-plugged on the VM double
 * and unplugged at delete. No VFIO exists here: the VM is {@link RecordingVfioVm}, the agent {@link FakeAgent}.
 */
class VfioStandInTaskServiceTest {

  @TempDir
  Path tmp;

  private final FakeAgent agent = new FakeAgent();
  private final RecordingVfioVm vm = new RecordingVfioVm(6);
  private final RecordingEventPublisher events = new RecordingEventPublisher();
  private ExecutorService blocking;
  private TaskService service;
  private volatile PassthroughPlan launchedWith;

  /** Stand-in launcher: plans passthrough from the sandbox spec like QemuSandboxLauncher, "boots" the doubles. */
  private final class StandInLauncher implements SandboxLauncher {
    private final DeviceSettings settings;

    StandInLauncher(DeviceSettings settings) {
      this.settings = settings;
    }

    @Override
    public SandboxVm launch(String sandboxId, Path shareDir) {
      throw new AssertionError("the sandbox spec must be passed to the launcher");
    }

    @Override
    public SandboxVm launch(String sandboxId, Path shareDir, Spec sandboxSpec) {
      VfioDevices devices = new VfioDevices(settings);
      launchedWith = devices.coldPlan(sandboxSpec);
      launchedWith.devices().forEach(d -> vm.coldPaths.put(d.id(), GuestPciPath.parse("02/00")));
      devices.booted(vm);
      CompletableFuture<Void> exited = new CompletableFuture<>();
      return new SandboxVm() {
        @Override
        public GuestAgent agent() {
          return agent;
        }

        @Override
        public ContainerDevices devices() {
          return devices;
        }

        @Override
        public int pid() {
          return 4242;
        }

        @Override
        public String guestKernelRelease() {
          return "stand-in";
        }

        @Override
        public CompletableFuture<Void> exited() {
          return exited;
        }

        @Override
        public void stop() {
          exited.complete(null);
        }

        @Override
        public void close() {
          stop();
        }
      };
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    FakePciTree t = FakePciTree.at(tmp.resolve("sys"));
    t.function("0000:41:00.0").group(12).driver("vfio-pci").add();
    t.function("0000:42:00.0").group(13).driver("vfio-pci").add();
    Path cdi = Files.createDirectories(tmp.resolve("cdi"));
    Files.writeString(cdi.resolve("pgpu.yaml"), "cdiVersion: 0.6.0\nkind: nvidia.com/pgpu\ndevices:\n"
        + "  - name: \"1\"\n    containerEdits:\n      deviceNodes:\n        - path: /dev/vfio/13\n");
    DeviceSettings settings = new DeviceSettings(true, t.root(), List.of(cdi), false, true,
        new PassthroughSettings(1, DataSize.bytes(0), Optional.empty(), List.of("pci=realloc")));
    blocking = Executors.newCachedThreadPool();
    SandboxHost host = new SandboxHost("sb1", tmp.resolve("run/sb1/shared"), new RecordingMounter(),
        new StandInLauncher(settings), events, blocking, Clock.systemUTC());
    service = new TaskService(host, new TaskRequests(new OciSpecReader(new ObjectMapper())), new ShutdownService());
  }

  @AfterEach
  void tearDown() throws Exception {
    blocking.shutdownNow();
    blocking.awaitTermination(5, TimeUnit.SECONDS);
  }

  private Path bundle(String id, String linuxDevices, String annotations) throws Exception {
    Path b = Files.createDirectories(tmp.resolve("bundles").resolve(id));
    Files.writeString(b.resolve("config.json"), """
        {"ociVersion":"1.0.2","process":{"args":["nvidia-smi"],"cwd":"/","user":{"uid":0,"gid":0}},
         "root":{"path":"rootfs"},"hostname":"gpu-pod","annotations":{%s},
         "linux":{"namespaces":[{"type":"pid"},{"type":"mount"}],"devices":[%s]}}
        """.formatted(annotations, linuxDevices));
    return b;
  }

  private CreateTaskRequest create(String id, Path b) {
    return CreateTaskRequest.newBuilder().setId(id).setBundle(b.toString())
        .addRootfs(Mount.newBuilder().setType("overlay").setSource("overlay").addOptions("lowerdir=/x")).build();
  }

  @Test
  void sandboxGpuIsColdPluggedAndALaterContainersCdiGpuIsHotPlugged() throws Exception {
    Path sb = bundle("sb1", "{\"path\":\"/dev/vfio/12\",\"type\":\"c\",\"major\":243,\"minor\":12}", "");
    Rpc.ok(service::create, create("sb1", sb));
    assertThat(launchedWith.devices()).extracting(d -> d.hostBdf()).containsExactly("0000:41:00.0");
    assertThat(launchedWith.rootPorts()).isEqualTo(2);
    assertThat(agent.devices.get("sb1")).containsExactly(Device.newBuilder().setId("12").setType("vfio-pci-gk")
        .setContainerPath("/dev/vfio/12").addOptions("0000:41:00.0=02/00").build());

    Path c2 = bundle("c2", "", "\"cdi.k8s.io/vfio0\":\"nvidia.com/pgpu=1\"");
    Rpc.ok(service::create, create("c2", c2));
    assertThat(agent.devices.get("c2")).containsExactly(Device.newBuilder().setId("13").setType("vfio-pci-gk")
        .setContainerPath("/dev/vfio/13").addOptions("0000:42:00.0=06/00").build());
    assertThat(vm.calls).contains("hotplug vfio13-0 0000:42:00.0");

    Rpc.ok(service::delete, DeleteRequest.newBuilder().setId("c2").build());
    assertThat(vm.calls).endsWith("unplug vfio13-0");
  }

  @Test
  void aGroupThatIsNotThereFailsTheCreate() throws Exception {
    Path sb = bundle("sb1", "", "");
    Rpc.ok(service::create, create("sb1", sb));
    Path bad = bundle("c3", "{\"path\":\"/dev/vfio/77\",\"type\":\"c\",\"major\":243,\"minor\":77}", "");
    assertThat(Rpc.code(service::create, create("c3", bad))).isEqualTo(Code.FAILED_PRECONDITION);
    assertThat(agent.calls).noneMatch(c -> c.equals("CreateContainer c3"));
  }
}
