package capsa.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The agent's knobs. Sources, later ones winning: kernel command line {@code agent.<key>=<value>}, environment
 * {@code CAPSA_AGENT_<KEY>}, program arguments {@code --<key>=<value>}. Unknown keys are an error, except on the
 * kernel command line, which Kata's own agent knobs share.
 *
 * <table>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>log</td><td>info</td><td>log level (trace, debug, info, warn, error)</td></tr>
 *   <tr><td>runc</td><td>/usr/sbin/runc</td><td>runc binary</td></tr>
 *   <tr><td>runc_root</td><td>/run/runc</td><td>runc --root</td></tr>
 *   <tr><td>no_pivot</td><td>false</td><td>runc create --no-pivot (guest / on an initramfs)</td></tr>
 *   <tr><td>channel</td><td>vsock,serial</td><td>which listeners: vsock, serial, unix (comma list)</td></tr>
 *   <tr><td>vsock_port</td><td>1024</td><td>AF_VSOCK port</td></tr>
 *   <tr><td>serial_name</td><td>agent.channel.0</td><td>virtio-serial port name</td></tr>
 *   <tr><td>unix_socket</td><td>/run/capsa/agent.sock</td><td>Unix socket, when channel has unix</td></tr>
 *   <tr><td>cgroup_parent</td><td>/capsa</td><td>parent of container cgroups</td></tr>
 *   <tr><td>output_buffer</td><td>262144</td><td>bytes buffered per unread output stream</td></tr>
 * </table>
 */
public record AgentConfig(
    String logLevel,
    Path runc,
    Path runcRoot,
    boolean noPivot,
    Set<String> channels,
    int vsockPort,
    String serialName,
    Path unixSocket,
    String cgroupParent,
    int outputBuffer) {

  private static final Map<String, String> DEFAULTS =
      Map.of(
          "log", "info",
          "runc", "/usr/sbin/runc",
          "runc_root", "/run/runc",
          "no_pivot", "false",
          "channel", "vsock,serial",
          "vsock_port", "1024",
          "serial_name", "agent.channel.0",
          "unix_socket", "/run/capsa/agent.sock",
          "cgroup_parent", "/capsa",
          "output_buffer", "262144");

  public static AgentConfig defaults() {
    return from(DEFAULTS);
  }

  /** Reads all three sources. */
  public static AgentConfig load(String[] args, Map<String, String> env, Path procCmdline) throws IOException {
    Map<String, String> values = new HashMap<>(DEFAULTS);
    if (Files.exists(procCmdline)) {
      for (String token : Files.readString(procCmdline, StandardCharsets.UTF_8).strip().split("\\s+")) {
        if (token.startsWith("agent.") && token.contains("=")) {
          String key = token.substring(6, token.indexOf('='));
          if (DEFAULTS.containsKey(key)) {
            values.put(key, token.substring(token.indexOf('=') + 1));
          }
        }
      }
    }
    env.forEach(
        (k, v) -> {
          if (k.startsWith("CAPSA_AGENT_")) {
            values.put(known(k.substring(12).toLowerCase(Locale.ROOT)), v);
          }
        });
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("expected --key=value, got " + arg);
      }
      values.put(known(arg.substring(2, arg.indexOf('=')).replace('-', '_')), arg.substring(arg.indexOf('=') + 1));
    }
    return from(values);
  }

  private static String known(String key) {
    if (!DEFAULTS.containsKey(key)) {
      throw new IllegalArgumentException("unknown agent option \"" + key + "\"; known: " + DEFAULTS.keySet());
    }
    return key;
  }

  private static AgentConfig from(Map<String, String> v) {
    return new AgentConfig(
        v.get("log"),
        Path.of(v.get("runc")),
        Path.of(v.get("runc_root")),
        Boolean.parseBoolean(v.get("no_pivot")),
        Set.copyOf(List.of(v.get("channel").split(","))),
        Integer.parseInt(v.get("vsock_port")),
        v.get("serial_name"),
        Path.of(v.get("unix_socket")),
        v.get("cgroup_parent"),
        Integer.parseInt(v.get("output_buffer")));
  }
}
