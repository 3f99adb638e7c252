package capsa.proto.agent;

import static capsa.proto.agent.WireBytes.wire;
import static org.assertj.core.api.Assertions.assertThat;

import capsa.proto.agent.types.IPAddress;
import capsa.proto.agent.types.IPFamily;
import capsa.proto.agent.types.Interface;
import capsa.proto.oci.Process;
import capsa.proto.oci.Root;
import capsa.proto.oci.Spec;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import org.junit.jupiter.api.Test;

/**
 * Encodings computed by hand from Kata's field numbers. A tag byte is
 * {@code (field_number << 3) | wire_type}: wire type 0 = varint, 2 = length-delimited.
 * Each test also decodes the golden bytes back, so both directions are pinned.
 */
class AgentWireGoldenBytesTest {

  @Test
  void waitProcessResponseCarriesStatusAsVarint() {
    WaitProcessResponse msg = WaitProcessResponse.newBuilder().setStatus(137).build();

    byte[] expected = wire()
        .hex("08")        // field 1 (status), varint
        .hex("89 01")     // 137 = 0b1_0001001 -> low 7 bits 0x09 | 0x80, then 0x01
        .toByteArray();

    assertEncodes(msg, expected, WaitProcessResponse.parser());
  }

  @Test
  void readStreamRequestAsksFor32KiB() {
    ReadStreamRequest msg = ReadStreamRequest.newBuilder()
        .setContainerId("c1").setExecId("e1").setLen(32768).build();

    byte[] expected = wire()
        .hex("0a 02").ascii("c1")   // field 1 (container_id), LEN, 2 bytes
        .hex("12 02").ascii("e1")   // field 2 (exec_id), LEN, 2 bytes
        .hex("18")                  // field 3 (len), varint
        .hex("80 80 02")            // 32768 = 2 * 128^2 -> 0x80, 0x80, 0x02
        .toByteArray();

    assertEncodes(msg, expected, ReadStreamRequest.parser());
  }

  @Test
  void readStreamRequestWithOnlyLen() {
    ReadStreamRequest msg = ReadStreamRequest.newBuilder().setLen(32768).build();

    // Empty strings are proto3 defaults and are not written at all.
    byte[] expected = wire().hex("18 80 80 02").toByteArray();

    assertEncodes(msg, expected, ReadStreamRequest.parser());
  }

  @Test
  void signalAllProcessesOmitsEmptyExecId() {
    SignalProcessRequest msg = SignalProcessRequest.newBuilder()
        .setContainerId("c").setExecId("").setSignal(9).build();

    byte[] expected = wire()
        .hex("0a 01").ascii("c")    // field 1 (container_id)
                                    // field 2 (exec_id = "") absent: "all processes"
        .hex("18 09")               // field 3 (signal), varint 9 = SIGKILL
        .toByteArray();

    assertEncodes(msg, expected, SignalProcessRequest.parser());
  }

  @Test
  void createContainerRequestWithOneStorage() {
    Storage storage = Storage.newBuilder()
        .setDriver("virtio-fs")
        .setSource("kataShared")
        .setFstype("virtiofs")
        .addOptions("ro")
        .setMountPoint("/run/x")
        .setShared(true)
        .build();
    CreateContainerRequest msg = CreateContainerRequest.newBuilder()
        .setContainerId("c1")
        .setExecId("c1")
        .addStorages(storage)
        .setSandboxPidns(true)
        .setStdoutPort(1025)
        .build();

    WireBytes storageBytes = wire()
        .hex("0a 09").ascii("virtio-fs")    // 1 driver, 9 bytes
        .hex("1a 0a").ascii("kataShared")   // 3 source, 10 bytes
        .hex("22 08").ascii("virtiofs")     // 4 fstype, 8 bytes
        .hex("2a 02").ascii("ro")           // 5 options[0], 2 bytes
        .hex("32 06").ascii("/run/x")       // 6 mount_point, 6 bytes
        .hex("40 01");                      // 8 shared = true (varint)
    assertThat(storageBytes.size()).isEqualTo(0x2f); // 11 + 12 + 10 + 4 + 8 + 2 = 47

    byte[] expected = wire()
        .hex("0a 02").ascii("c1")           // 1 container_id
        .hex("12 02").ascii("c1")           // 2 exec_id (= container_id for the init process)
        .hex("2a 2f").bytes(storageBytes)   // 5 storages[0], LEN 47
        .hex("38 01")                       // 7 sandbox_pidns = true
        .hex("50 81 08")                    // 10 stdout_port: tag (10<<3)|0 = 0x50; 1025 = 0x81 0x08
        .toByteArray();

    assertEncodes(msg, expected, CreateContainerRequest.parser());
  }

  @Test
  void interfaceWithOneIpv4Address() {
    Interface msg = Interface.newBuilder()
        .setDevice("eth0")
        .setName("eth0")
        .addIPAddresses(IPAddress.newBuilder()
            .setFamily(IPFamily.v4).setAddress("10.0.0.2").setMask("24"))
        .setMtu(1500)
        .setHwAddr("02:00:00:00:00:01")
        .setType("virtual")
        .build();

    WireBytes address = wire()
                                            // 1 family = v4 = 0: default, not written
        .hex("12 08").ascii("10.0.0.2")     // 2 address, 8 bytes
        .hex("1a 02").ascii("24");          // 3 mask (prefix length as text)

    byte[] expected = wire()
        .hex("0a 04").ascii("eth0")         // 1 device
        .hex("12 04").ascii("eth0")         // 2 name
        .hex("1a 0e").bytes(address)        // 3 IPAddresses[0], LEN 14
        .hex("20 dc 0b")                    // 4 mtu: 1500 = 11*128 + 92 -> 0xdc, 0x0b
        .hex("2a 11").ascii("02:00:00:00:00:01") // 5 hwAddr, 17 bytes
        .hex("3a 07").ascii("virtual")      // 7 type (6 devicePath empty, absent)
        .toByteArray();

    assertEncodes(msg, expected, Interface.parser());
  }

  @Test
  void ipv6AddressWritesFamily() {
    IPAddress msg = IPAddress.newBuilder()
        .setFamily(IPFamily.v6).setAddress("fd00::2").setMask("64").build();

    byte[] expected = wire()
        .hex("08 01")                       // 1 family = v6 (enum value 1)
        .hex("12 07").ascii("fd00::2")      // 2 address
        .hex("1a 02").ascii("64")           // 3 mask
        .toByteArray();

    assertEncodes(msg, expected, IPAddress.parser());
  }

  @Test
  void specWithProcessArgsAndRoot() {
    Spec msg = Spec.newBuilder()
        .setVersion("1.0.2")
        .setProcess(Process.newBuilder().addArgs("sh").addArgs("-c").setCwd("/"))
        .setRoot(Root.newBuilder().setPath("/run/r").setReadonly(true))
        .build();

    WireBytes process = wire()
        .hex("22 02").ascii("sh")           // 4 Args[0]
        .hex("22 02").ascii("-c")           // 4 Args[1]: repeated strings repeat the tag
        .hex("32 01").ascii("/");           // 6 Cwd
    WireBytes root = wire()
        .hex("0a 06").ascii("/run/r")       // 1 Path
        .hex("10 01");                      // 2 Readonly = true

    byte[] expected = wire()
        .hex("0a 05").ascii("1.0.2")        // 1 Version
        .hex("12 0b").bytes(process)        // 2 Process, LEN 11
        .hex("1a 0a").bytes(root)           // 3 Root, LEN 10
        .toByteArray();

    assertEncodes(msg, expected, Spec.parser());
  }

  @Test
  void healthCheckServing() {
    HealthCheckResponse msg = HealthCheckResponse.newBuilder()
        .setStatus(HealthCheckResponse.ServingStatus.SERVING).build();

    assertEncodes(msg, wire().hex("08 01").toByteArray(), HealthCheckResponse.parser());
    // The runtime's probe is an empty CheckRequest: zero bytes on the wire.
    assertEncodes(CheckRequest.getDefaultInstance(), new byte[0], CheckRequest.parser());
  }

  @Test
  void memAgentOptionalFieldsKeepExplicitFalse() {
    // proto3 "optional" tracks presence: an explicit false is written, unset is not.
    MemAgentMemcgConfig msg = MemAgentMemcgConfig.newBuilder()
        .setDisabled(false).setSwappinessMax(50).build();

    byte[] expected = wire()
        .hex("08 00")                       // 1 disabled = false, present
        .hex("18 32")                       // 3 swappiness_max = 50
        .toByteArray();

    assertEncodes(msg, expected, MemAgentMemcgConfig.parser());
    assertThat(MemAgentMemcgConfig.newBuilder().build().toByteArray()).isEmpty();
  }

  private static <T extends Message> void assertEncodes(
      T message, byte[] expected, Parser<T> parser) {
    assertThat(message.toByteArray()).as("encoding").containsExactly(expected);
    try {
      assertThat(parser.parseFrom(expected)).as("decoding").isEqualTo(message);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("golden bytes do not parse", e);
    }
  }
}
