package capsa.config;

import java.time.Duration;

/**
 * The typed view of {@code [agent]}.
 *
 * @param channel the transport to the agent
 * @param dialTimeout how long VM boot plus agent start may take
 * @param debug agent debug logging
 */
public record AgentSettings(AgentChannel channel, Duration dialTimeout, boolean debug) {}
