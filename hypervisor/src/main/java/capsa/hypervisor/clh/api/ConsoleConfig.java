package capsa.hypervisor.clh.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/** Where the serial port or the virtio console goes. {@code file} is required for {@link Mode#FILE}. */
public record ConsoleConfig(Mode mode, String file, String socket) {

  public ConsoleConfig {
    Objects.requireNonNull(mode, "mode");
    if (mode == Mode.FILE && file == null) {
      throw new IllegalArgumentException("Console mode File needs a file");
    }
    if (mode == Mode.SOCKET && socket == null) {
      throw new IllegalArgumentException("Console mode Socket needs a socket");
    }
  }

  public static ConsoleConfig off() {
    return new ConsoleConfig(Mode.OFF, null, null);
  }

  public static ConsoleConfig toFile(String file) {
    return new ConsoleConfig(Mode.FILE, file, null);
  }

  /** Console modes, spelled as Cloud Hypervisor spells them. */
  public enum Mode {
    @JsonProperty("Off") OFF,
    @JsonProperty("Pty") PTY,
    @JsonProperty("Tty") TTY,
    @JsonProperty("File") FILE,
    @JsonProperty("Socket") SOCKET,
    @JsonProperty("Null") NULL
  }
}
