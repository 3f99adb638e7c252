package capsa.hypervisor.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A QMP server that plays a fixed script on a real Unix socket: sends the greeting, then for each step reads one
 * command line, checks {@code execute}/{@code arguments} against the expectation (the {@code id} is free) and writes
 * canned reply/event lines. {@code ${id}} in a reply is the current command's id, {@code ${id:N}} the id of the N-th
 * command received. Lines end in CRLF like QEMU's.
 */
final class ScriptedQmpPeer implements AutoCloseable {

  /** Verbatim greeting of QEMU 7.2 on Debian 12 (dev-machine.md §7). */
  static final String REAL_GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
      + " \"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, \"capabilities\": [\"oob\"]}}";

  private sealed interface Step permits Expect, Send, CloseConnection {}

  private record Expect(String expectedJson, List<String> replies) implements Step {}

  private record Send(List<String> lines) implements Step {}

  private record CloseConnection() implements Step {}

  private final ObjectMapper mapper = new ObjectMapper();
  private final Path socket;
  private final List<String> preGreeting = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private final List<String> received = Collections.synchronizedList(new ArrayList<>());
  private final List<String> ids = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
  private String greeting = REAL_GREETING;
  private ServerSocketChannel server;
  private Thread thread;

  ScriptedQmpPeer(Path socket) {
    this.socket = socket;
  }

  ScriptedQmpPeer beforeGreeting(String line) {
    preGreeting.add(line);
    return this;
  }

  ScriptedQmpPeer greeting(String line) {
    greeting = line;
    return this;
  }

  /** Expect a command equal (as JSON, ignoring id) to {@code expectedJson}, then send {@code replies}. */
  ScriptedQmpPeer expect(String expectedJson, String... replies) {
    steps.add(new Expect(expectedJson, List.of(replies)));
    return this;
  }

  /** Send lines unprompted (events, late replies). */
  ScriptedQmpPeer send(String... lines) {
    steps.add(new Send(List.of(lines)));
    return this;
  }

  /** Drop the connection (QEMU died). */
  ScriptedQmpPeer closeConnection() {
    steps.add(new CloseConnection());
    return this;
  }

  ScriptedQmpPeer start() throws IOException {
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    thread = new Thread(this::run, "scripted-qmp-peer");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void run() {
    try (SocketChannel conn = server.accept()) {
      OutputStream out = Channels.newOutputStream(conn);
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(conn),
          StandardCharsets.UTF_8));
      for (String l : preGreeting) {
        write(out, l);
      }
      write(out, greeting);
      for (Step s : steps) {
        if (s instanceof Send) {
          for (String l : ((Send) s).lines()) {
            write(out, subst(l, null));
          }
        } else if (s instanceof CloseConnection) {
          done.complete(null);
          return;
        } else {
          Expect e = (Expect) s;
          String line = in.readLine();
          if (line == null) {
            throw new AssertionError("Connection closed while expecting " + e.expectedJson());
          }
          received.add(line);
          ObjectNode got = (ObjectNode) mapper.readTree(line);
          JsonNode id = got.remove("id");
          ids.add(id == null ? "null" : id.toString());
          JsonNode want = mapper.readTree(e.expectedJson());
          if (!want.equals(got)) {
            throw new AssertionError("Expected " + want + " but got " + got);
          }
          for (String r : e.replies()) {
            write(out, subst(r, id == null ? "null" : id.toString()));
          }
        }
      }
      done.complete(null);
      // Keep the connection open like a live QEMU until the test closes the peer.
      release.await();
    } catch (Throwable t) {
      done.completeExceptionally(t);
    }
  }

  private String subst(String template, String currentId) {
    String s = template;
    if (currentId != null) {
      s = s.replace("${id}", currentId);
    }
    for (int i = 0; i < ids.size(); i++) {
      s = s.replace("${id:" + i + "}", ids.get(i));
    }
    return s;
  }

  private static void write(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Raw command lines received, in order. */
  List<String> received() {
    return List.copyOf(received);
  }

  /** Waits until the script ran to its end; rethrows the first mismatch. */
  void awaitDone() throws Exception {
    done.get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException {
    release.countDown();
    if (server != null) {
      server.close();
    }
    Files.deleteIfExists(socket);
  }
}
