/**
 * The shim binary's entry point, {@link capsa.shim.ShimMain}: it only parses the command line and wires
 * {@code capsa.shim.manager} (start/delete/-info/-v, the binary contract) or {@code capsa.shim.daemon} (the
 * long-lived server).
 *
 * <p>Threading: main thread only.
 */
package capsa.shim;
