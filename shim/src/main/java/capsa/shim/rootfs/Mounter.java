package capsa.shim.rootfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The mount operations the shim needs. */
public interface Mounter {

    /** mount(2) of {@code type} with containerd-style options ({@code ro}, {@code lowerdir=...}, ...). */
    void mount(String type, String source, Path target, List<String> options) throws IOException;

    /** A recursive private bind mount of {@code source} on {@code target}, read-only if asked. */
    void bind(Path source, Path target, boolean readOnly) throws IOException;

    /** Lazily unmounts everything stacked on {@code target}; nothing mounted is fine. */
    void unmountAll(Path target) throws IOException;
}
