/**
 * Helpers around {@code google.protobuf.Any} as containerd uses it: bare type URLs (the message's
 * full proto name with no {@code type.googleapis.com/} prefix, because containerd 1.6 resolves
 * type URLs by exact name) and the well-known URLs of the JSON payloads containerd sends.
 *
 * <p>Threading: everything here is stateless and immutable, safe from any thread, never blocks.
 */
package capsa.proto.util;
