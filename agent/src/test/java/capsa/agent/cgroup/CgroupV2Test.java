package capsa.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupV2Test {
  @TempDir Path dir;

  @Test
  void limitsBecomeV2Files() throws Exception {
    CgroupV2 cg = new CgroupV2(dir);
    OptionalLong none = OptionalLong.empty();
    cg.apply(
        new ResourceLimits(
            OptionalLong.of(64 << 20), none, OptionalLong.of(-1), OptionalLong.of(1024), OptionalLong.of(50000),
            OptionalLong.of(100000), OptionalLong.of(100), "0-1", ""));
    assertThat(Files.readString(dir.resolve("memory.max"))).isEqualTo("67108864");
    assertThat(Files.readString(dir.resolve("memory.swap.max"))).isEqualTo("max");
    assertThat(Files.readString(dir.resolve("cpu.weight"))).isEqualTo("39");
    assertThat(Files.readString(dir.resolve("cpu.max"))).isEqualTo("50000 100000");
    assertThat(Files.readString(dir.resolve("pids.max"))).isEqualTo("100");
    assertThat(Files.readString(dir.resolve("cpuset.cpus"))).isEqualTo("0-1");
    assertThat(dir.resolve("cpuset.mems")).doesNotExist();
  }

  @Test
  void sharesToWeightMatchesTheUsualConversion() {
    assertThat(CgroupV2.sharesToWeight(2)).isEqualTo(1);
    assertThat(CgroupV2.sharesToWeight(262144)).isEqualTo(10000);
    assertThat(CgroupV2.sharesToWeight(1024)).isEqualTo(39);
  }

  @Test
  void oomWatcherReportsEachRiseOnce() throws Exception {
    Files.writeString(dir.resolve("memory.events"), "oom 0\noom_kill 0\n");
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
    try (OomWatcher w = new OomWatcher(s, 20)) {
      w.watch("c1", new CgroupV2(dir));
      var first = w.next();
      Files.writeString(dir.resolve("memory.events"), "oom 1\noom_kill 1\n");
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("c1");
      var second = w.next();
      Thread.sleep(200); // several polls with no new kill
      assertThat(second).isNotDone();
      Files.writeString(dir.resolve("memory.events"), "oom 2\noom_kill 2\n");
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("c1");
    } finally {
      s.shutdownNow();
    }
  }
}
