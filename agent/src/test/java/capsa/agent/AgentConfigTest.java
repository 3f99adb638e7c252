package capsa.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
  @TempDir Path tmp;

  @Test
  void argsBeatEnvBeatKernelCommandLine() throws Exception {
    Path cmdline = tmp.resolve("cmdline");
    Files.writeString(cmdline, "console=ttyS0 agent.log=debug agent.runc=/k/runc agent.debug_console agent.unknown=1 agent.channel=serial\n");
    AgentConfig c =
        AgentConfig.load(new String[] {"--runc=/arg/runc"}, Map.of("CAPSA_AGENT_LOG", "warn", "HOME", "/"), cmdline);
    assertThat(c.logLevel()).isEqualTo("warn");
    assertThat(c.runc()).isEqualTo(Path.of("/arg/runc"));
    assertThat(c.channels()).containsExactly("serial");
    assertThat(c.vsockPort()).isEqualTo(1024);
    assertThat(c.serialName()).isEqualTo("agent.channel.0");
  }

  @Test
  void unknownArgumentIsAnError() {
    assertThatThrownBy(() -> AgentConfig.load(new String[] {"--bogus=1"}, Map.of(), tmp.resolve("none")))
        .hasMessageContaining("bogus");
  }
}
