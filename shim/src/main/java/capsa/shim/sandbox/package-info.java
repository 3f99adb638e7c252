/**
 * One sandbox = one VM: the pod (or single task) whose containers run in it. {@link capsa.shim.sandbox.Sandbox}
 * owns the VM, its agent connection, the host share and the containers; {@link capsa.shim.sandbox.SandboxLauncher}
 * boots a VM and brings its agent up ({@link capsa.shim.sandbox.QemuSandboxLauncher} for real).
 *
 * <p>Threading: every lifecycle change of a sandbox (create, start, exec, kill, delete, exits, the VM's death) runs
 * on that sandbox's {@link capsa.shim.sandbox.SerialExecutor}, one at a time and in submission order, which is also
 * what orders the events (start before exit, exit before delete). Waits never occupy it: they are futures completed
 * by the exit path. The same holds for {@link capsa.shim.sandbox.OomMonitor}'s long poll and the waits of
 * {@link capsa.shim.sandbox.ExitBarrier}: they run outside the executor and submit their results back to it.
 */
package capsa.shim.sandbox;
