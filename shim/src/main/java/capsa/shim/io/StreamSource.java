package capsa.shim.io;

import java.util.concurrent.CompletableFuture;

/** One output stream of a guest process: a long poll answering up to {@code max} bytes, empty at end of stream. */
@FunctionalInterface
public interface StreamSource {
    CompletableFuture<byte[]> read(int max);
}
