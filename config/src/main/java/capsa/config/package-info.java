/**
 * The {@code configuration.toml} model: the key catalogue ({@link capsa.config.ConfigKeys}), reading and validating
 * a file ({@link capsa.config.ConfigParser}), where the file is found ({@link capsa.config.ConfigLoader}), per-pod
 * annotation overrides and CRI sizing ({@link capsa.config.AnnotationOverrides}, {@link capsa.config.PodSizing}),
 * the typed views the shim uses ({@link capsa.config.HypervisorSettings} ...), and the generated reference
 * documentation ({@link capsa.config.ConfigDocs}).
 *
 * <p>Threading: everything here is immutable or stateless; safe from any thread. Loading reads files and so blocks:
 * never call it on an event loop.
 */
package capsa.config;
