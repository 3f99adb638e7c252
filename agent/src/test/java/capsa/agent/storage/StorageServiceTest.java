package capsa.agent.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.agent.AgentException;
import capsa.agent.testing.RecordingMounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageServiceTest {
  @TempDir Path tmp;
  private final RecordingMounter mounter = new RecordingMounter();

  private StorageService service() {
    return new StorageService(
        mounter,
        List.of(
            FsMountHandler.ninep(mounter),
            FsMountHandler.virtioFs(mounter),
            new EphemeralHandler(mounter, tmp.resolve("sandbox")),
            new LocalHandler(),
            new BlockHandler(mounter, new PciPathResolver(tmp.resolve("sys"), tmp.resolve("dev"), Duration.ofMillis(300)))));
  }

  private static StorageRequest req(String driver, String source, String fstype, List<String> options, Path mp) {
    return new StorageRequest(driver, List.of(), source, fstype, options, mp == null ? "" : mp.toString(), false);
  }

  @Test
  void mountOptionsSplitIntoFlagsAndData() {
    MountOptions o = MountOptions.parse(List.of("ro", "nodev,nosuid", "size=64m", "rw", "mode=1777"));
    assertThat(o.flags()).isEqualTo(MountOptions.MS_RDONLY | MountOptions.MS_NODEV | MountOptions.MS_NOSUID);
    assertThat(o.data()).isEqualTo("size=64m,mode=1777");
  }

  @Test
  void virtioFsAndEphemeralAndLocal() throws Exception {
    List<MountedStorage> done =
        service()
            .mountAll(
                List.of(
                    req("virtio-fs", "kataShared", "virtiofs", List.of("dax"), tmp.resolve("shared")),
                    req("ephemeral", "shm", "tmpfs", List.of("noexec", "nosuid", "nodev", "mode=1777", "size=1024"), tmp.resolve("shm")),
                    req("local", "local", "local", List.of("mode=0777"), tmp.resolve("local/vol"))));
    assertThat(mounter.calls())
        .containsExactly(
            new RecordingMounter.Call("mount", "kataShared", tmp.resolve("shared"), "virtiofs", 0, ""),
            new RecordingMounter.Call(
                "mount", "shm", tmp.resolve("shm"), "tmpfs",
                MountOptions.MS_NOEXEC | MountOptions.MS_NOSUID | MountOptions.MS_NODEV, "mode=1777,size=1024"));
    assertThat(Files.isDirectory(tmp.resolve("local/vol"))).isTrue();
    assertThat(Files.getPosixFilePermissions(tmp.resolve("local/vol"))).hasSize(9);
    service().unmountAll(done);
    assertThat(mounter.calls().subList(2, 4)).extracting(RecordingMounter.Call::target)
        .containsExactly(tmp.resolve("shm"), tmp.resolve("shared"));
  }

  @Test
  void unknownDriverIsInvalidArgumentNamingIt() {
    assertThatThrownBy(() -> service().mountAll(List.of(req("nbd", "x", "", List.of(), tmp.resolve("x")))))
        .isInstanceOf(AgentException.InvalidArgument.class)
        .hasMessageContaining("\"nbd\"");
    assertThat(mounter.calls()).isEmpty();
  }

  @Test
  void blkFindsTheDiskBehindAPciPath() throws Exception {
    Path dev = Files.createDirectories(tmp.resolve("sys/devices/pci0000:00/0000:00:02.0/0000:01:01.0/virtio3/block/vdb"));
    assertThat(dev).exists();
    Files.createDirectories(tmp.resolve("dev"));
    Files.createFile(tmp.resolve("dev/vdb"));
    service().mountAll(List.of(req("blk", "02/01", "ext4", List.of("ro"), tmp.resolve("vol"))));
    assertThat(mounter.calls())
        .containsExactly(
            new RecordingMounter.Call("mount", tmp.resolve("dev/vdb").toString(), tmp.resolve("vol"), "ext4", MountOptions.MS_RDONLY, ""));
  }

  @Test
  void blkGivesUpAfterItsTimeout() {
    assertThatThrownBy(() -> service().mountAll(List.of(req("blk", "03", "ext4", List.of(), tmp.resolve("vol")))))
        .isInstanceOf(AgentException.NotFound.class)
        .hasMessageContaining("03");
  }
}
