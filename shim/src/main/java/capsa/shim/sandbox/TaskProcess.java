package capsa.shim.sandbox;

import capsa.shim.io.ProcessIo;
import capsa.shim.io.StdioPaths;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One process of a container: its id (the container id for init), stdio and state. Mutated only on the sandbox's
 * lifecycle thread; {@link #exit()} may be awaited from anywhere.
 */
final class TaskProcess {

    private final String containerId;
    private final String id;
    private final StdioPaths stdio;
    private final Optional<capsa.proto.oci.Process> execSpec;
    private final CompletableFuture<ProcessState.Exited> exit = new CompletableFuture<>();
    private volatile ProcessState state = new ProcessState.Created();
    private ProcessIo io;
    private boolean waiting;

    TaskProcess(String containerId, String id, StdioPaths stdio, Optional<capsa.proto.oci.Process> execSpec) {
        this.containerId = containerId;
        this.id = id;
        this.stdio = stdio;
        this.execSpec = execSpec;
    }

    String containerId() {
        return containerId;
    }

    /** The process id: the container id for init, else the exec id. */
    String id() {
        return id;
    }

    boolean isInit() {
        return id.equals(containerId);
    }

    /** What the agent calls the process: the container id for init (its exec id), else the exec id. */
    String agentExecId() {
        return id;
    }

    StdioPaths stdio() {
        return stdio;
    }

    Optional<capsa.proto.oci.Process> execSpec() {
        return execSpec;
    }

    ProcessState state() {
        return state;
    }

    void moveTo(ProcessState next) {
        if (!ProcessState.allowed(state, next)) {
            throw new IllegalStateException("process " + id + ": " + state + " → " + next);
        }
        state = next;
        if (next instanceof ProcessState.Exited e) {
            exit.complete(e);
        }
    }

    CompletableFuture<ProcessState.Exited> exit() {
        return exit;
    }

    Optional<ProcessIo> io() {
        return Optional.ofNullable(io);
    }

    void io(ProcessIo io) {
        this.io = io;
    }

    /** True the first time: the caller starts the WaitProcess long poll. */
    boolean startWaiting() {
        if (waiting) {
            return false;
        }
        waiting = true;
        return true;
    }
}
