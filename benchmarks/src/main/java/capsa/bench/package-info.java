/**
 * JMH benchmarks. {@link capsa.bench.TtrpcRoundTripBenchmark} measures unary ttrpc round trips of our client against
 * our server and against the Go server of {@code containerd-shim-runc-v2}; {@link capsa.bench.TtrpcBenchmarkMain}
 * runs it for 1 and 16 callers and prints the results side by side.
 *
 * <p>Threading: JMH drives the benchmark threads; servers and client run on their own ttrpc transports.
 */
package capsa.bench;
