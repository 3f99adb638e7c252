package capsa.agent.proc;

import java.util.concurrent.CompletableFuture;

/** A started child and the future of its exit, completed by the reaper. */
public record Spawned(int pid, CompletableFuture<ExitStatus> exit) {}
