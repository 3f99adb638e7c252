package capsa.shim.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transition tables of processes and containers. */
class StateMachinesTest {

    private static final ProcessState CREATED = new ProcessState.Created();
    private static final ProcessState RUNNING = new ProcessState.Running();
    private static final ProcessState EXITED = new ProcessState.Exited(0, Instant.EPOCH);

    @Test
    void processesGoForwardOnly() {
        assertThat(ProcessState.allowed(CREATED, RUNNING)).isTrue();
        assertThat(ProcessState.allowed(CREATED, EXITED)).isTrue();
        assertThat(ProcessState.allowed(RUNNING, EXITED)).isTrue();
        for (ProcessState to : List.of(CREATED, RUNNING, EXITED)) {
            assertThat(ProcessState.allowed(EXITED, to)).as("exited → %s", to).isFalse();
        }
        assertThat(ProcessState.allowed(RUNNING, CREATED)).isFalse();
        assertThat(ProcessState.allowed(RUNNING, RUNNING)).isFalse();
    }

    @Test
    void containersPauseAndResumeAndStopFromAnyLiveState() {
        ContainerState created = new ContainerState.Created();
        ContainerState running = new ContainerState.Running();
        ContainerState paused = new ContainerState.Paused();
        ContainerState stopped = new ContainerState.Stopped();
        assertThat(ContainerState.allowed(created, running)).isTrue();
        assertThat(ContainerState.allowed(created, paused)).isFalse();
        assertThat(ContainerState.allowed(running, paused)).isTrue();
        assertThat(ContainerState.allowed(paused, running)).isTrue();
        for (ContainerState from : List.of(created, running, paused)) {
            assertThat(ContainerState.allowed(from, stopped)).isTrue();
        }
        for (ContainerState to : List.of(created, running, paused, stopped)) {
            assertThat(ContainerState.allowed(stopped, to)).isFalse();
        }
    }

    @Test
    void aProcessCompletesItsExitFutureOnce() {
        TaskProcess p = new TaskProcess("c1", "c1", capsa.shim.io.StdioPaths.none(), java.util.Optional.empty());
        p.moveTo(new ProcessState.Running());
        assertThat(p.exit()).isNotDone();
        p.moveTo(new ProcessState.Exited(3, Instant.EPOCH));
        assertThat(p.exit().join().status()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.moveTo(new ProcessState.Running()))
                .isInstanceOf(IllegalStateException.class);
    }
}
