package capsa.bench;

import capsa.e2e.support.RuncShim;
import capsa.proto.containerd.task.v2.ConnectRequest;
import capsa.proto.containerd.task.v2.ConnectResponse;
import capsa.proto.containerd.task.v2.TaskGrpc;
import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.client.TtrpcClient;
import capsa.ttrpc.server.TtrpcServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Unary {@code containerd.task.v2.Task/Connect} round trips over a Unix socket, from our {@link TtrpcClient} (one
 * connection shared by all benchmark threads, as containerd shares one connection per shim) to either our
 * {@link TtrpcServer} or the Go ttrpc server inside {@code containerd-shim-runc-v2}. Thread count is set by the
 * runner (1 and 16 callers).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TtrpcRoundTripBenchmark {

    /**
     * {@code capsa}: our server in this JVM; {@code capsa-jvm}: our server in a JVM of its own (the Go server's
     * topology); {@code go}: containerd-shim-runc-v2 in its own process.
     */
    @Param({"capsa", "capsa-jvm", "go"})
    public String server;

    private static final ConnectRequest REQUEST = ConnectRequest.newBuilder().setId("bench").build();

    private TtrpcTransport serverTransport;
    private TtrpcTransport clientTransport;
    private TtrpcServer ourServer;
    private RuncShim goShim;
    private Process serverJvm;
    private Path ourSocketDir;
    private TtrpcClient client;
    private TaskGrpc.TaskBlockingStub task;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        clientTransport = TtrpcTransport.create(1, 4, 1024);
        Path socket;
        switch (server) {
            case "capsa" -> {
                // Our server gets its own I/O thread and enough handler threads for 16 concurrent callers.
                serverTransport = TtrpcTransport.create(1, 16, 1024);
                ourSocketDir = Files.createTempDirectory(Path.of("/tmp"), "capsa-bench-");
                socket = ourSocketDir.resolve("task.sock");
                ourServer = TtrpcServer.builder(serverTransport).addService(new ConnectOnlyTask()).build().bind(socket);
            }
            case "capsa-jvm" -> {
                ourSocketDir = Files.createTempDirectory(Path.of("/tmp"), "capsa-bench-");
                socket = ourSocketDir.resolve("task.sock");
                serverJvm = startServerJvm(socket);
            }
            case "go" -> {
                goShim = RuncShim.start("capsa-bench", "bench-" + ProcessHandle.current().pid());
                socket = goShim.socketPath();
            }
            default -> throw new IllegalArgumentException("unknown server " + server);
        }
        client = TtrpcClient.connect(clientTransport, socket);
        task = TaskGrpc.newBlockingStub(client);
        ConnectResponse first = task.connect(REQUEST);
        if (first.getShimPid() == 0) {
            throw new IllegalStateException(server + " server answered Connect without a pid");
        }
    }

    private static Process startServerJvm(Path socket) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                StandaloneTaskServer.class.getName(), socket.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!StandaloneTaskServer.READY.equals(line)) {
            process.destroyForcibly();
            throw new IOException("server JVM did not start, said: " + line);
        }
        return process;
    }

    @Benchmark
    public ConnectResponse connect() {
        return task.connect(REQUEST);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (client != null) {
            client.close();
        }
        if (ourServer != null) {
            ourServer.close();
        }
        if (goShim != null) {
            goShim.close();
        }
        if (serverJvm != null) {
            serverJvm.getOutputStream().close();
            try {
                if (!serverJvm.waitFor(20, TimeUnit.SECONDS)) {
                    serverJvm.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                serverJvm.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (ourSocketDir != null) {
            Files.deleteIfExists(ourSocketDir.resolve("task.sock"));
            Files.deleteIfExists(ourSocketDir);
        }
        clientTransport.close();
        if (serverTransport != null) {
            serverTransport.close();
        }
    }
}
