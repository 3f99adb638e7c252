package capsa.hypervisor.clh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exact HTTP bytes of the Cloud Hypervisor API through the same Netty codecs the client uses ({@link EmbeddedChannel}):
 * requests out, canned replies in.
 */
class ChApiCodecGoldenTest {

  private final ChApiCodec codec = new ChApiCodec(ChJson.newMapper());
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(ChHttpTransport.MAX_REPLY_BYTES));

  private final List<FullHttpResponse> replies = new java.util.ArrayList<>();

  @AfterEach
  void release() {
    replies.forEach(FullHttpResponse::release);
    channel.finishAndReleaseAll();
  }

  @Test
  void vmCreateRequestBytes() {
    VmConfig config = new VmConfig(
        new PayloadConfig("/k/vmlinux", "console=ttyS0 panic=1", "/k/initrd.img"),
        CpusConfig.flat(1, 2),
        new MemoryConfig(536870912L, false, false, 268435456L),
        null,
        null,
        new RngConfig("/dev/urandom", null),
        null,
        ConsoleConfig.toFile("/var/log/console.log"),
        ConsoleConfig.off(),
        List.of(new DeviceConfig("/sys/bus/pci/devices/0000:41:00.0", false, null, "gpu0")),
        new VsockConfig(3, "/run/capsa/vm1/clh.sock", null, null, null),
        null);
    String json = "{\"payload\":{\"kernel\":\"/k/vmlinux\",\"cmdline\":\"console=ttyS0 panic=1\","
        + "\"initramfs\":\"/k/initrd.img\"},"
        + "\"cpus\":{\"boot_vcpus\":1,\"max_vcpus\":2,\"topology\":{\"threads_per_core\":1,\"cores_per_die\":2,"
        + "\"dies_per_package\":1,\"packages\":1}},"
        + "\"memory\":{\"size\":536870912,\"shared\":false,\"hugepages\":false,\"hotplug_size\":268435456},"
        + "\"rng\":{\"src\":\"/dev/urandom\"},"
        + "\"serial\":{\"mode\":\"File\",\"file\":\"/var/log/console.log\"},"
        + "\"console\":{\"mode\":\"Off\"},"
        + "\"devices\":[{\"path\":\"/sys/bus/pci/devices/0000:41:00.0\",\"iommu\":false,\"id\":\"gpu0\"}],"
        + "\"vsock\":{\"cid\":3,\"socket\":\"/run/capsa/vm1/clh.sock\"}}";
    assertThat(send(ChEndpoint.VM_CREATE, config))
        .isEqualTo("PUT /api/v1/vm.create HTTP/1.1\r\n"
            + "Host: localhost\r\n"
            + "Accept: */*\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n"
            + "\r\n"
            + json);
  }

  @Test
  void vmBootRequestBytesHaveNoBody() {
    assertThat(send(ChEndpoint.VM_BOOT, null))
        .isEqualTo("PUT /api/v1/vm.boot HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n");
  }

  @Test
  void pingIsAGet() {
    assertThat(send(ChEndpoint.VMM_PING, null))
        .isEqualTo("GET /api/v1/vmm.ping HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n");
  }

  @Test
  void resizeAndRemoveBodies() {
    assertThat(send(ChEndpoint.VM_RESIZE, VmResize.vcpus(4))).endsWith("\r\n\r\n{\"desired_vcpus\":4}");
    assertThat(send(ChEndpoint.VM_REMOVE_DEVICE, new VmRemoveDevice("_disk2")))
        .endsWith("\r\n\r\n{\"id\":\"_disk2\"}");
    assertThat(send(ChEndpoint.VM_ADD_DISK, DiskConfig.raw("/img/a.raw", true, 2, "blk0")))
        .endsWith("\r\n\r\n{\"path\":\"/img/a.raw\",\"readonly\":true,\"num_queues\":2,\"queue_size\":1024,"
            + "\"vhost_user\":false,\"image_type\":\"Raw\",\"id\":\"blk0\"}");
  }

  @Test
  void vmInfoReplyIsParsed() throws Exception {
    String body = "{\"config\":{\"cpus\":{\"boot_vcpus\":1}},\"state\":\"Running\",\"memory_actual_size\":536870912,"
        + "\"device_tree\":{},\"some_future_field\":1}";
    VmInfo info = codec.decode(ChEndpoint.VM_INFO, reply("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body), VmInfo.class);
    assertThat(info.state()).isEqualTo(ChVmState.RUNNING);
    assertThat(info.memoryActualSize()).isEqualTo(536870912L);
    assertThat(info.config().path("cpus").path("boot_vcpus").asInt()).isEqualTo(1);
  }

  @Test
  void everyStateNameParses() throws Exception {
    for (String name : List.of("Created", "Running", "Shutdown", "Paused", "BreakPoint")) {
      String body = "{\"state\":\"" + name + "\"}";
      VmInfo info = codec.decode(ChEndpoint.VM_INFO, reply("HTTP/1.1 200 OK\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body), VmInfo.class);
      assertThat(info.state()).isNotNull();
    }
  }

  @Test
  void addDeviceReplyGivesTheGuestPciSlot() throws Exception {
    String body = "{\"id\":\"_vfio0\",\"bdf\":\"0000:00:0a.0\"}";
    PciDeviceInfo info = codec.decode(ChEndpoint.VM_ADD_DEVICE, reply("HTTP/1.1 200 OK\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body), PciDeviceInfo.class);
    assertThat(info).isEqualTo(new PciDeviceInfo("_vfio0", "0000:00:0a.0"));
    assertThat(info.guestPciPath()).isEqualTo("0a");
    assertThatThrownBy(() -> new PciDeviceInfo("x", "0001:00:05.0").guestPciPath())
        .hasMessageContaining("not on segment 0000");
  }

  @Test
  void noContentIsNull() throws Exception {
    assertThat(codec.decode(ChEndpoint.VM_ADD_DISK, reply("HTTP/1.1 204 No Content\r\n\r\n"), PciDeviceInfo.class))
        .isNull();
  }

  @Test
  void errorReplyCarriesStatusAndChain() {
    String body = "[\"Error from API\",\"The VM could not boot\",\"VM is not created\"]";
    FullHttpResponse r = reply("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body);
    assertThatThrownBy(() -> codec.decode(ChEndpoint.VM_BOOT, r, Void.class))
        .isInstanceOfSatisfying(ChApiException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.endpoint()).isEqualTo(ChEndpoint.VM_BOOT);
          assertThat(e.errorChain()).containsExactly("Error from API", "The VM could not boot", "VM is not created");
        })
        .hasMessage("Cloud Hypervisor rejected vm.boot with HTTP 404: Error from API: The VM could not boot: "
            + "VM is not created");
  }

  @Test
  void nonJsonErrorBodyIsKeptVerbatim() {
    FullHttpResponse r = reply("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops\n");
    assertThatThrownBy(() -> codec.decode(ChEndpoint.VM_CREATE, r, Void.class))
        .isInstanceOfSatisfying(ChApiException.class, e -> assertThat(e.errorChain()).containsExactly("oops"));
  }

  /** Whatever bytes an error reply carries, the result is a ChApiException with that status, never a crash. */
  @Test
  void randomErrorBodiesAlwaysBecomeChApiException() {
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 300; i++) {
      byte[] body = new byte[random.nextInt(64)];
      random.nextBytes(body);
      int status = 400 + random.nextInt(200);
      var response = new io.netty.handler.codec.http.DefaultFullHttpResponse(
          io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
          io.netty.handler.codec.http.HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
      replies.add(response);
      assertThatThrownBy(() -> codec.decode(ChEndpoint.VM_INFO, response, VmInfo.class))
          .isInstanceOfSatisfying(ChApiException.class, e -> assertThat(e.status()).isEqualTo(status));
    }
  }

  /** A 200 whose body is not the promised JSON is an IOException, never an unchecked crash. */
  @Test
  void randomSuccessBodiesFailAsIoException() {
    java.util.Random random = new java.util.Random(11);
    for (int i = 0; i < 300; i++) {
      byte[] body = new byte[1 + random.nextInt(64)];
      random.nextBytes(body);
      var response = new io.netty.handler.codec.http.DefaultFullHttpResponse(
          io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
          io.netty.handler.codec.http.HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      replies.add(response);
      try {
        codec.decode(ChEndpoint.VM_INFO, response, VmInfo.class);
      } catch (java.io.IOException expected) {
        // fine: garbage is reported as an I/O problem
      }
    }
  }

  private String send(ChEndpoint endpoint, Object body) {
    channel.writeOutbound(codec.encode(endpoint, body));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      out.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private FullHttpResponse reply(String raw) {
    // The codec only decodes a response after it has seen a request go out.
    channel.writeOutbound(codec.encode(ChEndpoint.VMM_PING, null));
    channel.outboundMessages().forEach(m -> ((ByteBuf) m).release());
    channel.outboundMessages().clear();
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
    FullHttpResponse r = channel.readInbound();
    assertThat(r).isNotNull();
    replies.add(r);
    return r;
  }
}
