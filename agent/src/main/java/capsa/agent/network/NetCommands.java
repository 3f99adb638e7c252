package capsa.agent.network;

import java.util.List;

/** Runs {@code ip ARGS} or {@code arp ARGS} to completion and returns stdout; failures are agent errors. */
public interface NetCommands {

  /** @throws capsa.agent.AgentException.Internal naming the command and what it printed */
  String ip(List<String> args);

  String arp(List<String> args);
}
