/**
 * The boot benchmark: a main class that boots VMs one after another and reports time-to-agent-channel-ready. Not
 * used by production code.
 *
 * <p>Threading: single-threaded main plus the event loop it creates.
 */
package capsa.hypervisor.bench;
