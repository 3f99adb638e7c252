package capsa.vsock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Plays the VMM side of a hybrid vsock socket on a real Unix socket, one scripted reply per connection: reads the
 * {@code CONNECT <port>} line, records it, then answers as {@link Script} says. With {@link Script#OK_THEN_ECHO} it
 * answers {@code OK <n>\n} and echoes every byte after that, standing in for a guest listener.
 */
final class ScriptedHybridVsockPeer implements AutoCloseable {

  enum Script {
    OK_THEN_ECHO,
    REFUSE,
    SILENT
  }

  private final ServerSocketChannel server;
  private final Path socket;
  private final Script script;
  private final List<String> requestLines = new CopyOnWriteArrayList<>();
  private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  ScriptedHybridVsockPeer(Path socket, Script script) throws IOException {
    this.socket = socket;
    this.script = script;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    acceptor = new Thread(this::acceptLoop, "scripted-hvsock-peer");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The request lines received so far, without their newline. */
  List<String> requestLines() {
    return requestLines;
  }

  private void acceptLoop() {
    try {
      while (true) {
        SocketChannel client = server.accept();
        accepted.add(client);
        Thread t = new Thread(() -> serve(client), "scripted-hvsock-conn");
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException closed) {
      // close() closed the server socket: done.
    }
  }

  private void serve(SocketChannel client) {
    try (InputStream in = Channels.newInputStream(client);
        OutputStream out = Channels.newOutputStream(client)) {
      String line = readLine(in);
      if (line == null) {
        return;
      }
      requestLines.add(line);
      switch (script) {
        case OK_THEN_ECHO -> {
          out.write("OK 1073741824\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          in.transferTo(out);
        }
        case REFUSE -> out.write("ERR no listener\n".getBytes(StandardCharsets.US_ASCII));
        case SILENT -> in.transferTo(OutputStream.nullOutputStream());
      }
    } catch (IOException ignored) {
      // The host side went away; nothing to report.
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        return line.toString(StandardCharsets.US_ASCII);
      }
      line.write(b);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel c : accepted) {
      c.close();
    }
    Files.deleteIfExists(socket);
  }
}
