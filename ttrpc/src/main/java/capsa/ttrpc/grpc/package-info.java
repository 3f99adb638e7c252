/**
 * Serving the same grpc-java services over real gRPC on a Unix socket ({@link
 * capsa.ttrpc.grpc.GrpcUnixServer}), for containerd versions that speak gRPC to shims.
 *
 * <p>Threading: grpc-netty runs I/O on the transport's event loops and calls on its executor.
 */
@CheckReturnValue
package capsa.ttrpc.grpc;

import com.google.errorprone.annotations.CheckReturnValue;
