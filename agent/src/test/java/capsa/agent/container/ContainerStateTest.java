package capsa.agent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import capsa.agent.AgentException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ContainerStateTest {
  private static final List<ContainerState> ALL =
      List.of(new ContainerState.Created(), new ContainerState.Running(), new ContainerState.Paused(), new ContainerState.Stopped());

  private static void allowedOnly(UnaryOperator<ContainerState> op, Class<?> from, Class<?> to) {
    for (ContainerState s : ALL) {
      if (from.isInstance(s)) {
        assertThat(op.apply(s)).isInstanceOf(to);
      } else {
        assertThatThrownBy(() -> op.apply(s)).isInstanceOf(AgentException.FailedPrecondition.class)
            .hasMessageContaining(s.name());
      }
    }
  }

  @Test
  void everyTransitionPair() {
    allowedOnly(ContainerState::start, ContainerState.Created.class, ContainerState.Running.class);
    allowedOnly(ContainerState::pause, ContainerState.Running.class, ContainerState.Paused.class);
    allowedOnly(ContainerState::resume, ContainerState.Paused.class, ContainerState.Running.class);
    for (ContainerState s : ALL) {
      assertThat(s.initExited()).isInstanceOf(ContainerState.Stopped.class);
    }
    new ContainerState.Running().checkExec();
    assertThatThrownBy(() -> new ContainerState.Stopped().checkExec()).isInstanceOf(AgentException.FailedPrecondition.class);
  }
}
