package capsa.shim.io;

import capsa.shim.agent.GuestAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The stdio copies of one guest process (container init or exec), started when the process starts.
 * {@link #outputDone()} completes once every output stream ended and its FIFO writer is closed.
 */
public final class ProcessIo {

    private final CompletableFuture<Void> outputDone;
    private final Optional<StdinCopier> stdin;

    private ProcessIo(CompletableFuture<Void> outputDone, Optional<StdinCopier> stdin) {
        this.outputDone = outputDone;
        this.stdin = stdin;
    }

    /** Starts copying for process {@code execId} (the container id for init) of container {@code cid}. */
    public static ProcessIo start(StdioPaths paths, GuestAgent agent, String cid, String execId, Executor blocking) {
        String name = cid + (execId.equals(cid) ? "" : "/" + execId);
        List<CompletableFuture<Void>> outputs = new ArrayList<>();
        outputs.add(new OutputCopier(name + " stdout", max -> agent.readStdout(cid, execId, max),
                paths.stdout(), blocking).start());
        if (!paths.terminal()) {
            outputs.add(new OutputCopier(name + " stderr", max -> agent.readStderr(cid, execId, max),
                    paths.stderr(), blocking).start());
        }
        Optional<StdinCopier> stdin = Optional.empty();
        if (!paths.stdin().isEmpty()) {
            StdinCopier copier = new StdinCopier(name + " stdin", paths.stdin(), new StdinSink() {
                @Override
                public CompletableFuture<Integer> write(byte[] data) {
                    return agent.writeStdin(cid, execId, data);
                }

                @Override
                public CompletableFuture<Void> close() {
                    return agent.closeStdin(cid, execId);
                }
            }, blocking);
            copier.start();
            stdin = Optional.of(copier);
        }
        return new ProcessIo(CompletableFuture.allOf(outputs.toArray(CompletableFuture[]::new)), stdin);
    }

    /** Completes when all output has been copied and the FIFO writers are closed. Never fails. */
    public CompletableFuture<Void> outputDone() {
        return outputDone;
    }

    /** CloseIO: EOF to the process's stdin once what the client wrote is delivered. */
    public CompletableFuture<Void> closeStdin() {
        return stdin.map(StdinCopier::closeInput).orElseGet(() -> CompletableFuture.completedFuture(null));
    }

    /** The process is gone: stop reading stdin. Output copies end by themselves. */
    public void stop() {
        stdin.ifPresent(StdinCopier::stop);
    }
}
