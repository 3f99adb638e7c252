package capsa.bench;

import capsa.ttrpc.TtrpcTransport;
import capsa.ttrpc.server.TtrpcServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Our ttrpc server in a JVM of its own, so it can be measured with the same process topology as the Go shim (client
 * and server not sharing a JVM). Prints {@code READY} once listening and serves until its stdin closes.
 */
public final class StandaloneTaskServer {

    static final String READY = "READY";

    private StandaloneTaskServer() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: StandaloneTaskServer <socket path>");
            System.exit(2);
        }
        try (TtrpcTransport transport = TtrpcTransport.create(1, 16, 1024);
                TtrpcServer server = TtrpcServer.builder(transport).addService(new ConnectOnlyTask()).build()) {
            server.bind(Path.of(args[0]));
            System.out.println(READY);
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // The parent never writes; EOF (parent gone or done) ends the server.
            }
        }
    }
}
