/**
 * A typed client for the Cloud Hypervisor REST API: HTTP/1.1 over the VMM's API Unix socket, JSON bodies modelled
 * on Cloud Hypervisor's {@code VmConfig} and friends, one method per endpoint, and {@link
 * capsa.hypervisor.clh.api.ChApiException} carrying the status code and the VMM's error chain on any non-2xx reply.
 *
 * <p>The records here are wire shapes only: field names follow Cloud Hypervisor's OpenAPI schema (snake_case on the
 * wire), {@code null} components are left out of the JSON so the VMM applies its own defaults.
 *
 * <p>Threading: the client does its I/O on the Netty event loop group it is given and returns futures that complete
 * on that loop; callers must not block inside their callbacks.
 */
package capsa.hypervisor.clh.api;
