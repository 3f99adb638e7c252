package capsa.agent.channel;

import java.io.IOException;

/** The host side of one agent connection as a byte stream: a vsock socket or the virtio-serial device. */
interface ByteLink extends AutoCloseable {

  /** Blocks until bytes arrive; returns 0 at end of stream (host gone) or after {@link #abort()}. */
  int read(byte[] buf) throws IOException;

  void write(byte[] buf, int len) throws IOException;

  /** Makes a blocked {@link #read} return 0 and later writes fail: the ttrpc side went away. */
  void abort();

  @Override
  void close();
}
