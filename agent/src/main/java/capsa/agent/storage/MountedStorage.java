package capsa.agent.storage;

import java.nio.file.Path;

/**
 * A storage the agent set up: where, and whether there is a mount to undo (a {@code local} storage is only a
 * directory).
 */
public record MountedStorage(String driver, Path mountPoint, boolean mounted) {}
