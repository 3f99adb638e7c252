package capsa.hypervisor;

import static capsa.hypervisor.VmState.PAUSED;
import static capsa.hypervisor.VmState.RUNNING;
import static capsa.hypervisor.VmState.STARTING;
import static capsa.hypervisor.VmState.STOPPED;
import static capsa.hypervisor.VmState.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class VmStateTest {

  /** The expected table, written independently of the switch in VmState. */
  private static final Set<String> ALLOWED = Set.of(
      "STARTING>RUNNING", "STARTING>STOPPING", "STARTING>STOPPED",
      "RUNNING>PAUSED", "RUNNING>STOPPING", "RUNNING>STOPPED",
      "PAUSED>RUNNING", "PAUSED>STOPPING", "PAUSED>STOPPED",
      "STOPPING>STOPPED");

  @Test
  void everyPairMatchesTheTable() {
    int checked = 0;
    for (VmState from : VmState.values()) {
      for (VmState to : VmState.values()) {
        boolean expected = ALLOWED.contains(from + ">" + to);
        assertThat(VmState.validTransition(from, to)).as(from + " -> " + to).isEqualTo(expected);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(25);
  }

  @Test
  void onlyStoppedIsTerminal() {
    assertThat(STOPPED.isTerminal()).isTrue();
    for (VmState s : new VmState[] {STARTING, RUNNING, PAUSED, STOPPING}) {
      assertThat(s.isTerminal()).isFalse();
    }
  }
}
