package capsa.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class ConsoleLoggerTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ConsoleLoggerFactory factory =
      new ConsoleLoggerFactory(new PrintStream(bytes, true, StandardCharsets.UTF_8), ConsoleLoggerFactory.Threshold.INFO);

  private String out() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesTheAgentLineFormatWithArgumentsAndStackTraces() {
    Logger log = factory.getLogger("capsa.agent.channel.VirtioSerialServer");
    log.info("host connected, sent {} on {}", "READY", "vport0p1");
    log.warn("failed: {}", "x", new IllegalStateException("boom"));
    String thread = Thread.currentThread().getName();
    assertThat(out()).startsWith("capsa-agent INFO  [" + thread + "] VirtioSerialServer: host connected, sent READY on"
        + " vport0p1" + System.lineSeparator() + "capsa-agent WARN  [" + thread + "] VirtioSerialServer: failed: x"
        + System.lineSeparator() + "java.lang.IllegalStateException: boom");
    assertThat(out()).contains("\tat capsa.agent.log.ConsoleLoggerTest.");
  }

  @Test
  void levelIsSharedAndChangeable() {
    Logger log = factory.getLogger("a.B");
    log.debug("hidden");
    assertThat(out()).isEmpty();
    factory.setThreshold(ConsoleLoggerFactory.Threshold.parse("debug"));
    assertThat(factory.getLogger("c.D").isDebugEnabled()).isTrue();
    log.debug("shown");
    assertThat(out()).isEqualTo("capsa-agent DEBUG [" + Thread.currentThread().getName() + "] B: shown"
        + System.lineSeparator());
    assertThat(ConsoleLoggerFactory.Threshold.parse("nonsense")).isEqualTo(ConsoleLoggerFactory.Threshold.INFO);
  }
}
