package capsa.e2e.vm;

import capsa.proto.containerd.task.v2.TaskGrpc;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A ttrpc connection of our own to a running shim daemon, beside containerd's: for what {@code ctr} cannot do
 * (Delete of a running init, a Kill while containerd is down). The shim serves any number of connections.
 */
final class ShimTaskClient implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);

    private final TtrpcTransport transport;
    private final TtrpcClient client;

    private ShimTaskClient(TtrpcTransport transport, TtrpcClient client) {
        this.transport = transport;
        this.client = client;
    }

    /** Connects to the socket named by {@code <bundle>/address} ({@code unix://<path>}, as the shim wrote it). */
    static ShimTaskClient forBundle(Path bundle) throws IOException {
        String address = Files.readString(bundle.resolve("address"), StandardCharsets.UTF_8);
        if (!address.startsWith("unix://")) {
            throw new IOException("unexpected address in " + bundle + ": " + address);
        }
        return connect(Path.of(address.substring("unix://".length())));
    }

    static ShimTaskClient connect(Path socket) throws IOException {
        TtrpcTransport transport = TtrpcTransport.create(1, 2, 16);
        try {
            return new ShimTaskClient(transport, TtrpcClient.connect(transport, socket));
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** A blocking stub whose calls fail after two minutes (a TCG VM on a loaded host is slow, never that slow). */
    TaskGrpc.TaskBlockingStub task() {
        return TaskGrpc.newBlockingStub(client).withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            transport.close();
        }
    }
}
