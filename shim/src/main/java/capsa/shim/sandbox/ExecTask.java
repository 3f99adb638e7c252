package capsa.shim.sandbox;

import capsa.proto.oci.Process;
import capsa.shim.io.StdioPaths;
import java.util.Objects;

/** An Exec request, converted at the edge. */
public record ExecTask(String containerId, String execId, StdioPaths stdio, Process process) {

    public ExecTask {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(execId, "execId");
        Objects.requireNonNull(stdio, "stdio");
        Objects.requireNonNull(process, "process");
    }
}
