package capsa.shim.spec;

/** Where things are inside the guest (Kata's layout, which the agent and the guest {@code /init} share). */
public final class GuestPaths {

    /** The 9p share {@code kataShared} is mounted here; {@code <cid>/rootfs} below it is a container's root. */
    public static final String SHARED_CONTAINERS = "/run/kata-containers/shared/containers";

    /** Sandbox-local directory ({@code shm}, ephemeral storage). */
    public static final String SANDBOX = "/run/kata-containers/sandbox";

    /** The sandbox's shared {@code /dev/shm}. */
    public static final String SANDBOX_SHM = SANDBOX + "/shm";

    private GuestPaths() {}

    /** The guest path of container {@code cid}'s rootfs on the share. */
    public static String rootfs(String cid) {
        return SHARED_CONTAINERS + "/" + cid + "/rootfs";
    }

    /** The guest path of something shared under {@code name} directly below the share root. */
    public static String shared(String name) {
        return SHARED_CONTAINERS + "/" + name;
    }
}
