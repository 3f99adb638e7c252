/**
 * The OCI spec: protobuf (as carried by the agent API) → runtime-spec JSON ({@link capsa.agent.spec.OciJson}), then
 * the guest-side rewrites runc needs ({@link capsa.agent.spec.GuestSpecRewriter}).
 *
 * <p>Threading: stateless apart from configuration; safe from any thread.
 */
package capsa.agent.spec;
