package capsa.shim.sandbox;

/**
 * One entry of Pids: the host pid standing for a guest process (the VM's), and the exec id when the process is an
 * exec (empty for the container's init).
 */
public record ProcessPid(int pid, String execId) {}
