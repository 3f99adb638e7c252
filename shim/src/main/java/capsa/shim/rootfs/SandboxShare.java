package capsa.shim.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * One sandbox's host share: {@code <dir>} is exported to the VM (9p tag {@code kataShared}, seen in the guest at
 * {@code /run/kata-containers/shared/containers}); container rootfs and bind volumes are bind-mounted below it.
 * Also mounts containerd's rootfs mounts onto {@code <bundle>/rootfs}.
 *
 * <p>Not thread-safe: the sandbox's lifecycle thread owns it. {@link #close()} unmounts everything and removes the
 * directory.
 */
public final class SandboxShare implements AutoCloseable {

    private final Path dir;
    private final Mounter mounter;

    private SandboxShare(Path dir, Mounter mounter) {
        this.dir = dir;
        this.mounter = mounter;
    }

    /** Creates {@code dir} (and parents). */
    public static SandboxShare create(Path dir, Mounter mounter) throws IOException {
        Files.createDirectories(dir);
        return new SandboxShare(dir, mounter);
    }

    public Path dir() {
        return dir;
    }

    /** Mounts containerd's rootfs mounts in order on {@code rootfs}; on failure undoes what it mounted. */
    public void mountRootfs(List<RootfsMount> mounts, Path rootfs) throws IOException {
        Files.createDirectories(rootfs);
        try {
            for (RootfsMount m : mounts) {
                mounter.mount(m.type(), m.source(), rootfs, m.options());
            }
        } catch (IOException e) {
            mounter.unmountAll(rootfs);
            throw e;
        }
    }

    /** Bind-mounts {@code rootfs} to {@code <dir>/<cid>/rootfs}. */
    public void shareRootfs(String cid, Path rootfs) throws IOException {
        Path target = dir.resolve(cid).resolve("rootfs");
        Files.createDirectories(target);
        mounter.bind(rootfs, target, false);
    }

    /**
     * Bind-mounts a volume's host {@code source} (file or directory) to {@code <dir>/<cid>-<16 hex>-<basename>}.
     *
     * @return the name below the share root
     */
    public String shareVolume(String cid, Path source, boolean readOnly) throws IOException {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        String base = source.getFileName() == null ? "root" : source.getFileName().toString();
        String name = cid + "-" + HexFormat.of().formatHex(random) + "-" + base;
        Path target = dir.resolve(name);
        if (Files.isDirectory(source)) {
            Files.createDirectories(target);
        } else {
            Files.createFile(target);
        }
        mounter.bind(source, target, readOnly);
        return name;
    }

    /** Unmounts and removes everything of container {@code cid} in the share. */
    public void unshare(String cid) throws IOException {
        List<Path> mine = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> {
                String n = p.getFileName().toString();
                return n.equals(cid) || n.startsWith(cid + "-");
            }).forEach(mine::add);
        }
        for (Path p : mine) {
            removeTree(p);
        }
    }

    /** Unmounts the container rootfs mounts on {@code <bundle>/rootfs}. */
    public void unmountRootfs(Path rootfs) throws IOException {
        mounter.unmountAll(rootfs);
    }

    @Override
    public void close() throws IOException {
        if (Files.exists(dir)) {
            removeTree(dir);
        }
    }

    /** Unmounts every mount at or below {@code p} (deepest first), then deletes the tree without crossing mounts. */
    private void removeTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        // From the mount table, not by walking: a walk would descend into every bound container rootfs.
        List<String> all = MountTable.mountPointsUnder(p.toRealPath().toString());
        for (String mp : all) {
            mounter.unmountAll(Path.of(mp));
        }
        if (MountTable.anyMountUnder(p.toRealPath().toString())) {
            throw new IOException("mounts remain under " + p + "; not deleting it");
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
