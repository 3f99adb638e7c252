package capsa.shim.sandbox;

import capsa.shim.agent.GuestAgent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@code GetOOMEvent} long poll open against the agent for the life of the VM and hands every container id
 * it answers to {@code onOom}. Ends when the connection is lost or {@link #stop()} is called; any other failure is
 * retried after a pause (so an agent that cannot answer does not make us spin).
 */
final class OomMonitor {

    private static final Logger log = LoggerFactory.getLogger(OomMonitor.class);
    static final Duration RETRY = Duration.ofSeconds(1);

    private final GuestAgent agent;
    private final Consumer<String> onOom;
    private volatile boolean stopped;

    OomMonitor(GuestAgent agent, Consumer<String> onOom) {
        this.agent = agent;
        this.onOom = onOom;
    }

    void start() {
        poll();
    }

    void stop() {
        stopped = true;
    }

    private void poll() {
        if (stopped) {
            return;
        }
        agent.getOomEvent().whenComplete((cid, error) -> {
            if (stopped) {
                return;
            }
            if (error == null) {
                log.info("OOM kill in container {}", cid);
                onOom.accept(cid);
                poll();
            } else if (AgentCalls.connectionLost(error)) {
                log.debug("OOM poll ends: {}", AgentCalls.message(error));
            } else {
                log.warn("GetOOMEvent failed ({}); retrying in {}", AgentCalls.message(error), RETRY);
                CompletableFuture.delayedExecutor(RETRY.toMillis(), TimeUnit.MILLISECONDS).execute(this::poll);
            }
        });
    }
}
