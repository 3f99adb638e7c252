/**
 * JNA bindings to libc ({@link capsa.agent.sys.LibC}), checked wrappers ({@link capsa.agent.sys.Posix}), owned file
 * descriptors ({@link capsa.agent.sys.Fd}) and machine-wide actions ({@link capsa.agent.sys.SystemControl}).
 *
 * <p>Threading: every call here may block in the kernel; call only from blocking threads (pumps, the reaper, the
 * blocking executor), never from a Netty event loop.
 */
package capsa.agent.sys;
