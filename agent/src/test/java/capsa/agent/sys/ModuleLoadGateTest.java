package capsa.agent.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleLoadGateTest {
  @TempDir Path dir;

  @Test
  void waitsWhileTheMarkerExistsAndOpensForGoodWhenItGoes() throws Exception {
    Path marker = Files.createFile(dir.resolve("modules.pending"));
    ModuleLoadGate gate = new ModuleLoadGate(marker, Duration.ofMinutes(2));
    assertThat(gate.pending()).isTrue();
    CompletableFuture<Void> waiter = CompletableFuture.runAsync(gate::await);
    assertThat(waiter).isNotDone();
    Files.delete(marker);
    waiter.get(1, TimeUnit.MINUTES);
    assertThat(gate.pending()).isFalse();
    Files.createFile(marker); // once open, a later marker does not close it again
    assertThat(gate.pending()).isFalse();
    gate.await();
  }

  @Test
  void givesUpAfterTheLimitAndWithoutAMarkerNeverWaits() {
    ModuleLoadGate stuck = new ModuleLoadGate(dir, Duration.ofMillis(50)); // a directory that never goes away
    stuck.await();
    assertThat(stuck.pending()).isFalse();
    ModuleLoadGate none = ModuleLoadGate.none();
    assertThat(none.pending()).isFalse();
    none.await();
  }
}
