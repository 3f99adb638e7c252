package capsa.shim.events;

import capsa.proto.containerd.services.events.ttrpc.v1.EventsGrpc;
import capsa.proto.containerd.services.events.ttrpc.v1.ForwardRequest;
import capsa.proto.containerd.types.Envelope;
import capsa.proto.util.AnyCodec;
import capsa.proto.util.TaskTopics;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends task events to containerd's ttrpc {@code containerd.services.events.ttrpc.v1.Events/Forward}, as
 * containerd's own shims do: one {@code Envelope} per event (publish time, namespace, topic, the event in an
 * {@code Any} with a bare type URL) and the {@code containerd-namespace-ttrpc} metadata.
 *
 * <p>Order: one FIFO queue and one worker thread that sends the head and removes it only once containerd accepted
 * it, so events arrive in publish order even across failures. Failures: a call that fails for transport reasons
 * (containerd restarting, a 5 s attempt deadline) is retried on a fresh connection with doubling back-off, for as
 * long as it takes; a call containerd rejects (e.g. {@code InvalidArgument}) is dropped with a warning, since
 * resending cannot help. While containerd is away the queue holds up to {@code queueCapacity} events and then
 * drops the oldest. {@link #close(Duration)} flushes within a deadline.
 *
 * <p>Thread-safe; {@link #publish} never blocks on I/O.
 */
public final class TtrpcEventForwarder implements EventPublisher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TtrpcEventForwarder.class);

    static final Metadata.Key<String> NAMESPACE_KEY =
            Metadata.Key.of("containerd-namespace-ttrpc", Metadata.ASCII_STRING_MARSHALLER);

    /** Codes meaning containerd saw and refused the event: retrying the same bytes cannot succeed. */
    private static final Set<Status.Code> REJECTED = EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS, Status.Code.PERMISSION_DENIED,
            Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE, Status.Code.UNIMPLEMENTED,
            Status.Code.UNAUTHENTICATED);

    private final TtrpcTransport transport;
    private final Path socket;
    private final String namespace;
    private final Clock clock;
    private final ForwarderSettings settings;
    private final Object lock = new Object();
    private final Deque<Envelope> queue = new ArrayDeque<>(); // guarded by lock
    private boolean closing; // guarded by lock
    private long dropped; // guarded by lock
    private final Thread worker;
    private TtrpcClient client; // worker thread only

    /**
     * Starts the worker thread (from {@code threads}); connects lazily on the first event.
     *
     * @param transport event loops for the ttrpc client
     * @param socket containerd's ttrpc socket ({@code TTRPC_ADDRESS})
     * @param namespace the namespace every event belongs to
     */
    public TtrpcEventForwarder(TtrpcTransport transport, Path socket, String namespace, Clock clock,
            ForwarderSettings settings, ThreadFactory threads) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.socket = Objects.requireNonNull(socket, "socket");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.worker = threads.newThread(this::run);
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void publish(Message event) {
        Instant now = clock.instant();
        Envelope envelope = Envelope.newBuilder()
                .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setNamespace(namespace)
                .setTopic(TaskTopics.of(event.getDescriptorForType()))
                .setEvent(AnyCodec.pack(event))
                .build();
        synchronized (lock) {
            if (closing) {
                log.warn("event {} published after shutdown began; dropped", envelope.getTopic());
                return;
            }
            if (queue.size() >= settings.queueCapacity()) {
                Envelope oldest = queue.removeFirst();
                dropped++;
                log.warn("event queue full ({} events): dropped the oldest, {}", settings.queueCapacity(),
                        oldest.getTopic());
            }
            queue.addLast(envelope);
            lock.notifyAll();
        }
    }

    /** Events waiting to be delivered. */
    public int pending() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** Waits up to {@code timeout} until every event published so far was delivered or dropped; true if so. */
    public boolean awaitDelivered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!queue.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            return true;
        }
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    private void run() {
        long backoffMillis = settings.initialBackoff().toMillis();
        try {
            while (true) {
                Envelope next;
                synchronized (lock) {
                    while (queue.isEmpty() && !closing) {
                        lock.wait();
                    }
                    if (queue.isEmpty()) {
                        return; // closing and flushed
                    }
                    next = queue.peekFirst();
                }
                Outcome outcome = forward(next);
                if (outcome == Outcome.RETRY) {
                    synchronized (lock) {
                        lock.wait(backoffMillis); // woken early only by close, which wants a quick retry anyway
                    }
                    backoffMillis = Math.min(backoffMillis * 2, settings.maxBackoff().toMillis());
                    continue;
                }
                backoffMillis = settings.initialBackoff().toMillis();
                synchronized (lock) {
                    if (queue.peekFirst() == next) { // unless the full queue dropped it meanwhile
                        queue.removeFirst();
                    }
                    lock.notifyAll(); // for awaitDelivered
                }
            }
        } catch (InterruptedException e) {
            // close() gave up on the remaining events
        } finally {
            closeClient();
        }
    }

    private enum Outcome { DELIVERED, REJECTED, RETRY }

    private Outcome forward(Envelope envelope) {
        try {
            if (client == null || !client.isOpen()) {
                closeClient();
                client = TtrpcClient.connect(transport, socket);
            }
            Metadata headers = new Metadata();
            headers.put(NAMESPACE_KEY, namespace);
            EventsGrpc.newBlockingStub(client)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(settings.attemptTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .forward(ForwardRequest.newBuilder().setEnvelope(envelope).build());
            return Outcome.DELIVERED;
        } catch (StatusRuntimeException e) {
            if (REJECTED.contains(e.getStatus().getCode())) {
                log.warn("containerd rejected event {}; dropped: {}", envelope.getTopic(), e.getStatus());
                return Outcome.REJECTED;
            }
            log.debug("forwarding {} failed, will retry: {}", envelope.getTopic(), e.getStatus());
            closeClient();
            return Outcome.RETRY;
        } catch (IOException e) {
            log.debug("cannot reach containerd at {}, will retry: {}", socket, e.getMessage());
            return Outcome.RETRY;
        }
    }

    private void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** Same as {@code close(Duration.ofSeconds(3))}; an interrupt ends the wait early (and stays set). */
    @Override
    public void close() {
        try {
            close(Duration.ofSeconds(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops accepting events and waits up to {@code deadline} for the queued ones to be delivered; whatever is
     * left then is dropped with a warning.
     *
     * @return true if everything was delivered
     */
    public boolean close(Duration deadline) throws InterruptedException {
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        worker.join(Math.max(1, deadline.toMillis()));
        if (worker.isAlive()) {
            worker.interrupt();
            worker.join(TimeUnit.SECONDS.toMillis(1));
            log.warn("{} events not delivered to containerd before shutdown", pending());
            return false;
        }
        return true;
    }
}
