package capsa.shim.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a process's exit waits for before it is published, so that containerd sees events in the order runc's shim
 * sends them:
 *
 * <ul>
 *   <li>an init exits after every exec of its container that is still running (their pid namespace dies with the
 *       init, so their exits follow at once; CRI and ctr expect the execs' exits first);
 *   <li>an init killed by SIGKILL in a memory-limited container waits briefly for the agent's OOM report, so the
 *       TaskOOM event precedes TaskExit and CRI can give the exit its reason {@code OOMKilled}.
 * </ul>
 *
 * Both waits are bounded: a lost report never holds an exit back for long.
 */
final class ExitBarrier {

    /** How long an init's exit waits for its execs' exits. */
    static final Duration EXECS = Duration.ofSeconds(10);
    /** How long a SIGKILLed init waits for an OOM report (the agent polls memory.events every 250 ms). */
    static final Duration OOM = Duration.ofSeconds(2);
    private static final int SIGKILL_STATUS = 128 + 9;

    private ExitBarrier() {}

    /** Computed on the lifecycle thread; the returned future is waited on outside it. Never fails. */
    static CompletableFuture<Void> before(Container c, TaskProcess p, int status) {
        if (c == null || !p.isInit()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<?>> waits = new ArrayList<>();
        List<CompletableFuture<?>> execs = new ArrayList<>();
        for (TaskProcess e : c.execs()) {
            if (e.state() instanceof ProcessState.Running) {
                execs.add(e.exit());
            }
        }
        if (!execs.isEmpty()) {
            waits.add(CompletableFuture.allOf(execs.toArray(CompletableFuture[]::new))
                    .completeOnTimeout(null, EXECS.toMillis(), TimeUnit.MILLISECONDS));
        }
        if (status == SIGKILL_STATUS && c.memoryLimited()) {
            waits.add(c.oomKilled().copy().completeOnTimeout(null, OOM.toMillis(), TimeUnit.MILLISECONDS));
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).handle((v, e) -> null);
    }
}
