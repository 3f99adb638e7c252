package capsa.hypervisor.qemu.qmp;

import capsa.hypervisor.qemu.qmp.QmpCommands.Done;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QMP client over one Unix-socket connection: reads the greeting, negotiates capabilities, then runs commands
 * correlated by {@code id} (many may be in flight) and hands events to listeners.
 *
 * <p>Wire: one JSON object per line ({@link LineBasedFrameDecoder}, QEMU ends lines with CRLF); we send
 * {@code {"execute":..,"arguments":..,"id":<n>}\n}. Replies {@code {"return":..,"id":n}} or
 * {@code {"error":{"class":..,"desc":..},"id":n}}; events {@code {"event":..,"data":..,"timestamp":..}} may interleave
 * anywhere, even before the greeting.
 *
 * <p>Threading: commands may be issued from any thread; replies complete futures and listeners run on the channel's
 * event loop, so listeners and future callbacks must not block. Losing the connection fails every pending command with
 * {@link QmpConnectionException}.
 */
public final class QmpClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QmpClient.class);
  /** QEMU's replies are small; 1 MiB bounds a broken peer (query-pci on a big machine is ~100 KiB). */
  static final int MAX_LINE_BYTES = 1 << 20;

  private final ObjectMapper mapper;
  private final Duration defaultTimeout;
  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
  /** device_del calls waiting for their event; failed when the connection drops. */
  private final java.util.Set<CompletableFuture<Done>> pendingDeletes = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<QmpGreeting> greeting = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile Channel channel;

  private record Pending(String command, CompletableFuture<JsonNode> result) {}

  private QmpClient(ObjectMapper mapper, Duration defaultTimeout) {
    this.mapper = mapper;
    this.defaultTimeout = defaultTimeout;
  }

  /**
   * One connection attempt: connects, waits for the greeting and negotiates capabilities.
   *
   * @param group an epoll event loop group (the caller owns it)
   * @param timeout bound for connect + greeting + {@code qmp_capabilities}, and the default per-command timeout
   */
  public static CompletableFuture<QmpClient> connect(
      EventLoopGroup group, Path socket, ObjectMapper mapper, Duration timeout) {
    QmpClient client = new QmpClient(mapper, timeout);
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(EpollDomainSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            client.channel = ch;
            ch.pipeline().addLast("qmp-lines", new LineBasedFrameDecoder(MAX_LINE_BYTES));
            ch.pipeline().addLast("qmp", new QmpInboundHandler(client));
          }
        });
    CompletableFuture<QmpClient> ready = new CompletableFuture<>();
    ChannelFuture cf = b.connect(new DomainSocketAddress(socket.toFile()));
    cf.addListener(f -> {
      if (!f.isSuccess()) {
        ready.completeExceptionally(new QmpConnectionException("Cannot connect to QMP socket " + socket, f.cause()));
        return;
      }
      ScheduledFuture<?> timer = cf.channel().eventLoop().schedule(() -> {
        if (ready.completeExceptionally(new QmpTimeoutException(
            "QMP at " + socket + " sent no greeting or capabilities reply within " + timeout))) {
          cf.channel().close();
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      client.greeting
          .thenCompose(g -> client.execute(new QmpCommands.QmpCapabilities(), timeout))
          .whenComplete((ok, err) -> {
            timer.cancel(false);
            if (err != null) {
              ready.completeExceptionally(unwrap(err));
              cf.channel().close();
            } else {
              ready.complete(client);
            }
          });
    });
    return ready;
  }

  /** The greeting QEMU sent (available once {@link #connect} completed). */
  public QmpGreeting greeting() {
    return greeting.getNow(null);
  }

  /** Runs a command with the default timeout. */
  public <R> CompletableFuture<R> execute(QmpCommand<R> command) {
    return execute(command, defaultTimeout);
  }

  /**
   * Sends a command; the future completes with its decoded result, or fails with {@link QmpException} (QEMU's error),
   * {@link QmpTimeoutException} or {@link QmpConnectionException}.
   */
  public <R> CompletableFuture<R> execute(QmpCommand<R> command, Duration timeout) {
    long n = nextId.getAndIncrement();
    String key = Long.toString(n);
    ObjectNode msg = mapper.createObjectNode().put("execute", command.name());
    command.arguments(mapper.getNodeFactory()).ifPresent(a -> msg.set("arguments", a));
    msg.put("id", n);
    CompletableFuture<JsonNode> raw = new CompletableFuture<>();
    pending.put(key, new Pending(command.name(), raw));
    Channel ch = channel;
    if (closed.isDone() || ch == null) {
      pending.remove(key);
      raw.completeExceptionally(new QmpConnectionException("QMP connection is closed; cannot run " + command.name()));
      return raw.thenApply(command::decode);
    }
    byte[] line;
    try {
      line = (mapper.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      pending.remove(key);
      throw new IllegalArgumentException("Cannot encode QMP command " + command.name(), e);
    }
    ScheduledFuture<?> timer = ch.eventLoop().schedule(
        () -> raw.completeExceptionally(
            new QmpTimeoutException("QMP " + command.name() + " got no answer within " + timeout)),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    raw.whenComplete((r, t) -> {
      timer.cancel(false);
      pending.remove(key);
    });
    LOG.debug("QMP -> {}", msg);
    ch.writeAndFlush(Unpooled.wrappedBuffer(line)).addListener(f -> {
      if (!f.isSuccess()) {
        raw.completeExceptionally(new QmpConnectionException("Cannot send QMP " + command.name(), f.cause()));
      }
    });
    return raw.thenApply(command::decode);
  }

  /**
   * {@code device_del} and wait for the matching {@code DEVICE_DELETED} event (the guest has released the device;
   * QEMU only then frees the id). Fails with {@link QmpTimeoutException} if the event does not come in time.
   */
  public CompletableFuture<Done> deviceDel(String id, Duration timeout) {
    CompletableFuture<Done> deleted = new CompletableFuture<>();
    Consumer<QmpEvent> listener = e -> {
      if ("DEVICE_DELETED".equals(e.name()) && id.equals(e.data().path("device").asText(null))) {
        deleted.complete(Done.DONE);
      }
    };
    // Listen before sending: the event can arrive right behind the reply.
    listeners.add(listener);
    Channel ch = channel;
    ScheduledFuture<?> timer = ch == null ? null : ch.eventLoop().schedule(
        () -> deleted.completeExceptionally(
            new QmpTimeoutException("No DEVICE_DELETED for '" + id + "' within " + timeout)),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    pendingDeletes.add(deleted);
    if (closed.isDone()) {
      deleted.completeExceptionally(
          new QmpConnectionException("QMP connection closed before DEVICE_DELETED for '" + id + "'"));
    }
    execute(new QmpCommands.DeviceDel(id), timeout).whenComplete((ok, err) -> {
      if (err != null) {
        deleted.completeExceptionally(unwrap(err));
      }
    });
    return deleted.whenComplete((r, t) -> {
      pendingDeletes.remove(deleted);
      listeners.remove(listener);
      if (timer != null) {
        timer.cancel(false);
      }
    });
  }

  /** Adds an event listener (runs on the event loop; must not block). Returns a handle that removes it. */
  public AutoCloseable addEventListener(Consumer<QmpEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Completes when the connection is gone (QEMU exited or {@link #close()}). */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** Closes the connection; pending commands fail. Does not stop QEMU. */
  @Override
  public void close() {
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  // ---- called by QmpInboundHandler on the event loop ----

  void onMessage(JsonNode m) {
    LOG.debug("QMP <- {}", m);
    if (m.has("QMP")) {
      greeting.complete(parseGreeting(m.get("QMP")));
    } else if (m.has("event")) {
      JsonNode ts = m.path("timestamp");
      QmpEvent e = new QmpEvent(m.get("event").asText(), m.path("data"),
          Instant.ofEpochSecond(ts.path("seconds").asLong(), ts.path("microseconds").asLong() * 1000));
      for (Consumer<QmpEvent> l : listeners) {
        try {
          l.accept(e);
        } catch (RuntimeException ex) {
          LOG.warn("QMP event listener failed on {}", e.name(), ex);
        }
      }
    } else if (m.has("return") || m.has("error")) {
      JsonNode id = m.get("id");
      Pending p = id == null ? null : pending.get(id.asText());
      if (p == null) {
        // QEMU answers a line it could not parse with an id-less error; nothing to correlate it with.
        LOG.warn("QMP reply matches no pending command: {}", m);
        return;
      }
      if (m.has("error")) {
        JsonNode err = m.get("error");
        p.result().completeExceptionally(
            new QmpException(p.command(), err.path("class").asText(), err.path("desc").asText()));
      } else {
        p.result().complete(m.get("return"));
      }
    } else {
      LOG.warn("Unrecognised QMP message ignored: {}", m);
    }
  }

  void onClosed() {
    QmpConnectionException gone = new QmpConnectionException("QMP connection closed");
    greeting.completeExceptionally(gone);
    // Mark closed first: execute()/deviceDel() register, then check closed, so each waiter is failed either here
    // (registered before) or by its own check (registered after).
    closed.complete(null);
    for (Pending p : new ArrayList<>(pending.values())) {
      p.result().completeExceptionally(
          new QmpConnectionException("QMP connection closed while " + p.command() + " was pending"));
    }
    for (CompletableFuture<Done> d : new ArrayList<>(pendingDeletes)) {
      d.completeExceptionally(new QmpConnectionException("QMP connection closed before DEVICE_DELETED"));
    }
  }

  ObjectMapper mapper() {
    return mapper;
  }

  private static QmpGreeting parseGreeting(JsonNode qmp) {
    JsonNode v = qmp.path("version").path("qemu");
    List<String> caps = new ArrayList<>();
    qmp.path("capabilities").forEach(c -> caps.add(c.asText()));
    return new QmpGreeting(v.path("major").asInt(), v.path("minor").asInt(), v.path("micro").asInt(),
        qmp.path("version").path("package").asText(""), caps);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Test hook: the channel in use. */
  Channel channel() {
    return channel;
  }

  /** Helper for callers: the raw byte buffer is parsed here so the handler stays trivial. */
  JsonNode parse(ByteBuf line) throws java.io.IOException {
    return mapper.readTree(new io.netty.buffer.ByteBufInputStream(line));
  }
}
