package capsa.shim.sandbox;

import capsa.hypervisor.spec.SharedFs;
import capsa.proto.agent.Storage;
import capsa.shim.spec.GuestPaths;
import java.util.List;

/** The storages every sandbox gets in {@code CreateSandbox}. */
final class SandboxStorages {

    private SandboxStorages() {}

    /** The 9p share where the guest finds container rootfs, and the sandbox's own shm (Kata's layout). */
    static List<Storage> all() {
        return List.of(
                Storage.newBuilder().setDriver("9p").setSource(SharedFs.KATA_TAG)
                        .setFstype("9p").addOptions("trans=virtio").addOptions("version=9p2000.L")
                        .addOptions("msize=262144").setMountPoint(GuestPaths.SHARED_CONTAINERS).setShared(true)
                        .build(),
                Storage.newBuilder().setDriver("ephemeral").setSource("shm").setFstype("tmpfs")
                        .addOptions("noexec").addOptions("nosuid").addOptions("nodev").addOptions("mode=1777")
                        .addOptions("size=67108864").setMountPoint(GuestPaths.SANDBOX_SHM).setShared(true)
                        .build());
    }
}
