/**
 * Stdio of one container process: copies the agent's output long polls ({@code ReadStdout}/{@code ReadStderr})
 * into containerd's FIFOs, closing each writer as soon as the process's stream ends (clients wait for that EOF
 * before they Delete), and containerd's stdin FIFO into {@code WriteStdin}, ending with {@code CloseStdin} on
 * CloseIO.
 *
 * <p>Threading: FIFO opens, reads and writes block, so they run on the blocking executor passed in; agent calls are
 * asynchronous. Never on an event loop.
 */
package capsa.shim.io;
