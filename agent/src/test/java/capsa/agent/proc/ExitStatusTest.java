package capsa.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitStatusTest {
  @Test
  void decodesWaitStatusWords() {
    assertThat(ExitStatus.fromWaitStatus(0).shellStatus()).isZero();
    assertThat(ExitStatus.fromWaitStatus(3 << 8).shellStatus()).isEqualTo(3);
    assertThat(ExitStatus.fromWaitStatus(9).shellStatus()).isEqualTo(137);
    assertThat(ExitStatus.fromWaitStatus(15 | 0x80).shellStatus()).as("core dumped").isEqualTo(143);
  }
}
