package capsa.shim.sandbox;

import capsa.shim.io.StdioPaths;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What State reports about one process.
 *
 * @param execId empty for init
 * @param exit present once the process exited
 */
public record ProcessSnapshot(
        String id,
        String execId,
        Path bundle,
        int pid,
        ContainerState status,
        StdioPaths stdio,
        Optional<ProcessState.Exited> exit) {}
