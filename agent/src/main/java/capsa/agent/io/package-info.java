/**
 * Container stdio: native pipes or a pty master received from runc's console socket, pumped into bounded
 * {@link capsa.agent.io.OutputBuffer}s that long-poll readers drain, plus stdin sinks.
 *
 * <p>Threading: one daemon pump thread per output stream blocks in read(2) and, when the buffer is full, in
 * {@code OutputBuffer.write} (backpressure). Readers get futures and never block. Stdin writes block the calling
 * (blocking-executor) thread.
 */
package capsa.agent.io;
