package capsa.shim.sandbox;

import capsa.proto.oci.Spec;
import capsa.shim.io.StdioPaths;
import capsa.shim.rootfs.RootfsMount;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A Create request, converted at the edge.
 *
 * @param spec the bundle's {@code config.json}, already read
 */
public record CreateTask(String id, Path bundle, List<RootfsMount> rootfs, StdioPaths stdio, Spec spec) {

    public CreateTask {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bundle, "bundle");
        rootfs = List.copyOf(rootfs);
        Objects.requireNonNull(stdio, "stdio");
        Objects.requireNonNull(spec, "spec");
    }
}
