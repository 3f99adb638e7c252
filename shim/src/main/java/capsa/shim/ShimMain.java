package capsa.shim;

import capsa.shim.daemon.DaemonLogging;
import capsa.shim.daemon.ShimDaemon;
import capsa.shim.manager.DaemonSpawner;
import capsa.shim.manager.DaemonSpec;
import capsa.shim.manager.DeleteCommand;
import capsa.shim.manager.InfoCommand;
import capsa.shim.manager.SelfCommand;
import capsa.shim.manager.ShimCommandException;
import capsa.shim.manager.ShimFlags;
import capsa.shim.manager.ShimFlagsParser;
import capsa.shim.manager.ShimSocketAddress;
import capsa.shim.manager.ShimVersion;
import capsa.shim.manager.StartCommand;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.LoggerFactory;

/**
 * {@code containerd-shim-capsa-v2}: parses the command line and hands it to the binary-contract commands
 * ({@code capsa.shim.manager}) or to the daemon ({@code capsa.shim.daemon}). Only wiring lives here.
 *
 * <p>stdout carries the reply to containerd and nothing else; a failure is one line on stderr and exit status 1.
 */
public final class ShimMain {

    private static final Duration DAEMON_READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SIGNAL_CLEANUP = Duration.ofSeconds(5);

    private ShimMain() {}

    public static void main(String[] args) {
        int status;
        boolean daemon = false;
        try {
            daemon = Arrays.asList(args).contains("serve");
            status = run(args);
        } catch (ShimCommandException e) {
            fail(e.oneLine());
            status = 1;
        } catch (Exception | LinkageError e) {
            fail(e.toString());
            status = 1;
        }
        if (!daemon) {
            // start/delete/-v/-info: the reply is flushed and nothing needs a shutdown hook, so skip the orderly JVM
            // shutdown; containerd waits for this process to exit, and that shutdown took ~0.3 s under load.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(status);
        }
        System.exit(status);
    }

    private static int run(String[] args) throws Exception {
        ShimFlags flags = ShimFlagsParser.parse(Arrays.asList(args));
        Path cwd = Path.of("").toAbsolutePath();
        switch (flags.action()) {
            case VERSION -> reply(ShimVersion.load().humanReadable().getBytes(StandardCharsets.UTF_8));
            case INFO -> reply(InfoCommand.run(System.in.readAllBytes(), ShimVersion.load()));
            case START -> {
                // Read stdin fully first: containerd's writer must never see EPIPE.
                byte[] stdin = System.in.readAllBytes();
                StartCommand start = new StartCommand(ShimSocketAddress.DEFAULT_SOCKET_DIR,
                        new DaemonSpawner(SelfCommand.current(), DAEMON_READY_TIMEOUT), System.getenv());
                reply(start.run(flags, stdin, cwd));
            }
            case DELETE -> reply(new DeleteCommand(ShimSocketAddress.DEFAULT_SOCKET_DIR, Clock.systemUTC())
                    .run(flags, cwd));
            case SERVE -> {
                return serve(DaemonSpec.fromFlags(flags));
            }
        }
        return 0;
    }

    private static int serve(DaemonSpec spec) throws Exception {
        DaemonLogging logging = DaemonLogging.toFifo(spec.bundle().resolve("log"), spec.groupId(), spec.debug(),
                new DefaultThreadFactory("log-fifo", true));
        ShimDaemon daemon = new ShimDaemon(spec, new capsa.shim.task.CapsaTaskServiceFactory(System.getenv()));
        daemon.shutdownService().registerCallback("flush logs", logging::close);
        // SIGTERM (or SIGINT) asks for the same orderly shutdown as the Task service's Shutdown, and holds the JVM
        // until the clean-up ran on the main thread.
        Thread hook = new Thread(() -> {
            daemon.shutdownService().requestShutdown("signal");
            try {
                daemon.shutdownService().awaitCallbacksFinished(SIGNAL_CLEANUP.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shim-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            daemon.start();
        } catch (Exception e) {
            LoggerFactory.getLogger(ShimMain.class).error("shim daemon failed to start", e);
            daemon.shutdownService().runCallbacks();
            throw e;
        }
        daemon.awaitAndStop();
        return 0;
    }

    private static void reply(byte[] bytes) throws IOException {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        out.write(bytes);
        out.flush();
    }

    private static void fail(String message) {
        System.err.print("containerd-shim-capsa-v2: " + message + "\n");
        System.err.flush();
    }
}
