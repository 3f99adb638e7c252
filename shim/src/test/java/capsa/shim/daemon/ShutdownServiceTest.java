package capsa.shim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ShutdownServiceTest {

    @Test
    void callbacksRunOnceNewestFirstEvenWhenOneFails() throws Exception {
        ShutdownService shutdown = new ShutdownService();
        List<String> ran = new CopyOnWriteArrayList<>();
        shutdown.registerCallback("threads", () -> ran.add("threads"));
        shutdown.registerCallback("broken", () -> {
            ran.add("broken");
            throw new IllegalStateException("boom");
        });
        shutdown.registerCallback("socket", () -> ran.add("socket"));

        assertThat(shutdown.awaitShutdownRequest(1)).isFalse();
        shutdown.requestShutdown("test");
        assertThat(shutdown.awaitShutdownRequest(1)).isTrue();
        shutdown.runCallbacks();
        shutdown.runCallbacks();

        assertThat(ran).containsExactly("socket", "broken", "threads");
        assertThat(shutdown.awaitCallbacksFinished(1)).isTrue();
    }

    @Test
    void lateRegistrationRunsAtOnce() {
        ShutdownService shutdown = new ShutdownService();
        shutdown.runCallbacks();
        List<String> ran = new CopyOnWriteArrayList<>();

        shutdown.registerCallback("late", () -> ran.add("late"));

        assertThat(ran).containsExactly("late");
    }
}
