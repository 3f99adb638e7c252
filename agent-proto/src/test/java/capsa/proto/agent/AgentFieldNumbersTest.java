package capsa.proto.agent;

import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.agent.types.ARPNeighbor;
import capsa.proto.agent.types.Interface;
import capsa.proto.agent.types.Route;
import capsa.proto.oci.Process;
import capsa.proto.oci.Spec;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Field numbers, names and types of the messages that matter most, checked against the tables of
 * kata-agent-and-hypervisors.md (§1.4, §1.5, §7). Each row reads "number name [repeated] type";
 * the lists are exact, so a missing, extra or renumbered field fails.
 */
class AgentFieldNumbersTest {

  @Test
  void storage() {
    assertFields(Storage.getDescriptor(),
        "1 driver string",
        "2 driver_options repeated string",
        "3 source string",
        "4 fstype string",
        "5 options repeated string",
        "6 mount_point string",
        "7 fs_group grpc.FSGroup",
        "8 shared bool");
  }

  @Test
  void fsGroupSkipsFieldOne() {
    assertFields(FSGroup.getDescriptor(),
        "2 group_id uint32",
        "3 group_change_policy types.FSGroupChangePolicy");
  }

  @Test
  void device() {
    assertFields(Device.getDescriptor(),
        "1 id string",
        "2 type string",
        "3 vm_path string",
        "4 container_path string",
        "5 options repeated string");
  }

  @Test
  void createSandboxRequest() {
    assertFields(CreateSandboxRequest.getDescriptor(),
        "1 hostname string",
        "2 dns repeated string",
        "3 storages repeated grpc.Storage",
        "4 sandbox_pidns bool",
        "5 sandbox_id string",
        "6 guest_hook_path string",
        "7 kernel_modules repeated grpc.KernelModule");
  }

  @Test
  void createContainerRequest() {
    assertFields(CreateContainerRequest.getDescriptor(),
        "1 container_id string",
        "2 exec_id string",
        "3 string_user grpc.StringUser",
        "4 devices repeated grpc.Device",
        "5 storages repeated grpc.Storage",
        "6 OCI grpc.Spec",
        "7 sandbox_pidns bool",
        "8 shared_mounts repeated grpc.SharedMount",
        "9 stdin_port uint32",
        "10 stdout_port uint32",
        "11 stderr_port uint32");
  }

  @Test
  void execProcessRequest() {
    assertFields(ExecProcessRequest.getDescriptor(),
        "1 container_id string",
        "2 exec_id string",
        "3 string_user grpc.StringUser",
        "4 process grpc.Process",
        "5 stdin_port uint32",
        "6 stdout_port uint32",
        "7 stderr_port uint32");
  }

  @Test
  void guestDetails() {
    assertFields(GuestDetailsRequest.getDescriptor(),
        "1 mem_block_size bool",
        "2 mem_hotplug_probe bool");
    assertFields(GuestDetailsResponse.getDescriptor(),
        "1 mem_block_size_bytes uint64",
        "2 agent_details grpc.AgentDetails",
        "3 support_mem_hotplug_probe bool");
    assertFields(AgentDetails.getDescriptor(),
        "1 version string",
        "2 init_daemon bool",
        "3 device_handlers repeated string",
        "4 storage_handlers repeated string",
        "5 supports_seccomp bool",
        "6 extra_features repeated string");
  }

  @Test
  void copyFileRequest() {
    assertFields(CopyFileRequest.getDescriptor(),
        "1 path string",
        "2 file_size int64",
        "3 file_mode uint32",
        "4 dir_mode uint32",
        "5 uid int32",
        "6 gid int32",
        "7 offset int64",
        "8 data bytes");
  }

  @Test
  void networkTypes() {
    assertFields(Interface.getDescriptor(),
        "1 device string",
        "2 name string",
        "3 IPAddresses repeated types.IPAddress",
        "4 mtu uint64",
        "5 hwAddr string",
        "6 devicePath string",
        "7 type string",
        "8 raw_flags uint32");
    assertFields(Route.getDescriptor(),
        "1 dest string",
        "2 gateway string",
        "3 device string",
        "4 source string",
        "5 scope uint32",
        "6 family types.IPFamily",
        "7 flags uint32",
        "8 mtu uint32");
    assertFields(ARPNeighbor.getDescriptor(),
        "1 toIPAddress types.IPAddress",
        "2 device string",
        "3 lladdr string",
        "4 state int32",
        "5 flags int32");
  }

  @Test
  void ociSpecAndProcess() {
    assertFields(Spec.getDescriptor(),
        "1 Version string",
        "2 Process grpc.Process",
        "3 Root grpc.Root",
        "4 Hostname string",
        "5 Mounts repeated grpc.Mount",
        "6 Hooks grpc.Hooks",
        "7 Annotations map",
        "8 Linux grpc.Linux",
        "9 Solaris grpc.Solaris",
        "10 Windows grpc.Windows");
    assertFields(Process.getDescriptor(),
        "1 Terminal bool",
        "2 ConsoleSize grpc.Box",
        "3 User grpc.User",
        "4 Args repeated string",
        "5 Env repeated string",
        "6 Cwd string",
        "7 Capabilities grpc.LinuxCapabilities",
        "8 Rlimits repeated grpc.POSIXRlimit",
        "9 NoNewPrivileges bool",
        "10 ApparmorProfile string",
        "11 OOMScoreAdj int64",
        "12 SelinuxLabel string");
  }

  private static void assertFields(Descriptor message, String... expected) {
    List<String> actual = message.getFields().stream()
        .sorted(Comparator.comparingInt(FieldDescriptor::getNumber))
        .map(AgentFieldNumbersTest::describe)
        .collect(Collectors.toList());
    assertThat(actual).as(message.getFullName()).containsExactly(expected);
  }

  private static String describe(FieldDescriptor field) {
    String prefix = field.getNumber() + " " + field.getName() + " ";
    if (field.isMapField()) {
      return prefix + "map";
    }
    String type;
    switch (field.getType()) {
      case MESSAGE:
        type = field.getMessageType().getFullName();
        break;
      case ENUM:
        type = field.getEnumType().getFullName();
        break;
      default:
        type = field.getType().name().toLowerCase(java.util.Locale.ROOT);
    }
    return prefix + (field.isRepeated() ? "repeated " : "") + type;
  }
}
