package capsa.shim.rootfs;

import java.util.List;
import java.util.Objects;

/** One of containerd's rootfs mounts ({@code containerd.types.Mount}), as a value. */
public record RootfsMount(String type, String source, List<String> options) {

    public RootfsMount {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        options = List.copyOf(options);
    }
}
