/**
 * Task events from the shim to containerd: {@link capsa.shim.events.EventPublisher} is what the Task service
 * sees; {@link capsa.shim.events.TtrpcEventForwarder} delivers through containerd's ttrpc {@code Events/Forward}
 * with ordering, retries and a bounded queue.
 *
 * <p>Threading: {@code publish} may be called from any thread and only queues; one worker thread per forwarder does
 * all network I/O (blocking ttrpc calls, never on an event loop).
 */
package capsa.shim.events;
