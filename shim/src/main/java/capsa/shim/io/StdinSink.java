package capsa.shim.io;

import java.util.concurrent.CompletableFuture;

/** The stdin side of a guest process. */
public interface StdinSink {

    /** Completes with how many bytes the guest took. */
    CompletableFuture<Integer> write(byte[] data);

    CompletableFuture<Void> close();
}
