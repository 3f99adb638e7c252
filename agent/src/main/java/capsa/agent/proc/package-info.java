/**
 * Native process spawning and reaping: {@link capsa.agent.proc.ProcessLauncher} starts runc and friends through
 * posix_spawn(3) and owns every child status (the agent is PID 1 or a child subreaper), dispatching exits by pid.
 *
 * <p>Threading: one reaper thread per JVM blocks in waitid(2); exit futures are completed on the common pool, so
 * their callbacks may block briefly but must not assume a thread.
 */
package capsa.agent.proc;
