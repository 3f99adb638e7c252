package capsa.agent.container;

import capsa.agent.proc.ExitStatus;

/** One container process: running with a guest pid, or exited with a status. */
public sealed interface ProcessState permits ProcessState.Running, ProcessState.Exited {

  record Running(int pid) implements ProcessState {}

  record Exited(int pid, ExitStatus status) implements ProcessState {}
}
