package capsa.hypervisor.qemu.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.qemu.qmp.QmpCommands.Done;
import capsa.hypervisor.qemu.qmp.QmpCommands.StatusInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QmpClientTest {

  private static final String CAPS = "{\"execute\":\"qmp_capabilities\"}";
  private static final String OK = "{\"return\": {}, \"id\": ${id}}";
  private static final Duration T = Duration.ofSeconds(5);

  private static EventLoopGroup group;
  private final ObjectMapper mapper = new ObjectMapper();
  private Path dir;
  private ScriptedQmpPeer peer;

  @BeforeAll
  static void loop() {
    group = new EpollEventLoopGroup(1);
  }

  @AfterAll
  static void stopLoop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("qmp");
    peer = new ScriptedQmpPeer(dir.resolve("qmp.sock"));
  }

  @AfterEach
  void tearDown() throws Exception {
    peer.close();
    Files.deleteIfExists(dir);
  }

  private QmpClient connect() throws Exception {
    peer.start();
    return QmpClient.connect(group, dir.resolve("qmp.sock"), mapper, T).get(10, TimeUnit.SECONDS);
  }

  @Test
  void greetingThenCapabilitiesThenQueryStatus() throws Exception {
    peer.expect(CAPS, OK)
        .expect("{\"execute\":\"query-status\"}",
            "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": ${id}}");
    try (QmpClient c = connect()) {
      assertThat(c.greeting().version()).isEqualTo("7.2.22");
      assertThat(c.greeting().packageName()).isEqualTo("Debian 1:7.2+dfsg-7+deb12u18+b3");
      assertThat(c.greeting().capabilities()).containsExactly("oob");
      StatusInfo s = c.execute(new QmpCommands.QueryStatus()).get(5, TimeUnit.SECONDS);
      assertThat(s).isEqualTo(new StatusInfo("running", true));
      peer.awaitDone();
    }
    // Golden bytes of what we send.
    assertThat(peer.received()).containsExactly(
        "{\"execute\":\"qmp_capabilities\",\"id\":1}",
        "{\"execute\":\"query-status\",\"id\":2}");
  }

  @Test
  void errorReplyCarriesQemuClassAndDesc() throws Exception {
    String desc = "Property 'virtserialport.chardev' can't find value 'hotch'";
    peer.expect(CAPS, OK)
        .expect("{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"virtserialport\",\"id\":\"p1\","
                + "\"chardev\":\"hotch\"}}",
            "{\"error\": {\"class\": \"GenericError\", \"desc\": \"" + desc + "\"}, \"id\": ${id}}");
    try (QmpClient c = connect()) {
      CompletableFuture<Done> f =
          c.execute(new QmpCommands.DeviceAdd("virtserialport", "p1", Map.of("chardev", "hotch")));
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(QmpException.class, e -> {
            assertThat(e.errorClass()).isEqualTo("GenericError");
            assertThat(e.desc()).isEqualTo(desc);
            assertThat(e.command()).isEqualTo("device_add");
          });
      peer.awaitDone();
    }
  }

  @Test
  void repliesAreCorrelatedByIdNotOrder() throws Exception {
    peer.expect(CAPS, OK)
        .expect("{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"vblk0\",\"property\":\"addr\"}}")
        .expect("{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"rp0\",\"property\":\"addr\"}}",
            "{\"return\": 16, \"id\": ${id}}", "{\"return\": 0, \"id\": ${id:1}}");
    try (QmpClient c = connect()) {
      CompletableFuture<JsonNode> dev = c.execute(new QmpCommands.QomGet("vblk0", "addr"));
      // Send the second only after the first went out, so the peer sees them in this order.
      awaitReceived(2);
      CompletableFuture<JsonNode> port = c.execute(new QmpCommands.QomGet("rp0", "addr"));
      assertThat(port.get(5, TimeUnit.SECONDS).asInt()).isEqualTo(16);
      assertThat(dev.get(5, TimeUnit.SECONDS).asInt()).isEqualTo(0);
      peer.awaitDone();
    }
  }

  @Test
  void eventsReachListenersEvenBeforeTheGreeting() throws Exception {
    String event = "{\"timestamp\": {\"seconds\": 1764400000, \"microseconds\": 123456}, \"event\": \"RESUME\"}";
    peer.beforeGreeting(event).expect(CAPS, OK)
        .expect("{\"execute\":\"stop\"}", OK,
            "{\"timestamp\": {\"seconds\": 1764400001, \"microseconds\": 5}, \"event\": \"STOP\"}");
    peer.start();
    List<QmpEvent> events = new CopyOnWriteArrayList<>();
    CompletableFuture<QmpEvent> stop = new CompletableFuture<>();
    try (QmpClient c = QmpClient.connect(group, dir.resolve("qmp.sock"), mapper, T).get(10, TimeUnit.SECONDS)) {
      c.addEventListener(e -> {
        events.add(e);
        if (e.name().equals("STOP")) {
          stop.complete(e);
        }
      });
      c.execute(new QmpCommands.Stop()).get(5, TimeUnit.SECONDS);
      QmpEvent e = stop.get(5, TimeUnit.SECONDS);
      assertThat(e.timestamp().getEpochSecond()).isEqualTo(1764400001L);
      assertThat(e.timestamp().getNano()).isEqualTo(5000);
      peer.awaitDone();
    }
  }

  @Test
  void deviceDelWaitsForDeviceDeletedWithThatId() throws Exception {
    peer.expect(CAPS, OK)
        .expect("{\"execute\":\"device_del\",\"arguments\":{\"id\":\"vblk0\"}}", OK)
        .send("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": \"DEVICE_DELETED\","
            + " \"data\": {\"path\": \"/machine/peripheral/vblk0/virtio-backend\"}}");
    try (QmpClient c = connect()) {
      CompletableFuture<Done> del = c.deviceDel("vblk0", T);
      peer.awaitDone();
      // Only the backend's event so far: not done yet.
      Thread.sleep(200); // a negative check needs some time to pass; nothing to wait on
      assertThat(del).isNotDone();
      c.close();
      assertThatThrownBy(() -> del.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(QmpConnectionException.class);
    }
  }

  @Test
  void deviceDelCompletesOnItsEvent() throws Exception {
    peer.expect(CAPS, OK)
        .expect("{\"execute\":\"device_del\",\"arguments\":{\"id\":\"vblk0\"}}", OK,
            "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": \"DEVICE_DELETED\","
                + " \"data\": {\"path\": \"/machine/peripheral/vblk0/virtio-backend\"}}",
            "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 9}, \"event\": \"DEVICE_DELETED\","
                + " \"data\": {\"device\": \"vblk0\", \"path\": \"/machine/peripheral/vblk0\"}}");
    try (QmpClient c = connect()) {
      assertThat(c.deviceDel("vblk0", T).get(5, TimeUnit.SECONDS)).isEqualTo(Done.DONE);
      peer.awaitDone();
    }
  }

  @Test
  void connectionLossFailsPendingCommands() throws Exception {
    peer.expect(CAPS, OK).expect("{\"execute\":\"query-status\"}").closeConnection();
    try (QmpClient c = connect()) {
      CompletableFuture<StatusInfo> f = c.execute(new QmpCommands.QueryStatus());
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause()
          .isInstanceOf(QmpConnectionException.class).hasMessageContaining("query-status");
      c.closeFuture().get(5, TimeUnit.SECONDS);
      assertThatThrownBy(() -> c.execute(new QmpCommands.Cont()).get(5, TimeUnit.SECONDS)).cause()
          .isInstanceOf(QmpConnectionException.class);
    }
  }

  @Test
  void commandsGetTheirArgumentNamesRight() throws Exception {
    peer.expect(CAPS, OK)
        .expect("{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"raw\",\"node-name\":\"drive-vblk0\","
            + "\"read-only\":false,\"file\":{\"driver\":\"file\",\"filename\":\"/tmp/disk.img\"}}}", OK)
        .expect("{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"virtio-blk-pci\",\"id\":\"vblk0\","
            + "\"drive\":\"drive-vblk0\",\"bus\":\"rp0\"}}", OK)
        .expect("{\"execute\":\"blockdev-del\",\"arguments\":{\"node-name\":\"drive-vblk0\"}}", OK);
    try (QmpClient c = connect()) {
      c.execute(new QmpCommands.BlockdevAdd("drive-vblk0", "/tmp/disk.img", false)).get(5, TimeUnit.SECONDS);
      java.util.LinkedHashMap<String, Object> props = new java.util.LinkedHashMap<>();
      props.put("drive", "drive-vblk0");
      props.put("bus", "rp0");
      c.execute(new QmpCommands.DeviceAdd("virtio-blk-pci", "vblk0", props)).get(5, TimeUnit.SECONDS);
      c.execute(new QmpCommands.BlockdevDel("drive-vblk0")).get(5, TimeUnit.SECONDS);
      peer.awaitDone();
    }
  }

  @Test
  void noGreetingTimesOut() throws Exception {
    peer.greeting("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": \"RESUME\"}")
        .expect(CAPS, OK);
    peer.start();
    assertThatThrownBy(() -> QmpClient.connect(group, dir.resolve("qmp.sock"), mapper, Duration.ofMillis(300))
        .get(10, TimeUnit.SECONDS)).cause().isInstanceOf(QmpTimeoutException.class);
  }

  private void awaitReceived(int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (peer.received().size() < n && System.nanoTime() < end) {
      Thread.sleep(5); // the peer offers no event for "line read"; poll with a bound
    }
    assertThat(peer.received()).hasSizeGreaterThanOrEqualTo(n);
  }
}
