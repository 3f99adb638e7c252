package capsa.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestResourcesTest {
  @TempDir Path sys;

  private void file(String rel, String content) throws Exception {
    Path p = sys.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void onlinesOfflineCpusAndMemoryBlocks() throws Exception {
    file("devices/system/cpu/cpu1/online", "1\n");
    file("devices/system/cpu/cpu2/online", "0\n");
    file("devices/system/cpu/cpu3/online", "0\n");
    file("devices/system/memory/memory5/online", "0\n");
    file("devices/system/memory/block_size_bytes", "8000000\n");
    GuestResources r = new GuestResources(sys);
    assertThat(r.onlineCpus(1)).isEqualTo(1);
    assertThat(Files.readString(sys.resolve("devices/system/cpu/cpu2/online"))).isEqualTo("1");
    assertThat(Files.readString(sys.resolve("devices/system/cpu/cpu3/online"))).isEqualTo("0\n");
    assertThat(r.onlineCpus(0)).isEqualTo(1);
    assertThat(r.onlineMemory()).isEqualTo(1);
    assertThat(r.memoryBlockSize()).isEqualTo(128L << 20);
    assertThat(r.memoryProbeSupported()).isFalse();
  }
}
