package capsa.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.hypervisor.qemu.qmp.PciWalkScripts;
import capsa.hypervisor.qemu.qmp.QmpClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.epoll.EpollEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The qom-get walk against scripted QEMU answers (shapes as seen from QEMU 7.2 on q35). */
class PciPathResolverTest {

  private static final String OK = "{\"return\": {}, \"id\": ${id}}";
  private final EpollEventLoopGroup group = new EpollEventLoopGroup(1);
  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("pci");
  }

  @AfterEach
  void tearDown() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    QemuLogs.deleteTree(dir);
  }

  private static String get(String path, String prop) {
    return "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"" + path + "\",\"property\":\"" + prop + "\"}}";
  }

  @Test
  void deviceBehindRootPortGivesTwoSlots() throws Exception {
    try (PciWalkScripts.Peer peer = new PciWalkScripts.Peer(dir.resolve("q.sock"))
        .expect("{\"execute\":\"qmp_capabilities\"}", OK)
        .expect(get("vblk0", "addr"), "{\"return\": 0, \"id\": ${id}}")
        .expect(get("vblk0", "parent_bus"), "{\"return\": \"/machine/peripheral/rp0/rp0\", \"id\": ${id}}")
        .expect(get("/machine/peripheral/rp0", "addr"), "{\"return\": 16, \"id\": ${id}}")
        .expect(get("/machine/peripheral/rp0", "parent_bus"), "{\"return\": \"/machine/q35/pcie.0\", \"id\": ${id}}")
        .start()) {
      QmpClient c = QmpClient.connect(group, dir.resolve("q.sock"), new ObjectMapper(), Duration.ofSeconds(5))
          .get(10, TimeUnit.SECONDS);
      assertThat(new PciPathResolver(c, Duration.ofSeconds(5)).resolve("vblk0").toString()).isEqualTo("02/00");
      peer.awaitDone();
      c.close();
    }
  }

  @Test
  void missingAddrIsAnError() throws Exception {
    try (PciWalkScripts.Peer peer = new PciWalkScripts.Peer(dir.resolve("q.sock"))
        .expect("{\"execute\":\"qmp_capabilities\"}", OK)
        .expect(get("x", "addr"), "{\"return\": \"weird\", \"id\": ${id}}")
        .start()) {
      QmpClient c = QmpClient.connect(group, dir.resolve("q.sock"), new ObjectMapper(), Duration.ofSeconds(5))
          .get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> new PciPathResolver(c, Duration.ofSeconds(5)).resolve("x"))
          .hasMessageContaining("no PCI addr");
      peer.awaitDone();
      c.close();
    }
  }
}
